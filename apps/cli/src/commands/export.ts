import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { claimReviewJson, type ClaimStateView, type Page, type Projections, type SourceSummary, type StoredTimeline } from '#projections';
import { withCliContext } from '../cli.module.js';
import { csvRecord, type CsvCell } from '../csv.js';
import { CliError, type CliIo, EXIT, parseCommandArgs, UsageError, write } from '../io.js';
import type { Command } from './command.js';

const FORMATS = ['claimreview', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/** Where the web UI is reached: the API's CLAIMLINE_PUBLIC_URL, else a local server. */
function defaultBaseUrl(env: NodeJS.ProcessEnv): string {
  return env.CLAIMLINE_PUBLIC_URL?.trim() || 'http://localhost:3000';
}

export const CSV_COLUMNS = [
  'claim_id',
  'subject',
  'predicate',
  'assertion_id',
  'source_id',
  'source_title',
  'speaker',
  'modality',
  'said_at',
  'said_at_lo',
  'said_at_hi',
  'value',
  'normalized',
  'lo',
  'hi',
  'unit',
  'relation_to_previous',
  'status',
] as const;

export const exportCommand: Command = {
  name: 'export',
  synopsis: 'export claimreview|csv [--out FILE]',
  summary: 'write ClaimReview JSON-LD, or a CSV of every assertion',
  help: `Usage: claimline export claimreview|csv [--out FILE] [--base-url URL]

  claimreview   a JSON-LD array of schema.org ClaimReview items, one per claim with a verdict
                (the same document as GET /export/claimreview)
  csv           one RFC 4180 record per assertion, in each claim's said-at order, with a header:
                ${CSV_COLUMNS.join(', ')}
                (bounds: YYYY-MM-DD for dates, numbers in base units; empty = open end)

Writes to stdout unless --out is given.

Options:
  -o, --out FILE        write to FILE instead (replaced whole, never left half-written)
      --base-url URL    claimreview: where the web UI is served; each item's url is its claim's
                        page there (default: $CLAIMLINE_PUBLIC_URL, else http://localhost:3000)
  -h, --help            show this help
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals, help } = parseCommandArgs(args, { out: { type: 'string', short: 'o' }, 'base-url': { type: 'string' } }, 1);
    if (help) {
      await write(io.stdout, this.help);
      return EXIT.ok;
    }
    const format = positionals[0];
    if (format === undefined) throw new UsageError(`say what to export: ${FORMATS.join(' or ')}`);
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown export format "${format}" (expected ${FORMATS.join(' or ')})`);
    const baseUrlOption = values['base-url'] as string | undefined;
    if (baseUrlOption !== undefined && format !== 'claimreview') throw new UsageError('--base-url applies to claimreview only');
    const baseUrl = checkBaseUrl(baseUrlOption ?? defaultBaseUrl(io.env));
    const out = values.out as string | undefined;
    if (out === '') throw new UsageError('option --out needs a file name');

    const file = out === undefined ? undefined : resolve(io.cwd, out);
    // Written as it is read, a page of claims at a time: an archive's export is never in memory
    // whole (the CSV of the 1M-event store, 344 MB, had taken 2.1 GB).
    const { count, what } = await withCliContext(io.env, `export ${format}`, async (ctx) => {
      const read = ctx.projections;
      let count = 0;
      const counted = function* <T>(pages: Iterable<T[]>): Generator<T[]> {
        for (const page of pages) {
          count += page.length;
          yield page;
        }
      };
      if ((format as Format) === 'claimreview') {
        const json = function* (): Generator<string> {
          yield* claimReviewJson(counted(read.claimState.withVerdicts()), (sourceId) => read.sources.appearanceOf(sourceId), baseUrl, 2);
          yield '\n';
        };
        await writeOut(io, file, json());
        return { count, what: 'ClaimReview items' };
      }
      const records = function* (): Generator<string> {
        yield csvRecord(CSV_COLUMNS);
        for (const rows of counted(assertionPages(read))) yield rows.map(csvRecord).join('');
      };
      await writeOut(io, file, records());
      return { count, what: 'assertions' };
    }, (locked) =>
      new CliError(
        format === 'claimreview'
          ? `${locked.message}. Ask it instead (GET /export/claimreview), or stop it first.`
          : `${locked.message}. export csv reads the read models, which that process keeps: stop it first.`,
      ));
    if (file !== undefined) await write(io.stderr, `wrote ${count} ${what} to ${file}\n`);
    return EXIT.ok;
  },
};

