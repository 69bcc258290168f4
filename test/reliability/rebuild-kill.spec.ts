/**
 * Rebuilds killed half-way: a real server (child process) is SIGKILLed while it rebuilds every
 * projection from position 0 (the claim views in a thread of their own, as on any long log), and
 * while it builds its read models on start. Restarted on the same data dir, it serves the
 * generation that was live, throws the unfinished one away, and a build run again ends with read
 * models equal, row for row, to the ones built without a kill.
 *
 * The log is long enough for the build thread and for a kill to land mid-build: the seed claims'
 * streams copied with fresh ids (written straight into the log file, as the benchmarks do), each
 * copy's events spread over the log.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { readModelRows } from '../support/read-model-rows.js';
import { rebuildAndWait, scaled } from '../support/reliability.js';
import { compileServer, freePort, httpClient, ROOT, SERVER_KEYS, startServer, type CompiledServer, type ServerProcess } from '../support/server-process.js';

/** Past the 20,000 events from which a build runs the claim views in a thread. */
const EVENTS = scaled(21_000);

/** The rows of the live read-model files. */
const readModels = (dataDir: string): ReturnType<typeof readModelRows> => readModelRows(join(dataDir, 'read-models'));

/** The read-model files in the data dir (one live generation per projection when nothing is left over). */
const modelFiles = (dataDir: string): string[] => readdirSync(join(dataDir, 'read-models')).filter((f) => f.endsWith('.sqlite')).sort();

/** Copies the claim streams of the log until it holds `total` events; returns its head. */
function lengthenLog(file: string, total: number): number {
  const db = new Database(file);
  try {
    const rows = db.prepare("SELECT stream, revision, type, data, metadata, created FROM events WHERE stream LIKE 'claim-%' ORDER BY position").all() as {
      stream: string; revision: number; type: string; data: string; metadata: string; created: string;
    }[];
    const have = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
    const copies = Math.ceil((total - have) / rows.length);
    const maxRevision = Math.max(...rows.map((r) => r.revision));
    const insert = db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      // Revision by revision over all copies, so each copied claim's events are spread over the log.
      const ids = Array.from({ length: copies }, () => new Map<string, string>());
      const fresh = (copy: number, id: string): string => {
        let mapped = ids[copy]!.get(id);
        if (!mapped) ids[copy]!.set(id, (mapped = randomUUID()));
        return mapped;
      };
      for (let revision = 0; revision <= maxRevision; revision++) {
        for (let copy = 0; copy < copies; copy++) {
          for (const r of rows.filter((x) => x.revision === revision)) {
            const data = JSON.parse(r.data) as { claimId: string; assertionId?: string };
            const claimId = fresh(copy, data.claimId);
            const copied = { ...data, claimId, ...(data.assertionId ? { assertionId: fresh(copy, data.assertionId) } : {}) };
            insert.run(`claim-${claimId}`, revision, randomUUID(), r.type, JSON.stringify(copied), r.metadata, r.created);
          }
        }
      }
    })();
    return db.prepare('SELECT max(position) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** The checkpoint in a read-model file's meta table (-1 while it cannot be read). */
function checkpointOf(path: string): number {
  try {
    const db = new Database(path, { readonly: true, timeout: 50 });
    try {
      return Number(db.prepare("SELECT value FROM meta WHERE key = 'checkpoint'").pluck().get() ?? -1);
    } finally {
      db.close();
    }
  } catch {
    return -1;
  }
}

describe('rebuilds killed half-way', () => {
  let compiled: CompiledServer;
  let dataDir: string;
  let port: number;
  let head: number;
  /** The read models of an unbroken build. */
  let built: ReturnType<typeof readModels>;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    compiled = await compileServer();
    dataDir = mkdtempSync(join(tmpdir(), 'claimline-rebuild-kill-'));
    port = await freePort();
    const seeded = await startServer(compiled, { dataDir, port, env: { CLAIMLINE_SEED: 'true' } });
    await seeded.stop();
    head = lengthenLog(join(dataDir, 'events.sqlite'), EVENTS);
    rmSync(join(dataDir, 'read-models'), { recursive: true, force: true });
  }, 600_000);

  afterAll(async () => {
    await server?.kill();
    compiled?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`a build on start killed half-way is made again from position 0 on the next start (${EVENTS} events)`, async () => {
    const child = spawn(process.execPath, [compiled.main], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PORT: String(port), HOST: '127.0.0.1', CLAIMLINE_DATA_DIR: dataDir, CLAIMLINE_SEED: 'false', CLAIMLINE_API_KEYS: SERVER_KEYS, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const audit = join(dataDir, 'read-models', 'audit.g1.sqlite');
    const deadline = Date.now() + 300_000;
    while (!(existsSync(audit) && checkpointOf(audit) >= head / 3)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the build on start never got a third of the way');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await exited;

    server = await startServer(compiled, { dataDir, port, timeoutMs: 300_000 });
    await server.stop();
    // The unfinished generation is gone, and the next one was built whole.
    expect(modelFiles(dataDir).filter((f) => f.includes('.g1.'))).toEqual([]);
    built = readModels(dataDir);
    expect(Object.keys(built)).toHaveLength(5);
    expect(Object.values(built).map((tables) => tables.meta)).toEqual(
      Object.keys(built).map((name) => expect.arrayContaining([{ key: 'checkpoint', value: String(head) }, { key: 'status', value: 'live' }, { key: 'name', value: name }])),
    );
  }, 600_000);

  it('a rebuild killed half-way leaves the live generation served, and run again ends equal to live', async () => {
    const liveFiles = modelFiles(dataDir);
    server = await startServer(compiled, { dataDir, port, timeoutMs: 300_000 });
    const request = httpClient(server.url);
    const started = await request('POST', '/admin/projections/rebuild', { as: 'maintainer', body: {} });
    expect(started.status).toBe(202);
    expect((started.body.started as { name: string; inThread: boolean }[]).filter((p) => p.inThread).map((p) => p.name).sort()).toEqual(['claim-state', 'claim-timeline', 'discrepancies', 'sources']);
    // Killed once every rebuild is under way and none is near its end.
    for (;;) {
      const status = await request('GET', '/admin/projections', { as: 'maintainer' });
      const rebuilding = (status.body.items as { rebuilding: { checkpoint: number } | null }[]).map((p) => p.rebuilding);
      expect(rebuilding.every((r) => r !== null)).toBe(true);
      if (rebuilding.some((r) => r!.checkpoint >= head / 3)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await server.kill();

    server = await startServer(compiled, { dataDir, port, timeoutMs: 300_000 });
    // The unfinished generation is gone; the live one is served as it was.
    expect(modelFiles(dataDir)).toEqual(liveFiles);
    const status = await httpClient(server.url)('GET', '/admin/projections', { as: 'maintainer' });
    expect((status.body.items as { checkpoint: number; rebuilding: unknown }[]).map((p) => [p.checkpoint, p.rebuilding])).toEqual(Array(5).fill([head, null]));
    await rebuildAndWait(httpClient(server.url), 300_000);
    await server.stop();
    expect(modelFiles(dataDir)).not.toEqual(liveFiles);
    expect(readModels(dataDir)).toEqual(built);
  }, 600_000);
});
