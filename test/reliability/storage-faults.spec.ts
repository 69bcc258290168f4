/**
 * Storage faults, made by the kernel on a real server's data dir (see test/support/storage-faults.ts):
 *
 * - Full: the data dir sits on a small tmpfs that is filled to the last byte. Writes answer 503
 *   problem+json saying the disk is full, /health reports down, reads go on, nothing is
 *   half-written; once the filler is removed the same server recovers in place: /health is up, the
 *   refused writes retried with their Idempotency-Keys are stored exactly once, and the read
 *   models equal a rebuild.
 * - Read-only: the data dir sits on ext4 on a loop device that the kernel forces read-only (its
 *   reaction to an I/O error). Writes answer 503 saying the data dir is read-only, /health reports
 *   down, nothing is half-written. An ext4 forced read-only stays so until unmounted, so recovery
 *   is what an operator does: stop the server, unmount, e2fsck, mount, start; then the retried
 *   writes are stored exactly once and the read models equal a rebuild.
 *
 * - Permissions: the server runs as nobody and its data dir is made read-only by mode (root would
 *   ignore modes). Files SQLite holds open stay writable, so writes go on; /health reports down
 *   naming EACCES, and a rebuild, which must create files, is a 503 saying so. Modes restored, it
 *   works again in place.
 *
 * All need root (mount, losetup, setpriv); without it the tests say so and are skipped.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { liveAndRebuilt, seedArticles, uniqueQuotes } from '../support/reliability.js';
import { compileServer, httpClient, startServer, type CompiledServer, type HttpResponse, type ServerProcess } from '../support/server-process.js';
import { AS_NOBODY, canDropPrivileges, canMakeExt4, canMount, chmodTree, ext4DataDir, tmpfsDataDir, type FullDisk, type ReadOnlyDisk } from '../support/storage-faults.js';

const MOUNTS = canMount();
const EXT4 = MOUNTS && canMakeExt4();
const NOBODY = canDropPrivileges();
if (!MOUNTS) process.stdout.write('storage-faults: SKIPPED: mounting needs root (CAP_SYS_ADMIN); the 503 mapping is not exercised by a real fault here\n');
else if (!EXT4) process.stdout.write('storage-faults: read-only case SKIPPED: needs losetup, mkfs.ext4, e2fsck and /sys/fs/ext4\n');
if (!NOBODY) process.stdout.write('storage-faults: permissions case SKIPPED: needs root and setpriv\n');

const article = seedArticles()[0]!;
const quotes = uniqueQuotes(article.text);

interface Fixture {
  sourceId: string;
  claimId: string;
}

async function fixture(request: ReturnType<typeof httpClient>): Promise<Fixture> {
  const source = await request('POST', '/sources', { body: { title: 'Faults', publisher: 'P', publishedAt: '2025-12-04', text: article.text } });
  expect(source.status).toBe(201);
  const claim = await request('POST', '/claims', { body: { subject: 'storage faults', predicate: 'what was reported', valueType: 'text' } });
  expect(claim.status).toBe(201);
  const first = await request('POST', `/claims/${claim.body.id}/assertions`, { body: { sourceId: source.body.id, quote: { exact: quotes[0] }, value: { text: 'before the fault' }, speaker: 's' } });
  expect(first.status).toBe(201);
  return { sourceId: source.body.id, claimId: claim.body.id };
}

/**
 * The writes tried during a fault: first a large source (it needs new space, so it cannot slip into
 * room SQLite already holds), then small assertions (some may fit in such room, in the event log or
 * in a read model, and land or fail at a different step).
 */
function writesDuringFault(f: Fixture, tag: string, small: number) {
  return [
    {
      key: `${tag}-source`,
      path: '/sources',
      body: { title: `A long article (${tag})`, publisher: 'P', publishedAt: '2025-12-05', text: `${'The outlet printed a very long story. '.repeat(24_000)}End.` },
    },
    ...Array.from({ length: small }, (_, i) => ({
      key: `${tag}-assertion-${i}`,
      path: `/claims/${f.claimId}/assertions`,
      body: { sourceId: f.sourceId, quote: { exact: quotes[1 + i] }, value: { text: `during the ${tag} fault (${i})` }, speaker: 's' },
    })),
  ];
}

/** The ids in the event log itself (the SQLite file, read beside the running server). */
function eventIds(dataDir: string): string[] {
  return logEvents(dataDir).map((e) => e.id);
}

function logEvents(dataDir: string): { id: string; key: string | null }[] {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return db.prepare<[], { id: string; key: string | null }>("SELECT id, json_extract(metadata, '$.idempotencyKey') AS key FROM events ORDER BY position").all();
  } finally {
    db.close();
  }
}

