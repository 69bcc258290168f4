/**
 * A synthetic claimline event log for the rebuild, ingest and memory benchmarks.
 *
 * Every event is a copy of a REAL event: the five seed articles, 26 claims and 52 assertions are
 * loaded through the built app (real command handlers, real value parser, real quote selectors)
 * into a scratch store, and those events are the templates. Copies get fresh ids; an assertion
 * copy keeps its template's quote, value, said-at, speaker and modality, and points at a copy of
 * its template's source (same text, so the quote selectors stay true).
 *
 * Shape for N events: N/1000 sources, N/10 claims, the rest assertions (8 or 9 per claim: the
 * claim's own seed assertions repeated in order, so timelines hold the refinements, slips and
 * contradictions of the seeds, at the seeds' rate).
 *
 * Ids as the product makes them: event ids are time-ordered UUIDv7 (libs/claims write-stream.ts),
 * claim, source and assertion ids random UUIDs.
 *
 * Order in the log (what a long-running instance would see, not what is cheapest to project):
 * all sources first; then waves of 10,000 claims: the wave's claims are opened, then 9 rounds in
 * which every claim of the wave gets one assertion, each round in shuffled order. So one claim's
 * events are spread over ~100,000 positions and every batch of the projection runner touches
 * thousands of different claims.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { API_KEYS, dist } from './common.mjs';

export const WAVE_CLAIMS = 10_000;
export const ASSERTION_ROUNDS = 9;

/** Loads the seeds through the real app into a scratch dir and returns their stored events. */
export async function captureTemplates() {
  const dir = mkdtempSync(join(tmpdir(), 'claimline-bench-templates-'));
  const { createApp } = await import(dist('apps/api/src/app.js'));
  const { configFromEnv } = await import(dist('apps/api/src/config.js'));
  const config = configFromEnv({
    CLAIMLINE_DATA_DIR: dir,
    CLAIMLINE_SEED: 'true',
    CLAIMLINE_SEED_DIR: join(dist('..'), 'seeds'),
    CLAIMLINE_API_KEYS: API_KEYS,
    CLAIMLINE_RATE_LIMIT: '0',
    LOG_LEVEL: 'silent',
  });
  const { app } = await createApp(config, { logger: process.env.BENCH_DEBUG === '1' });
  await app.close();
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
  const rows = db.prepare('SELECT stream, type, data, metadata FROM events ORDER BY position').all();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const parsed = rows.map((r) => ({ stream: r.stream, type: r.type, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) }));
  const sources = parsed.filter((e) => e.type === 'claimline.source-registered');
  const claims = parsed.filter((e) => e.type === 'claimline.claim-opened');
  const assertions = parsed.filter((e) => e.type === 'claimline.assertion-recorded');
  if (sources.length === 0 || claims.length === 0 || assertions.length === 0) throw new Error('the seed load produced no templates');
  return { sources, claims, assertions };
}

/** A small deterministic PRNG (mulberry32), so every run writes the same log shape. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many sources, claims and assertions make `total` events, and each claim's assertion count. */
export function shapeOf(total) {
  const sources = Math.max(5, Math.round(total / 1000));
  const claims = Math.round(total / 10);
  const assertions = total - sources - claims;
  const nine = assertions - (ASSERTION_ROUNDS - 1) * claims; // claims [0, nine) get 9, the rest 8
  if (nine < 0 || nine > claims) throw new Error(`cannot shape ${total} events`);
  return { total, sources, claims, assertions, nine };
}

/**
 * Yields `total` events in log order: `{ stream, revision, id, type, data, metadata }` with data
 * and metadata as objects. `startMs` is the recorded-at clock of the first event.
 */
