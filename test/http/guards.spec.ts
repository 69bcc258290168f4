import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/app.js';

const text = readFileSync(join(process.cwd(), 'seeds', 'sources', '2025-12-irigc-22-s400-september-2026.txt'), 'utf8');

describe('writes: auth, bad input, concurrency', () => {
  let sut: TestApp;
  let sourceId: string;
  let claimId: string;
  const eventCount = async (): Promise<number> => (await sut.request({ method: 'GET', url: '/events?limit=1000' })).body.items.length;

  beforeAll(async () => {
    sut = await createTestApp();
    sourceId = (await sut.request({ method: 'POST', url: '/sources', body: { title: 'IRIGC', publisher: null, publishedAt: '2025-12-04', text } })).body.id;
    claimId = (await sut.request({ method: 'POST', url: '/claims', body: { subject: 'S-400 contract of 2018', predicate: 'contract value', valueType: 'quantity' } })).body.id;
  });
  afterAll(() => sut.close());

  const writes = (): { url: string; body: unknown }[] => [
    { url: '/sources', body: { title: 't', publishedAt: '2025-12-04', text: 'x', publisher: 'p' } },
    { url: `/sources/${sourceId}/revisions`, body: { text: 'new text' } },
    { url: '/claims', body: { subject: 's', predicate: 'p', valueType: 'text' } },
    { url: `/claims/${claimId}/assertions`, body: { sourceId, quote: { exact: '$5.43 billion' }, value: { text: '$5.43 billion' }, speaker: 'x' } },
    { url: `/claims/${claimId}/assertions/a/corrections`, body: { changes: { speaker: 'y' }, reason: 'r' } },
    { url: `/claims/${claimId}/assertions/a/retractions`, body: { reason: 'r' } },
    { url: `/claims/${claimId}/verdicts`, body: { ratingValue: 3, alternateName: 'Mixed', reasoning: 'r' } },
  ];

  it('refuses every write without a key (401) and with an unknown key (401), appending nothing', async () => {
    const before = await eventCount();
    for (const { url, body } of writes()) {
      expect((await sut.request({ method: 'POST', url, body, as: 'none' })).status).toBe(401);
      const wrong = await sut.request({ method: 'POST', url, body, as: 'none', headers: { authorization: 'Bearer not-a-key-of-this-server' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['content-type']).toMatch(/problem\+json/);
    }
    expect(await eventCount()).toBe(before);
  });

  it('keeps maintainer routes from editors (403) and lets maintainers in', async () => {
    expect((await sut.request({ method: 'GET', url: '/admin/projections', as: 'editor' })).status).toBe(403);
    expect((await sut.request({ method: 'POST', url: '/admin/projections/rebuild', body: {}, as: 'editor' })).status).toBe(403);
    const status = await sut.request({ method: 'GET', url: '/admin/projections', as: 'maintainer' });
    expect(status.status).toBe(200);
    expect(status.body.items.map((p: { name: string }) => p.name).sort()).toEqual(['audit', 'claim-state', 'claim-timeline', 'discrepancies', 'sources']);
  });

  it.each([
    ['a missing field', '/claims', { predicate: 'p', valueType: 'text' }, 'subject'],
    ['an unknown field', '/claims', { subject: 's', predicate: 'p', valueType: 'text', colour: 'red' }, 'colour'],
    ['a wrong JSON type', '/claims', { subject: 42, predicate: 'p', valueType: 'text' }, 'subject'],
    ['an unknown value type', '/claims', { subject: 's', predicate: 'p', valueType: 'colour' }, 'valueType'],
    ['a nested wrong type', 'ASSERT', { sourceId: 'S', quote: { exact: 5 }, value: { text: 'x' } }, 'quote.exact'],
    ['unparseable words', 'ASSERT', { sourceId: 'S', quote: { exact: '$5.43 billion' }, value: { text: 'a great deal of money' }, speaker: 'x' }, 'value.text'],
    ['a quote not in the text', 'ASSERT', { sourceId: 'S', quote: { exact: 'never written there' }, value: { text: '$5 billion' }, speaker: 'x' }, 'quote'],
    ['an unknown source', 'ASSERT', { sourceId: 'no-such-source', quote: { exact: 'x' }, value: { text: '$5 billion' }, speaker: 'x' }, 'sourceId'],
  ])('answers %s with a 4xx problem naming the field, appending nothing', async (_name, url, body, field) => {
    const before = await eventCount();
    const target = url === 'ASSERT' ? `/claims/${claimId}/assertions` : url;
    const payload = JSON.parse(JSON.stringify(body).replace('"S"', JSON.stringify(sourceId)));
    const res = await sut.request({ method: 'POST', url: target, body: payload });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await eventCount()).toBe(before);
  });

  it.each([
    ['a list of lists where entities go', { subject: 's', predicate: 'p', valueType: 'text', entities: [[]] }, 'entities'],
    ['a lone surrogate in a string', { subject: 'S-400 \ud800', predicate: 'p', valueType: 'text' }, 'subject'],
    ['a lone surrogate in an alias', { subject: 's', predicate: 'p', valueType: 'text', entities: [{ name: 'n', aliases: ['ok', '\udc00'] }] }, 'entities[0].aliases[1]'],
  ])('answers %s with 400 naming the field, appending nothing', async (_name, body, field) => {
    const before = await eventCount();
    const res = await sut.request({ method: 'POST', url: '/claims', body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await eventCount()).toBe(before);
  });

  it.each(['"-1"', '-1', 'W/"-3"'])('answers If-Match %s (not a revision) with 400 naming If-Match', async (ifMatch) => {
    const res = await sut.request({ method: 'POST', url: `/claims/${claimId}/verdicts`, headers: { 'if-match': ifMatch }, body: { ratingValue: 3, alternateName: 'Mixed', reasoning: 'r' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'If-Match', message: expect.stringContaining('0 or more') }]);
  });

  it('answers an Idempotency-Key sent again with the same request (keys in another order) with the first result, and with another body with 422', async () => {
    const headers = { 'idempotency-key': 'verdict-key-1' };
    const first = await sut.request({ method: 'POST', url: `/claims/${claimId}/verdicts`, headers, body: { ratingValue: 2, alternateName: 'Mostly false', reasoning: 'rounded' } });
    expect(first.status).toBe(201);
    const before = await eventCount();
    const same = await sut.request({ method: 'POST', url: `/claims/${claimId}/verdicts`, payload: '{"reasoning":"rounded","alternateName":"Mostly false","ratingValue":2}', headers: { ...headers, 'content-type': 'application/json' } });
    expect(same.status).toBe(201);
    expect(same.headers['idempotent-replayed']).toBe('true');
    expect(same.body).toEqual(first.body);
    const other = await sut.request({ method: 'POST', url: `/claims/${claimId}/verdicts`, headers, body: { ratingValue: 5, alternateName: 'True', reasoning: 'rounded' } });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/problem\+json/);
    expect(other.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.stringContaining('different request') }]);
    // The same for a write that creates its stream (the id is derived from the key).
    const opened = await sut.request({ method: 'POST', url: '/claims', headers: { 'idempotency-key': 'open-key-1' }, body: { subject: 'a', predicate: 'p', valueType: 'text' } });
    expect(opened.status).toBe(201);
    const reopened = await sut.request({ method: 'POST', url: '/claims', headers: { 'idempotency-key': 'open-key-1' }, body: { subject: 'b', predicate: 'p', valueType: 'text' } });
    expect(reopened.status).toBe(422);
    expect(await eventCount()).toBe(before + 1);
  });

  it('answers malformed JSON with 400 and an oversize body with 413', async () => {
    const bad = await sut.request({ method: 'POST', url: '/claims', payload: '{"subject": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    const huge = await sut.request({ method: 'POST', url: '/claims', payload: JSON.stringify({ subject: 'x'.repeat(3 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(huge.status).toBe(413);
  });

  it('lets exactly one of two writers with the same If-Match win; the other gets 412', async () => {
    const { revision } = (await sut.request({ method: 'GET', url: `/claims/${claimId}` })).body;
    const body = { sourceId, quote: { exact: '$5.43 billion' }, value: { text: '$5.43 billion' }, speaker: 'the article' };
    const results = await Promise.all(
      [1, 2].map(() => sut.request({ method: 'POST', url: `/claims/${claimId}/assertions`, headers: { 'if-match': `"${revision}"` }, body })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 412]);
  });
});