function expectUnavailable(res: HttpResponse, reason: RegExp, label: string): void {
  const context = `${label}: ${res.status} ${res.text.slice(0, 400)}`;
  expect([context, res.status]).toEqual([context, 503]);
  expect([context, res.headers.get('content-type')]).toEqual([context, expect.stringMatching(/^application\/problem\+json/)]);
  expect([context, res.body.detail]).toEqual([context, expect.stringMatching(reason)]);
}

async function waitForHealth(request: ReturnType<typeof httpClient>, status: number, timeoutMs = 15_000): Promise<HttpResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request('GET', '/health', { as: 'none' });
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The server's output once it shows `pattern` (its logger writes asynchronously), or after 5 s. */
async function outputOnce(server: ServerProcess, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 5000;
  while (!pattern.test(server.output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return server.output();
}

/** After recovery: each refused write, retried with its key, is stored exactly once. */
async function retryAndCheckOnce(request: ReturnType<typeof httpClient>, writes: ReturnType<typeof writesDuringFault>): Promise<void> {
  for (const w of writes) {
    const res = await request('POST', w.path, { body: w.body, headers: { 'idempotency-key': w.key } });
    expect([w.key, res.status, res.text.slice(0, 300)]).toEqual([w.key, 201, expect.any(String)]);
  }
  const all = await request('GET', '/events?after=-1&limit=1000', { as: 'none' });
  for (const w of writes) {
    const mine = (all.body.items as { metadata?: { idempotencyKey?: string }; idempotencyKey?: string }[]).filter((e) => (e.metadata?.idempotencyKey ?? e.idempotencyKey) === w.key);
    expect([w.key, mine.length]).toEqual([w.key, 1]);
  }
}

describe('storage faults: a full or read-only data dir', () => {
  let compiled: CompiledServer;

  beforeAll(async () => {
    if (MOUNTS || NOBODY) compiled = await compileServer();
  });
  afterAll(() => compiled?.remove());

  // Two ways to be full. With no room anywhere every write fails at the append. With room left in
  // the event log's write-ahead log (another connection checkpointed it, so SQLite reuses it from
  // the start) small appends succeed and the read models, which have no room, fail: those writes are
  // stored but answered 503, and their retries must be answered from the log, once.
  (MOUNTS ? it.each : it.skip.each)([
    ['no room anywhere', false],
    ['room left only in the event log', true],
  ])('full disk (%s): 503 saying so, health down, nothing half-written; recovers in place when space is freed', async (_name, roomInLog) => {
    const disk: FullDisk = tmpfsDataDir(24);
    let server: ServerProcess | undefined;
    try {
      server = await startServer(compiled, { dataDir: disk.dir, env: { LOG_LEVEL: 'info' } });
      const request = httpClient(server.url);
      const f = await fixture(request);
      expect((await request('GET', '/health', { as: 'none' })).status).toBe(200);
      const before = eventIds(disk.dir);

      if (roomInLog) {
        const db = new Database(join(disk.dir, 'events.sqlite'));
        db.pragma('wal_checkpoint(RESTART)');
        db.close();
      }
      disk.fill();
      const writes = writesDuringFault(f, 'full', 12);
      const answers: HttpResponse[] = [];
      for (const w of writes) answers.push(await request('POST', w.path, { body: w.body, headers: { 'idempotency-key': w.key } }));
      expectUnavailable(answers[0]!, /full|space/i, 'a large source on a full disk');
      expect(answers[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
      for (const a of answers.slice(1)) if (a.status !== 201) expectUnavailable(a, /full|space/i, 'an assertion on a full disk');

      const health = await request('GET', '/health', { as: 'none' });
      expect(health.status).toBe(503);
      expect(health.text).toMatch(/full|space/i);
      // A load balancer polls /health: the change is logged once, not every poll, and with no stack.
      for (let i = 0; i < 3; i++) await request('GET', '/health', { as: 'none' });
      expect((await outputOnce(server, /not ready: /)).match(/not ready: /g)).toHaveLength(1);
      expect(server.output()).not.toMatch(/ProblemException/);
      expect((await request('GET', `/claims/${f.claimId}`, { as: 'none' })).status).toBe(200); // reads go on
      // Nothing half-written: the log holds what it held, plus whole writes of this test, each once;
      // every acknowledged one is there (a 503 may come after the event was stored, when a read
      // model could not be written: its retry is answered from the log).
      const during = logEvents(disk.dir);
      expect(during.slice(0, before.length).map((e) => e.id)).toEqual(before);
      const added = during.slice(before.length).map((e) => e.key);
      expect(new Set(added).size).toBe(added.length);
      for (const key of added) expect(writes.map((w) => w.key)).toContain(key);
      for (const [i, a] of answers.entries()) if (a.status === 201) expect(added).toContain(writes[i]!.key);
      process.stdout.write(`storage-faults: full disk (${_name}): ${answers.filter((a) => a.status === 201).length} of ${answers.length} writes acknowledged, ${added.length} stored\n`);
      if (roomInLog) expect(added.length).toBeGreaterThan(0); // the case this variant exists for

      disk.free();
      const up = await waitForHealth(request, 200);
      expect([up.status, up.text]).toEqual([200, expect.any(String)]);
      expect(await outputOnce(server, /ready again/)).toMatch(/ready again/);
      await retryAndCheckOnce(request, writes);
      const after = await request('POST', `/claims/${f.claimId}/assertions`, { body: { sourceId: f.sourceId, quote: { exact: quotes[40] }, value: { text: 'after the fault' }, speaker: 's' } });
      expect(after.status).toBe(201);
      const { live, rebuilt } = await liveAndRebuilt(request);
      expect(rebuilt).toEqual(live);
    } finally {
      await server?.kill();
      disk.remove();
    }
  }, 120_000);

  (NOBODY ? it : it.skip)('permissions: a data dir the server may no longer write: health down naming EACCES, what must create files is a 503 saying so; chmod back and it works', async () => {
    const work = mkdtempSync(join(tmpdir(), 'claimline-perm-'));
    chmodSync(work, 0o755);
    const dataDir = join(work, 'data');
    mkdirSync(dataDir);
    chownSync(dataDir, 65534, 65534);
    let server: ServerProcess | undefined;
    try {
      server = await startServer(compiled, { dataDir, wrapper: AS_NOBODY });
      const request = httpClient(server.url);
      const f = await fixture(request);
      chmodTree(dataDir, 0o555, 0o444);
      // Files SQLite already holds open stay writable (Unix checks modes at open): writes go on, on
      // whichever connection has the file open. Several at once are committed together off the event
      // loop, by the writer thread, which had not opened the file while it could.
      const during = await Promise.all(
        [3, 4, 5, 6, 7, 8, 9, 10].map((q) => request('POST', `/claims/${f.claimId}/assertions`, { body: { sourceId: f.sourceId, quote: { exact: quotes[q] }, value: { text: `while not writable (${q})` }, speaker: 's' } })),
      );
      expect(during.map((r) => r.status)).toEqual(during.map(() => 201));
      const health = await request('GET', '/health', { as: 'none' });
      expect(health.status).toBe(503);
      expect(health.body.detail).toMatch(/not writable by this process \(EACCES\)/);
      // A rebuild creates new read-model files: refused, saying why, nothing swapped.
      const rebuild = await request('POST', '/admin/projections/rebuild', { as: 'maintainer', body: {} });
      expectUnavailable(rebuild, /not writable by this process \(EACCES\)/, 'a rebuild in a data dir it cannot write');
      chmodTree(dataDir, 0o755, 0o644);
      expect((await waitForHealth(request, 200)).status).toBe(200);
      const { live, rebuilt } = await liveAndRebuilt(request);
      expect(rebuilt).toEqual(live);
    } finally {
      await server?.kill();
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);

  (EXT4 ? it : it.skip)('read-only file system: 503 saying so, health down, nothing half-written; after repair and restart the retries land once', async () => {
    const disk: ReadOnlyDisk = ext4DataDir(64);
    let server: ServerProcess | undefined;
    try {
      server = await startServer(compiled, { dataDir: disk.dir });
      let request = httpClient(server.url);
      const f = await fixture(request);
      const before = eventIds(disk.dir);

      disk.forceReadOnly();
      expect(disk.isReadOnly()).toBe(true);
      const writes = writesDuringFault(f, 'read-only', 2);
      const answers: HttpResponse[] = [];
      for (const w of writes) answers.push(await request('POST', w.path, { body: w.body, headers: { 'idempotency-key': w.key } }));
      for (const a of answers) expectUnavailable(a, /read-only/i, 'a write on a read-only file system');
      const health = await request('GET', '/health', { as: 'none' });
      expect(health.status).toBe(503);
      expect(health.text).toMatch(/read-only/i);
      expect((await request('GET', `/claims/${f.claimId}`, { as: 'none' })).status).toBe(200);
      expect(eventIds(disk.dir)).toEqual(before);

      await server.stop();
      disk.repair();
      expect(disk.isReadOnly()).toBe(false);
      server = await startServer(compiled, { dataDir: disk.dir });
      request = httpClient(server.url);
      expect((await waitForHealth(request, 200)).status).toBe(200);
      expect((eventIds(disk.dir)).slice(0, before.length)).toEqual(before);
      await retryAndCheckOnce(request, writes);
      const { live, rebuilt } = await liveAndRebuilt(request);
      expect(rebuilt).toEqual(live);
    } finally {
      await server?.kill();
      disk.remove();
    }
  }, 120_000);
});