/**
 * Writes the text to stdout as it comes, or to `file` through a file beside it renamed over it at
 * the end, so a reader never sees half a file.
 */
async function writeOut(io: CliIo, file: string | undefined, chunks: Iterable<string>): Promise<void> {
  if (file === undefined) {
    for (const chunk of chunks) await write(io.stdout, chunk);
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w');
    for (const chunk of chunks) writeSync(fd, chunk);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    try {
      if (fd !== undefined) closeSync(fd);
      rmSync(temp, { force: true });
    } catch {
      // nothing was written there
    }
    // A fault of the read models is not the file's: only the file system's errors are said to be.
    if (!isFileError(error)) throw error;
    throw new CliError(`cannot write ${file}: ${whyNot(error)}`, { cause: error });
  }
}

const isFileError = (error: unknown): boolean => typeof (error as { syscall?: unknown }).syscall === 'string';

function checkBaseUrl(raw: string): string {
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) throw new UsageError(`--base-url (or CLAIMLINE_PUBLIC_URL) must be an absolute http(s) URL, not "${raw}"`);
  return raw.replace(/\/+$/, '');
}

function whyNot(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const reasons: Record<string, string> = {
    ENOENT: 'its directory does not exist',
    ENOTDIR: 'a part of the path is not a directory',
    EISDIR: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
  };
  return (typeof code === 'string' && reasons[code]) || (error instanceof Error ? error.message : String(error));
}

/** The pages of a paged list, each read when the one before has been used. */
function* pagesOf<T>(page: (cursor: string | undefined) => Page<T>): Generator<T[]> {
  for (let cursor: string | undefined; ; ) {
    const { items, nextCursor } = page(cursor);
    yield items;
    if (nextCursor === null) return;
    cursor = nextCursor;
  }
}

/** Every item of a paged list, not just the first page. */
function everyPage<T>(page: (cursor: string | undefined) => Page<T>): T[] {
  return [...pagesOf(page)].flat();
}

/** The claims in the order they were opened, 500 at a time. */
const claimPages = (read: Projections): Generator<ClaimStateView[]> => pagesOf((cursor) => read.claimState.list({ cursor, limit: 500 }));

/** Every claim in the order it was opened. */
export function allClaims(read: Projections): ClaimStateView[] {
  return [...claimPages(read)].flat();
}

export function allSources(read: Projections): SourceSummary[] {
  return everyPage((cursor) => read.sources.list({ cursor, limit: 500 }));
}

/** One row per assertion (live and retracted), in CSV_COLUMNS order, a page of claims at a time. */
export function* assertionPages(read: Projections): Generator<CsvCell[][]> {
  const titles = new Map(allSources(read).map((s) => [s.id, s.title]));
  for (const claims of claimPages(read)) {
    const rows: CsvCell[][] = [];
    for (const claim of claims) {
      const timeline = read.timeline.timelineJson(claim.claimId);
      for (const e of timeline === undefined ? [] : (JSON.parse(timeline) as StoredTimeline).entries) {
        const value = e.value;
        rows.push([
          claim.claimId,
          claim.subject,
          claim.predicate,
          e.assertionId,
          e.sourceId,
          titles.get(e.sourceId) ?? '',
          e.speaker,
          e.modality,
          e.saidAt.text,
          e.saidAt.bounds.lo,
          e.saidAt.bounds.hi,
          value.text,
          value.normalized,
          value.type === 'text' ? null : value.bounds.lo,
          value.type === 'text' ? null : value.bounds.hi,
          value.type === 'quantity' ? value.unit : null,
          e.relationToPrevious?.relation ?? null,
          e.status,
        ]);
      }
    }
    yield rows;
  }
}
