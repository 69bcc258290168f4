import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventLogFile } from '#event-store';
import { SqliteEventStore } from '../../event-store/src/sqlite-event-store.js';
import { createTestApp } from '../../../test/support/app.js';
import { readModelRows } from '../../../test/support/read-model-rows.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { BuildThread } from './build-thread.js';
import { readDomainEvent } from './feed.js';
import { PROJECTION_NAMES } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';

describe(BuildThread.name, () => {
  let dataDir: string;
  let store: SqliteEventStore;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'claimline-build-thread-'));
    // The seeds, then a text revision, a correction and a retraction: every kind of event.
    const sut = await createTestApp({ CLAIMLINE_DATA_DIR: dataDir, CLAIMLINE_SEED: 'true' });
    const claims = (await sut.request({ method: 'GET', url: '/claims?limit=100' })).body.items as { claimId: string; current: { assertionId: string; sourceId: string } | null }[];
    const [first, second] = claims.filter((c) => c.current !== null);
    const source = (await sut.request({ method: 'GET', url: `/sources/${first!.current!.sourceId}` })).body as { text: string };
    await sut.request({ method: 'POST', url: `/sources/${first!.current!.sourceId}/revisions`, body: { text: `${source.text.slice(0, 200)}\nThe rest was withdrawn.` } });
    await sut.request({ method: 'POST', url: `/claims/${first!.claimId}/assertions/${first!.current!.assertionId}/corrections`, body: { changes: { speaker: 'an official' }, reason: 'misattributed' } });
    await sut.request({ method: 'POST', url: `/claims/${second!.claimId}/assertions/${second!.current!.assertionId}/retractions`, body: { reason: 'withdrawn' } });
    await sut.app.close();
    store = SqliteEventStore.open(eventLogFile(dataDir));
  });

  afterAll(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Small batches: the source revision comes batches after the claims citing the source are written.
  const runnerIn = (dir: string, buildThreadFrom: number, log: SqliteEventStore = store) =>
    new ProjectionRunner(log, ALL_PROJECTIONS, { dir, decode: readDomainEvent, storeConfig: { kind: 'sqlite', dataDir }, buildThreadFrom, batchSize: 16 });

  it('builds the claim views in threads of their own to the same rows as a build on one thread and as the live files', async () => {
    const built: Record<string, ReturnType<typeof readModelRows>> = {};
    for (const [mode, buildThreadFrom] of [['thread', 0], ['one thread', Infinity]] as const) {
      const dir = join(dataDir, mode);
      const runner = runnerIn(dir, buildThreadFrom);
      await runner.start();
      // A rebuild reports where each projection is built.
      const { started, done } = runner.rebuild([...PROJECTION_NAMES]);
      expect(Object.fromEntries(started.map((p) => [p.name, p.inThread]))).toEqual({
        'claim-state': mode === 'thread', 'claim-timeline': mode === 'thread', discrepancies: mode === 'thread', sources: mode === 'thread', audit: false,
      });
      await done;
      // The log was read once: the thread's files needed no catching up after it.
      expect(started[0]!.events).toBe((await store.readAll()).length);
      await runner.stop();
      built[mode] = readModelRows(dir);
    }
    const live = readModelRows(join(dataDir, 'read-models'));
    expect(Object.keys(live)).toHaveLength(5);
    expect(built.thread).toEqual(live);
    expect(built['one thread']).toEqual(live);
  });

  it('fails the build with the cause when a build thread fails', async () => {
    // One assertion has no value: the thread that reads and folds the claims fails on it (the
    // runner's own read model, the audit, keeps it as it is), while the other waits for its folds.
    const brokenDir = mkdtempSync(join(tmpdir(), 'claimline-build-thread-broken-'));
    try {
      copyFileSync(eventLogFile(dataDir), eventLogFile(brokenDir));
      const db = new Database(eventLogFile(brokenDir));
      db.prepare("UPDATE events SET data = json_set(data, '$.value', NULL) WHERE position = (SELECT max(position) FROM events WHERE type = 'claimline.assertion-recorded')").run();
      db.close();
      const broken = SqliteEventStore.open(eventLogFile(brokenDir));
      const runner = new ProjectionRunner(broken, ALL_PROJECTIONS, { dir: join(brokenDir, 'read-models'), decode: readDomainEvent, storeConfig: { kind: 'sqlite', dataDir: brokenDir }, buildThreadFrom: 0 });
      await expect(runner.start()).rejects.toThrow(/build thread failed: TypeError/);
      await broken.close();
    } finally {
      rmSync(brokenDir, { recursive: true, force: true });
    }
  });

  it('catches up the files the threads hand back with the events appended while they built', async () => {
    // The log's last three events (the revision, correction and retraction) are appended, as far
    // as the build can tell, after it began: they reach the threads' files only by catching up.
    const all = await store.readAll();
    const begun = all.at(-4)!.position;
    const appendedMeanwhile = Object.create(store, { headPosition: { value: async () => begun } }) as SqliteEventStore;
    const dir = join(dataDir, 'caught up');
    const runner = runnerIn(dir, 0, appendedMeanwhile);
    await runner.start();
    await runner.stop();
    expect(readModelRows(dir)).toEqual(readModelRows(join(dataDir, 'read-models')));
  });
});
