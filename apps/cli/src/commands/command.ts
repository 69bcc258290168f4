import type { CliIo } from '../io.js';

/** One subcommand: its help text and a function from arguments and streams to an exit status. */
export interface Command {
  name: string;
  /** As shown in the command list, e.g. `export claimreview|csv [--out FILE]`. */
  synopsis: string;
  summary: string;
  /** Printed by `claimline <name> --help`. */
  help: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
  /**
   * True when the command watches `io.signal` and winds down by itself (events --follow). Any other
   * command is ended at once by Ctrl-C: what it was doing is safe to cut short (appends are
   * idempotent and durable, a rebuild leaves the live read models in place).
   */
  interruptible?: boolean;
}