export function* synthesize(templates, total, { startMs = Date.parse('2026-01-01T00:00:00Z') } = {}) {
  const shape = shapeOf(total);
  const random = prng(0xc1a1);
  let clock = startMs;
  const metadata = () => {
    const at = new Date((clock += 37)).toISOString();
    const correlationId = randomUUID();
    return { actor: 'bench', recordedAt: at, correlationId, causationId: correlationId, schemaVersion: 1 };
  };

  // Sources: copies of the seed articles.
  const T = templates;
  const templateSourceIndex = new Map(T.sources.map((s, i) => [s.data.sourceId, i]));
  const sourceIds = [];
  for (let i = 0; i < shape.sources; i++) {
    const t = T.sources[i % T.sources.length];
    const sourceId = randomUUID();
    sourceIds.push(sourceId);
    yield {
      stream: `source-${sourceId}`,
      revision: 0,
      id: uuidv7(),
      type: t.type,
      data: { ...t.data, sourceId, title: `${t.data.title} (copy ${Math.floor(i / T.sources.length) + 1})` },
      metadata: metadata(),
    };
  }
  const copiesPerSource = Math.floor(shape.sources / T.sources.length);

  // Each claim template's own seed assertions, repeated in order (a claim without any borrows the
  // first claim's of its value type), so relations and discrepancies occur as often as in the seeds.
  const ownOf = new Map(T.claims.map((c) => [c.data.claimId, []]));
  for (const a of T.assertions) ownOf.get(a.data.claimId)?.push(a);
  const listOf = T.claims.map((c) => {
    const own = ownOf.get(c.data.claimId);
    if (own.length > 0) return own;
    const donor = T.claims.find((d) => d.data.valueType === c.data.valueType && ownOf.get(d.data.claimId).length > 0);
    if (!donor) throw new Error(`no seed assertion of type ${c.data.valueType}`);
    return ownOf.get(donor.data.claimId);
  });

  for (let waveStart = 0; waveStart < shape.claims; waveStart += WAVE_CLAIMS) {
    const wave = [];
    for (let i = waveStart; i < Math.min(shape.claims, waveStart + WAVE_CLAIMS); i++) {
      const ti = i % T.claims.length;
      const t = T.claims[ti];
      const claimId = randomUUID();
      wave.push({ i, ti, claimId, revision: 0 });
      yield {
        stream: `claim-${claimId}`,
        revision: 0,
        id: uuidv7(),
        type: t.type,
        data: { ...t.data, claimId, subject: `${t.data.subject} #${i}` },
        metadata: metadata(),
      };
    }
    for (let round = 0; round < ASSERTION_ROUNDS; round++) {
      const order = wave.slice();
      for (let k = order.length - 1; k > 0; k--) {
        const j = Math.floor(random() * (k + 1));
        [order[k], order[j]] = [order[j], order[k]];
      }
      for (const c of order) {
        if (round === ASSERTION_ROUNDS - 1 && c.i >= shape.nine) continue;
        const list = listOf[c.ti];
        const t = list[round % list.length];
        const copy = (c.i * 7 + round) % copiesPerSource;
        const sourceId = sourceIds[templateSourceIndex.get(t.data.sourceId) + copy * T.sources.length];
        c.revision += 1;
        yield {
          stream: `claim-${c.claimId}`,
          revision: c.revision,
          id: uuidv7(),
          type: t.type,
          data: { ...t.data, claimId: c.claimId, assertionId: randomUUID(), sourceId },
          metadata: metadata(),
        };
      }
    }
  }
}

/**
 * Writes `total` synthetic events straight into a claimline SQLite event log at `file` (the
 * store's own schema), in large unsynchronized transactions: how fast this goes is not measured.
 * Returns the shape, the first 1,000 claim ids, the first 100 source ids and every 10th claim with
 * its value type (for the memory benchmark).
 */
export async function writeLog(file, templates, total) {
  const { default: Database } = await import('better-sqlite3');
  const { SCHEMA_SQL } = await import(dist('libs/event-store/src/sqlite-writer.js'));
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec(SCHEMA_SQL);
  const insert = db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let batch = [];
  const flush = db.transaction((rows) => {
    for (const e of rows) insert.run(e.stream, e.revision, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.metadata.recordedAt);
  });
  const claimIds = [];
  const sourceIds = [];
  /** Every 10th claim with its value type: what the memory benchmark reads and writes. */
  const sample = [];
  let opened = 0;
  for (const e of synthesize(templates, total)) {
    if (e.type === 'claimline.claim-opened') {
      if (claimIds.length < 1000) claimIds.push(e.data.claimId);
      if (opened++ % 10 === 0) sample.push({ id: e.data.claimId, valueType: e.data.valueType });
    }
    if (e.type === 'claimline.source-registered' && sourceIds.length < 100) sourceIds.push(e.data.sourceId);
    batch.push(e);
    if (batch.length === 50_000) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { shape: shapeOf(total), claimIds, sourceIds, sample };
}
