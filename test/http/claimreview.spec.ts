import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scriptSafeJson } from '#projections';
import { createTestApp, type TestApp } from '../support/app.js';

const text = readFileSync(join(process.cwd(), 'seeds', 'sources', '2025-12-irigc-22-s400-september-2026.txt'), 'utf8');
const HOSTILE = 'Rounded.\u2028</script><script>alert(document.cookie)</script>\u2029 & <!-- end';

describe('GET /export/claimreview', () => {
  let sut: TestApp;
  let claimId: string;

  beforeAll(async () => {
    sut = await createTestApp({ CLAIMLINE_PUBLIC_URL: 'https://claims.example.org/' });
    const sourceId = (await sut.request({ method: 'POST', url: '/sources', body: { title: 'IRIGC <b>22</b>', publisher: null, publishedAt: '2025-12-04', text } })).body.id;
    claimId = (await sut.request({ method: 'POST', url: '/claims', body: { subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', valueType: 'date' } })).body.id;
    const recorded = await sut.request({
      method: 'POST',
      url: `/claims/${claimId}/assertions`,
      body: { sourceId, quote: { exact: 'remaining systems will be supplied by September 2026' }, value: { text: 'by September 2026' }, speaker: 'Moscow' },
    });
    expect(recorded.status).toBe(201);
    expect((await sut.request({ method: 'POST', url: `/claims/${claimId}/verdicts`, body: { ratingValue: 3, alternateName: 'Half true', reasoning: HOSTILE, reviewer: '</script>' } })).status).toBe(201);
  });
  afterAll(() => sut.close());

  it('is JSON-LD that can sit in a <script> element: no <, > or &, no U+2028/9, and it reads back whole', async () => {
    const res = await sut.request({ method: 'GET', url: '/export/claimreview' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/ld+json; charset=utf-8');
    expect(res.text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(res.text).toContain('\\u003c/script\\u003e');
    // Sent a page at a time, it is still the one JSON text of the whole array.
    expect(res.text).toBe(scriptSafeJson(res.body));
    const [item] = res.body as Record<string, unknown>[];
    expect(item).toMatchObject({ '@type': 'ClaimReview', reviewBody: HOSTILE, author: { name: '</script>' } });
    expect(item!.itemReviewed).toMatchObject({ appearance: [{ headline: 'IRIGC <b>22</b>' }] });
  });

  it("links each review to its claim's page under CLAIMLINE_PUBLIC_URL, whatever Host the request names", async () => {
    const res = await sut.request({ method: 'GET', url: '/export/claimreview', headers: { host: 'attacker.example', 'x-forwarded-host': 'attacker.example' } });
    expect(res.body.map((i: { url: string }) => i.url)).toEqual([`https://claims.example.org/#/claims/${claimId}`]);
  });
});
