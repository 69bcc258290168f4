import { parseArgs } from 'node:util';

/** Where a command reads its configuration and writes its output: the process, or a test's streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** CLAIMLINE_DATA_DIR, CLAIMLINE_STORE, CLAIMLINE_EVENTSTORE_URL, CI… */
  env: NodeJS.ProcessEnv;
  /** Relative paths (seed dir, --out) resolve against it. */
  cwd: string;
  /** Aborted on SIGINT/SIGTERM (or a closed stdout): a command stops what it is doing and returns. */
  signal?: AbortSignal;
}

/** Exit statuses as Unix tools use them. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A mistake on the command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure (bad input file, refused seed, unreachable store): its message is enough. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Writes and waits when the stream asks to (a slow pipe), so a long listing does not pile up in memory. */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (stream.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: false }>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/**
 * `node:util` parseArgs, strict, with `-h/--help` on every command and errors turned into a
 * UsageError that says what was wrong in a few words.
 */
export function parseCommandArgs(args: readonly string[], options: OptionSpec, maxPositionals: number): ParsedArgs {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const help = parsed.values.help === true;
  if (!help && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals);
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(' ')}`);
  }
  return { values: parsed.values, positionals: parsed.positionals, help };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const option = /option '([^']+)'/i.exec(message)?.[1]?.replace(/^-\w, /, '').replace(/ <value>$/, '');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /argument missing/i.test(message) ? `option ${option} needs a value` : `option ${option} takes no value`;
  }
  return message;
}
