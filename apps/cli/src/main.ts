import 'reflect-metadata';
import { isInterruptible, run } from './cli.js';

const SIGNAL_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The process around `run`: real streams, signals, and the exit status. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const controller = new AbortController();
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A command that does not watch the signal, or a second Ctrl-C: stop now (see Command.interruptible).
    if (signalled || !isInterruptible(argv)) process.exit(SIGNAL_STATUS[signal] ?? 1);
    signalled = signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `claimline events | head`: the reader went away; wind down quietly instead of dying on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (!isInterruptible(argv)) process.exit(0);
    controller.abort();
  });

  const code = await run(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  });
  const status = (signalled && SIGNAL_STATUS[signalled]) ?? code;
  process.exitCode = status;
  // Everything is closed by now; should a stray handle remain, do not hang on it.
  setTimeout(() => process.exit(status), 2000).unref();
}

void main();
