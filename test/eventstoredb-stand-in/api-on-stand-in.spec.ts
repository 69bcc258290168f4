/**
 * The whole API on the EventStoreDB adapter (CLAIMLINE_STORE=eventstoredb), with the stand-in as
 * the server: seeding, projections fed from $all, read-your-writes, and a second instance with its
 * own data dir catching up from the same log, as in docs/cluster.md.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { startStandIn, type StandInHandle } from './stand-in-server.js';

describe('the API on EventStoreDB (stand-in server)', () => {
  let standIn: StandInHandle;
  let first: TestApp;

  beforeAll(async () => {
    standIn = await startStandIn({ maxAppendSize: 8 * 1024 * 1024 });
    first = await createTestApp({ CLAIMLINE_STORE: 'eventstoredb', CLAIMLINE_EVENTSTORE_URL: standIn.url, CLAIMLINE_SEED: 'true' });
  }, 60_000);

  afterAll(async () => {
    await first?.close();
    await standIn?.stop();
  });

  it('loads the seeds into EventStoreDB and serves them from its read models', async () => {
    const health = await first.request({ method: 'GET', url: '/health' });
    expect(health.status).toBe(200);
    expect(health.body.details.eventStore).toMatchObject({ kind: 'eventstoredb', status: 'up' });
    const claims = await first.request({ method: 'GET', url: '/claims' });
    expect(claims.status).toBe(200);
    expect(claims.body.items.length).toBeGreaterThan(0);
  });

  it('feeds /events from $all in position order, without the adapter’s own records', async () => {
    const feed = await first.request({ method: 'GET', url: '/events?limit=200' });
    expect(feed.status).toBe(200);
    const items = feed.body.items as { position: number; type: string; stream: string }[];
    expect(items.length).toBeGreaterThan(0);
    for (let i = 1; i < items.length; i++) expect(items[i]!.position).toBeGreaterThan(items[i - 1]!.position);
    expect(items.some((e) => e.type.startsWith('$') || e.stream.startsWith('claimline-event-id-'))).toBe(false);
  });

  it('reads its own writes, and a second instance with its own data dir catches up from the log', async () => {
    const created = await first.request({
      method: 'POST',
      url: '/claims',
      body: { subject: 'Stand-in subject', predicate: 'due', valueType: 'date' },
    });
    expect(created.status).toBe(201);
    const mine = await first.request({ method: 'GET', url: `/claims/${created.body.id}` });
    expect(mine.status).toBe(200);
    expect(mine.body.subject).toBe('Stand-in subject');

    const second = await createTestApp({ CLAIMLINE_STORE: 'eventstoredb', CLAIMLINE_EVENTSTORE_URL: standIn.url, CLAIMLINE_SEED: 'true' });
    try {
      expect(second.dataDir).not.toBe(first.dataDir);
      const theirs = await second.request({ method: 'GET', url: `/claims/${created.body.id}` });
      expect(theirs.status).toBe(200);
      expect(theirs.body.subject).toBe('Stand-in subject');
      const a = await first.request({ method: 'GET', url: '/claims?limit=100' });
      const b = await second.request({ method: 'GET', url: '/claims?limit=100' });
      // Same log, same read models; and the seeds were not loaded a second time.
      expect(b.body.items.map((c: { claimId: string }) => c.claimId).sort()).toEqual(
        a.body.items.map((c: { claimId: string }) => c.claimId).sort(),
      );
    } finally {
      await second.close();
    }
  }, 60_000);
});
