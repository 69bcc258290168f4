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

  it('tells the S-400 story on first start: the remaining deliveries are revised, the slip named in the direction said-at gives', async () => {
    const listed = await claimBy('S-400 contract', 'remaining deliveries due');
    const res = await sut.request({ method: 'GET', url: `/claims/${listed.claimId}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'revised',
      change: { kind: 'deadline-moved-later', words: 'deadline moved later: by September 2026 → by 2026–27' },
      current: { value: { text: 'by 2026–27', bounds: { lo: null, hi: '2027-03-31' }, convention: 'fiscal-april' }, speaker: 'Business Standard' },
    });
  });

  it('reads the contract value as $5.43 billion, supported by the three sources (one rounds it), though "USD 5 billion" was said last', async () => {
    const listed = await claimBy('S-400 contract', 'contract value');
    const res = await sut.request({ method: 'GET', url: `/claims/${listed.claimId}` });
    expect(res.body).toMatchObject({ status: 'settled', change: null, current: { value: { text: '$5.43 billion' } } });
    const support = (res.body.current.supportedBy as { sourceId: string; support: string }[]).map((s) => s.support).sort();
    expect(support).toEqual(['less-precise', 'states', 'states']);
    expect(new Set(res.body.current.supportedBy.map((s: { sourceId: string }) => s.sourceId)).size).toBe(3);
  });

  it("reads Andrey and Andrei Belousov as one entity: the name is settled, the other spelling shown as a variant, no discrepancy", async () => {
    const listed = await claimBy('Belousov', 'name as spelled');
    const res = await sut.request({ method: 'GET', url: `/claims/${listed.claimId}` });
    expect(res.body).toMatchObject({ status: 'settled', current: { value: { text: 'Andrei Belousov' } }, counts: { discrepancies: 0 } });
    expect(res.body.current.supportedBy.map((s: { support: string }) => s.support)).toContain('spelling-variant');
    const timeline = await sut.request({ method: 'GET', url: `/claims/${listed.claimId}/timeline` });
    expect(timeline.body.entries.map((e: { relationToPrevious: { explanation: string } | null }) => e.relationToPrevious?.explanation).filter(Boolean).join(' ')).toMatch(/spelling variant/);
  });

  it('lists the claims that changed first: contested, then revised, each saying what moved', async () => {
    const all = (await sut.request({ method: 'GET', url: '/claims?limit=500' })).body.items as { status: string; predicate: string; change: { words: string } | null }[];
    const rank = { contested: 0, revised: 1, settled: 2 } as Record<string, number>;
    expect(all.map((c) => rank[c.status])).toEqual([...all.map((c) => rank[c.status])].sort());
    const changed = all.filter((c) => c.status !== 'settled');
    expect(changed.map((c) => c.predicate)).toEqual(expect.arrayContaining(['remaining deliveries due', 'date held']));
    expect(all.slice(0, changed.length)).toEqual(changed);
    for (const c of changed) expect(c.change?.words).toEqual(expect.any(String));
    const revisedOnly = (await sut.request({ method: 'GET', url: '/claims?status=revised&limit=500' })).body.items;
    expect(revisedOnly).toEqual(all.filter((c) => c.status === 'revised'));
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
