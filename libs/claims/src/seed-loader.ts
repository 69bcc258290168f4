import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, CommandBus } from '@nestjs/cqrs';
import { claimStream, sourceStream } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import { OpenClaimCommand } from './open-claim.js';
import { RecordAssertionCommand } from './record-assertion.js';
import { RegisterSourceCommand } from './register-source.js';
import type { WriteContext } from './write-stream.js';

interface SeedSource {
  key: string;
  file: string;
  title: string;
  publisher: string | null;
  author: string | null;
  url: string | null;
  language: string;
  publishedAt: { text: string; edtf: string };
  retrievedAt: string | null;
  fiscalYear?: string;
}

interface SeedClaims {
  entities: { key: string; name: string; aliases: string[] }[];
  claims: {
    key: string;
    subject: string;
    predicate: string;
    valueType: 'date' | 'quantity' | 'count' | 'text';
    description?: string;
    entities?: string[];
    assertions: {
      key: string;
      source: string;
      quote: string;
      occurrence?: number;
      value: string;
      saidAt?: string;
      speaker: string;
      modality: string;
      note?: string;
    }[];
  }[];
}

/** A seed that the domain refused: names the file, the claim or source, and the quote. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
}

export interface SeedReport {
  sources: number;
  claims: number;
  assertions: number;
}

/** Seed entities get ids derived from their keys, so loading twice lands on the same streams. */
export function seedId(kind: string, key: string): string {
  const h = createHash('sha256').update(`claimline-seed\u0000${kind}\u0000${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Who writes the seeds, whichever process loads them (the server on first start, or the CLI). */
export const SEED_ACTOR = 'seed';

/** One write of a seed load: where it comes from, its stream, how to tell it is in the log, and the command. */
interface SeedWrite {
  where: string;
  stream: string;
  inLog: (events: readonly RecordedEvent[]) => boolean;
  command: () => Command<unknown>;
}

/** The writes a seeds directory makes, in order (sources, then each claim and its assertions). */
function seedWrites(dir: string): { writes: SeedWrite[]; report: SeedReport } {
  const sourcesFile = join(dir, 'sources.json');
  const claimsFile = join(dir, 'claims.json');
  const sources = readJson<SeedSource[]>(sourcesFile);
  const { entities, claims } = readJson<SeedClaims>(claimsFile);
  const entityByKey = new Map(entities.map((e) => [e.key, { name: e.name, aliases: e.aliases }]));
  const context = (key: string): WriteContext => ({ actor: SEED_ACTOR, idempotencyKey: `seed:${key}`, correlationId: `seed:${key}` });
  const exists = (events: readonly RecordedEvent[]): boolean => events.length > 0;
  const writes: SeedWrite[] = [];

  const sourceIds = new Map<string, string>();
  for (const s of sources) {
    const where = `${sourcesFile}: source "${s.key}"`;
    const text = attempt(where, () => readFileSync(join(dir, s.file), 'utf8'));
    const sourceId = seedId('source', s.key);
    sourceIds.set(s.key, sourceId);
    writes.push({
      where,
      stream: sourceStream(sourceId),
      inLog: exists,
      command: () =>
        new RegisterSourceCommand(
          { sourceId, title: s.title, publisher: s.publisher, author: s.author, url: s.url, language: s.language, publishedAt: s.publishedAt.edtf, retrievedAt: s.retrievedAt, fiscalYear: s.fiscalYear ?? null, text },
          context(`source:${s.key}`),
        ),
    });
  }

  let assertions = 0;
  for (const c of claims) {
    const where = `${claimsFile}: claim "${c.key}"`;
    const claimId = seedId('claim', c.key);
    const claimEntities = (c.entities ?? []).map((k) => {
      const e = entityByKey.get(k);
      if (!e) throw new SeedError(`${where}: unknown entity "${k}"`);
      return e;
    });
    writes.push({
      where,
      stream: claimStream(claimId),
      inLog: exists,
      command: () => new OpenClaimCommand({ claimId, subject: c.subject, predicate: c.predicate, valueType: c.valueType, description: c.description, entities: claimEntities }, context(`claim:${c.key}`)),
    });
    for (const a of c.assertions) {
      const sourceId = sourceIds.get(a.source);
      const at = `${where}, assertion "${a.key}" (quote "${a.quote}")`;
      if (!sourceId) throw new SeedError(`${at}: unknown source "${a.source}"`);
      const assertionId = seedId('assertion', `${c.key}/${a.key}`);
      writes.push({
        where: at,
        stream: claimStream(claimId),
        inLog: (events) => events.some((e) => e.type === 'claimline.assertion-recorded' && (e.data as { assertionId?: unknown }).assertionId === assertionId),
        command: () =>
          new RecordAssertionCommand(
            claimId,
            {
              assertionId,
              sourceId,
              quote: { exact: a.quote, ...(a.occurrence === undefined ? {} : { occurrence: a.occurrence }) },
              value: { text: a.value },
              saidAt: a.saidAt,
              speaker: a.speaker,
              modality: a.modality,
              note: a.note,
            },
            context(`assertion:${c.key}/${a.key}`),
          ),
      });
      assertions += 1;
    }
  }
  return { writes, report: { sources: sources.length, claims: claims.length, assertions } };
}

/**
 * The writes of a seeds directory that are not in the log yet. Seeds have ids derived from their
 * keys, so this reads their streams and nothing else, whoever loaded them before, and appends
 * nothing: it may run beside a server that is writing the log.
 */
export async function missingSeedWrites(store: EventStore, dir: string): Promise<{ missing: SeedWrite[]; report: SeedReport }> {
  const { writes, report } = seedWrites(dir);
  const streams = new Map<string, readonly RecordedEvent[]>();
  const missing: SeedWrite[] = [];
  for (const w of writes) {
    let events = streams.get(w.stream);
    if (!events) streams.set(w.stream, (events = await store.readStream(w.stream)));
    if (!w.inLog(events)) missing.push(w);
  }
  return { missing, report };
}

/**
 * Loads `seeds/` through the same commands the API sends (validation, quote check and all), so a
 * seed can never hold what a user could not have entered, writing only what is not in the log yet
 * (a second load appends nothing, whether the server or the CLI made the first). Every write
 * carries an idempotency key derived from its seed key, so a load cut short and run again does not
 * repeat what had landed.
 */
export async function loadSeeds(commands: CommandBus, store: EventStore, dir: string, onProgress?: (done: number, total: number) => void): Promise<SeedReport> {
  const { missing, report } = await missingSeedWrites(store, dir);
  let done = 0;
  for (const w of missing) {
    await attemptAsync(w.where, () => commands.execute(w.command()));
    onProgress?.(++done, missing.length);
  }
  return report;
}

function readJson<T>(file: string): T {
  return attempt(file, () => JSON.parse(readFileSync(file, 'utf8')) as T);
}

function attempt<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new SeedError(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function attemptAsync<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const field = (error as { field?: string }).field;
    throw new SeedError(`${where}${field ? ` [${field}]` : ''}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
