import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeedError } from '#claims';
import { DomainError, UnparseableValue } from '#domain';
import { StoreConfigError } from '#event-store';
import { eventsCommand } from './commands/events.js';
import { exportCommand } from './commands/export.js';
import type { Command } from './commands/command.js';
import { replayCommand } from './commands/replay.js';
import { seedCommand } from './commands/seed.js';
import { suggestCommand } from './commands/suggest.js';
import { verifyCommand } from './commands/verify.js';
import { CliError, type CliIo, EXIT, UsageError, write } from './io.js';

export const COMMANDS: readonly Command[] = [seedCommand, replayCommand, exportCommand, verifyCommand, eventsCommand, suggestCommand];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.synopsis.length));
  return `Usage: claimline <command> [options]

The command line of claimline, an event-sourced timeline service for evolving, sourced claims.
It works on the store the API is configured with (same environment variables, same commands).

Commands:
${COMMANDS.map((c) => `  ${c.synopsis.padEnd(width)}   ${c.summary}`).join('\n')}

Options:
  -h, --help      show this help; \`claimline <command> --help\` shows a command's
  -V, --version   print the version

Environment:
  CLAIMLINE_DATA_DIR         where the SQLite files live (default ./data)
  CLAIMLINE_STORE            sqlite (default) or eventstoredb
  CLAIMLINE_EVENTSTORE_URL   e.g. esdb://localhost:2113?tls=false, for eventstoredb
  CLAIMLINE_SEED_DIR         the default directory of \`seed\` (else ./seeds)
  CI                         when true, progress is printed as plain lines

Exit status: 0 success, 1 failure (verify: drift found), 2 usage error, 130 interrupted.
`;
}

/**
 * Runs one command line (without the program name) and returns the exit status. Nothing here calls
 * process.exit or touches process streams: main.ts does, so tests run commands in-process.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    await write(io.stderr, usage());
    return EXIT.usage;
  }
  if (name === '-h' || name === '--help') {
    await write(io.stdout, usage());
    return EXIT.ok;
  }
  if (name === '-V' || name === '--version') {
    await write(io.stdout, `claimline ${version()}\n`);
    return EXIT.ok;
  }
  if (name === 'help') {
    const topic = args[0] === undefined ? undefined : COMMANDS.find((c) => c.name === args[0]);
    if (args[0] !== undefined && !topic) return usageError(io, null, `unknown command "${args[0]}"`);
    await write(io.stdout, topic ? topic.help : usage());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    return usageError(io, null, name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, command, error.message);
    await write(io.stderr, `claimline ${command.name}: ${describeError(error)}\n`);
    return EXIT.failure;
  }
}

/** Whether the command this line runs stops by itself on `io.signal` (else Ctrl-C ends the process). */
export function isInterruptible(argv: readonly string[]): boolean {
  return COMMANDS.find((c) => c.name === argv[0])?.interruptible === true;
}

async function usageError(io: CliIo, command: Command | null, message: string): Promise<number> {
  const who = command ? `claimline ${command.name}` : 'claimline';
  await write(io.stderr, `${who}: ${message}\nRun '${who} --help' for usage.\n`);
  return EXIT.usage;
}

/** The message for failures a user can act on; the stack too for anything else (that is a bug). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (isExpected(error)) return error.message;
  return error.stack ?? `${error.name}: ${error.message}`;
}

function isExpected(error: Error): boolean {
  return (
    error instanceof CliError ||
    error instanceof SeedError ||
    error instanceof StoreConfigError ||
    error instanceof DomainError ||
    error instanceof UnparseableValue ||
    // Node system errors (ENOENT, EACCES, ECONNREFUSED…), SQLite's (SQLITE_BUSY…) and gRPC's carry a code.
    typeof (error as { code?: unknown }).code === 'string' ||
    typeof (error as { code?: unknown }).code === 'number'
  );
}

/** The version in the project's package.json (found from this file, in src or in dist). */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'claimline') return pkg.version ?? 'unknown';
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
