import type { AuditEvent, AuditModel } from '#projections';
import { withCliContext } from '../cli.module.js';
import { type CliIo, EXIT, parseCommandArgs, UsageError, write } from '../io.js';
import type { Command } from './command.js';

const PAGE = 500;

export const eventsCommand: Command = {
  name: 'events',
  synopsis: 'events [--follow] [--after N]',
  summary: 'print the global event feed as JSON lines',
  interruptible: true,
  help: `Usage: claimline events [--follow] [--after N]

Prints the global event feed, one JSON object per line, in log order: position, id, stream,
revision, type, actor, recordedAt, claimId, data, metadata (the items of GET /events).

Options:
  -f, --follow    keep printing new events as they are appended, until interrupted (Ctrl-C);
                  events written by another process (a running API) appear within a second
  -a, --after N   start after global position N (default: from the beginning)
  -h, --help      show this help
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, help } = parseCommandArgs(args, { follow: { type: 'boolean', short: 'f' }, after: { type: 'string', short: 'a' } }, 0);
    if (help) {
      await write(io.stdout, this.help);
      return EXIT.ok;
    }
    const afterRaw = values.after as string | undefined;
    const after = afterRaw === undefined ? -1 : Number(afterRaw);
    if (afterRaw !== undefined && (!/^-?\d+$/.test(afterRaw.trim()) || !Number.isSafeInteger(after) || after < -1)) {
      throw new UsageError(`--after must be a global position (a whole number, -1 or more), not "${afterRaw}"`);
    }
    const follow = values.follow === true;
    return withCliContext(io.env, async (ctx) => {
      const audit = (): AuditModel => ctx.projections.audit;
      let last = after;
      if (!follow) {
        await printFrom(audit(), io, last);
        return EXIT.ok;
      }
      // Listen before reading the backlog, so a batch applied in between still wakes the loop.
      let pending = false;
      let wake: (() => void) | null = null;
      const poke = (): void => {
        pending = true;
        wake?.();
      };
      const applied = ctx.projections.runner.applied.subscribe({ next: poke, complete: poke });
      io.signal?.addEventListener('abort', poke, { once: true });
      try {
        while (!io.signal?.aborted) {
          pending = false;
          last = await printFrom(audit(), io, last);
          if (pending || io.signal?.aborted) continue;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        applied.unsubscribe();
        io.signal?.removeEventListener('abort', poke);
      }
      return EXIT.ok;
    });
  },
};

/** Prints every audited event after `after`; returns the position of the last one printed. */
async function printFrom(audit: AuditModel, io: CliIo, after: number): Promise<number> {
  let last = after;
  for (;;) {
    if (io.signal?.aborted) return last;
    const page = audit.events({ after: last, limit: PAGE });
    for (const e of page.items) await write(io.stdout, `${line(e)}\n`);
    if (page.items.length > 0) last = page.items.at(-1)!.position;
    if (page.next === null) return last;
  }
}

function line(e: AuditEvent): string {
  return JSON.stringify(e);
}
