import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECTION_NAMES, Projections } from '#projections';
import { createTestApp, type TestApp } from '../support/app.js';

const text = readFileSync(join(process.cwd(), 'seeds', 'sources', '2025-12-irigc-22-s400-september-2026.txt'), 'utf8');

/**
 * GET /claims/:id validates its query itself (only when there is one, to keep the common read
 * cheap): the answers must be those of the global ValidationPipe. Its live state comes from a
 * cache of stored rows, which must never answer an older state than the projection holds.
 */
describe('GET /claims/:id query', () => {
  let sut: TestApp;
  let claimId: string;

  beforeAll(async () => {
    sut = await createTestApp();
    claimId = (await sut.request({ method: 'POST', url: '/claims', body: { subject: 'S-400 contract of 2018', predicate: 'year signed', valueType: 'date' } })).body.id;
  });
  afterAll(() => sut.close());

  it('answers the live state without a query, and the past with asOf or saidBy', async () => {
    const live = await sut.request({ method: 'GET', url: `/claims/${claimId}`, as: 'none' });
    expect(live.status).toBe(200);
    expect(live.body.claimId).toBe(claimId);
    expect((await sut.request({ method: 'GET', url: `/claims/${claimId}?saidBy=2025-12-04`, as: 'none' })).body.claimId).toBe(claimId);
    const before = await sut.request({ method: 'GET', url: `/claims/${claimId}?asOf=2000-01-01T00:00:00Z`, as: 'none' });
    expect(before.status).toBe(404);
    expect(before.body.detail).toContain('as of 2000-01-01T00:00:00Z');
  });

  it.each([
    ['', 'asOf=yesterday', 'asOf'],
    ['', 'saidBy=2025-13', 'saidBy'],
    ['', 'foo=1', 'foo'],
    ['/timeline', 'asOf=yesterday', 'asOf'],
    ['/timeline', 'saidBy=2025-13', 'saidBy'],
    ['/timeline', 'foo=1', 'foo'],
  ])('GET /claims/:id%s refuses ?%s with a 400 naming %s', async (path, query, field) => {
    const res = await sut.request({ method: 'GET', url: `/claims/${claimId}${path}?${query}`, as: 'none' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('answers the live timeline as JSON, and the past with saidBy', async () => {
    const live = await sut.request({ method: 'GET', url: `/claims/${claimId}/timeline`, as: 'none' });
    expect(live.status).toBe(200);
    expect(live.headers['content-type']).toMatch(/^application\/json/);
    expect(live.body).toMatchObject({ claimId, entries: expect.any(Array) });
    expect((await sut.request({ method: 'GET', url: `/claims/${claimId}/timeline?saidBy=2025-12-04`, as: 'none' })).body.claimId).toBe(claimId);
    expect((await sut.request({ method: 'GET', url: '/claims/no-such-claim/timeline', as: 'none' })).status).toBe(404);
  });

  it('sends the stored JSON as UTF-8, words outside Latin-1 whole and the length in bytes', async () => {
    const subject = 'С-400 «Триумф» — поставки 2026–27';
    const id = (await sut.request({ method: 'POST', url: '/claims', body: { subject, predicate: 'remaining deliveries due', valueType: 'date' } })).body.id;
    const { claimState, timeline } = sut.app.get(Projections);
    for (const [url, stored] of [
      [`/claims/${id}`, () => claimState.stateBytes(id)],
      [`/claims/${id}/timeline`, () => timeline.timelineBytes(id)],
      [`/claims?subject=${encodeURIComponent('Триумф')}`, () => claimState.listBytes({ subject: 'Триумф', limit: 50 })],
    ] as const) {
      const res = await sut.request({ method: 'GET', url, as: 'none' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Buffer.from(res.text)).toEqual(stored());
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    }
    expect((await sut.request({ method: 'GET', url: `/claims/${id}`, as: 'none' })).body.subject).toBe(subject);
    const listed = await sut.request({ method: 'GET', url: `/claims?q=${encodeURIComponent('триумф')}`, as: 'none' });
    expect(listed.body.items.map((c: { subject: string }) => c.subject)).toEqual([subject]);
    expect(listed.body.items[0].match.fields.length).toBeGreaterThan(0);
  });

  it('answers every write after it, the cached state included, and again after a rebuild swaps the files', async () => {
    const sourceId = (await sut.request({ method: 'POST', url: '/sources', body: { title: 'IRIGC', publisher: null, publishedAt: '2025-12-04', text } })).body.id;
    const quote = { exact: 'Moscow has assured New Delhi that the remaining systems will be supplied by September 2026.' };
    const read = async () => (await sut.request({ method: 'GET', url: `/claims/${claimId}`, as: 'none' })).body;
    const first = await read();
    expect(await read()).toEqual(first); // now cached
    for (let i = 1; i <= 3; i++) {
      const post = await sut.request({ method: 'POST', url: `/claims/${claimId}/assertions`, body: { sourceId, quote, value: { text: 'by September 2026' }, speaker: 'Moscow' } });
      expect(post.status).toBe(201);
      const after = await read();
      expect(after.revision).toBe(first.revision + i);
      expect(after.counts.assertions).toBe(first.counts.assertions + i);
      expect(after.current.assertionId).toBe(post.body.assertionId);
    }
    const before = await read();
    await sut.app.get(Projections).runner.rebuild([...PROJECTION_NAMES]).done;
    expect(await read()).toEqual(before);
    await sut.request({ method: 'POST', url: `/claims/${claimId}/assertions`, body: { sourceId, quote, value: { text: 'by September 2026' }, speaker: 'Moscow' } });
    expect((await read()).revision).toBe(before.revision + 1);
  });
});
