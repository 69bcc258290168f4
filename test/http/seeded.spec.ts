import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/app.js';

describe('first start on the seeds', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'claimline-seeded-'));
  let sut: TestApp;
  const claimBy = async (q: string, predicate: string) => {
    const res = await sut.request({ method: 'GET', url: `/claims?q=${encodeURIComponent(q)}&limit=100` });
    return res.body.items.find((c: { predicate: string }) => c.predicate === predicate);
  };

  beforeAll(async () => {
    sut = await createTestApp({ CLAIMLINE_DATA_DIR: dataDir, CLAIMLINE_SEED: 'true' });
  });
  afterAll(async () => {
    await sut.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the seeded claims and sources', async () => {
    const claims = await sut.request({ method: 'GET', url: '/claims?limit=500' });
    expect(claims.body.items.length).toBeGreaterThanOrEqual(15);
    const sources = await sut.request({ method: 'GET', url: '/sources' });
    expect(sources.body.items).toHaveLength(5);
  });

  it('pages the claim list by cursor: the pages joined are the whole list, in order, as JSON', async () => {
    const whole = await sut.request({ method: 'GET', url: '/claims?limit=500' });
    expect(whole.headers['content-type']).toMatch(/^application\/json/);
    expect(whole.body.nextCursor).toBeNull();
    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page = await sut.request({ method: 'GET', url: `/claims?limit=7${cursor ? `&cursor=${cursor}` : ''}` });
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole.body.items);
  });

  it('reads "USD 5 billion" and "$5.43 billion" as consistent, never as a contradiction', async () => {
    const claim = await claimBy('S-400 contract', 'contract value');
    const timeline = await sut.request({ method: 'GET', url: `/claims/${claim.claimId}/timeline` });
    const relations = timeline.body.entries.map((e: { relationToPrevious: { relation: string } | null }) => e.relationToPrevious?.relation).filter(Boolean);
    expect(relations.length).toBeGreaterThan(0);
    expect(relations.every((r: string) => ['same', 'refines', 'generalizes'].includes(r))).toBe(true);
    expect(relations.some((r: string) => r === 'refines' || r === 'generalizes')).toBe(true);
  });

  it('shows the slip of the 22nd IRIGC-M&MTC session as a contradiction', async () => {
    const claim = await claimBy('22nd session', 'date held');
    const discrepancies = await sut.request({ method: 'GET', url: `/discrepancies?claim=${claim.claimId}` });
    expect(discrepancies.body.items.some((d: { relation: string }) => d.relation === 'contradicts')).toBe(true);
  });

  it('finds Belousov under either spelling', async () => {
    const ids = async (q: string) => ((await sut.request({ method: 'GET', url: `/claims?q=${encodeURIComponent(q)}&limit=100` })).body.items as { claimId: string }[]).map((c) => c.claimId).sort();
    const andrey = await ids('Andrey Belousov');
    expect(andrey.length).toBeGreaterThan(0);
    expect(await ids('Andrei Belousov')).toEqual(andrey);
  });

  it('loads nothing twice on a restart, and a rebuild gives the same read models', async () => {
    const count = async () => (await sut.request({ method: 'GET', url: '/events?limit=1000' })).body.items.length;
    const before = await count();
    const snapshot = async () => [
      (await sut.request({ method: 'GET', url: '/claims?limit=500' })).body,
      (await sut.request({ method: 'GET', url: '/discrepancies?status=all&limit=500' })).body,
      (await sut.request({ method: 'GET', url: '/sources' })).body,
    ];
    const live = await snapshot();
    await sut.close();
    sut = await createTestApp({ CLAIMLINE_DATA_DIR: dataDir, CLAIMLINE_SEED: 'true' });
    expect(await count()).toBe(before);

    const { done } = sut.app.get((await import('#projections')).Projections).runner.rebuild(['claim-state', 'claim-timeline', 'discrepancies', 'sources', 'audit']);
    await done;
    expect(await snapshot()).toEqual(live);
  });
});
