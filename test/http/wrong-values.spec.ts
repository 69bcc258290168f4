import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/app.js';

const text = readFileSync(join(process.cwd(), 'seeds', 'sources', '2025-12-irigc-22-s400-september-2026.txt'), 'utf8');

/** Issue 14: every path that reads words or EDTF refuses a wrong value with a 400 naming the field, and appends nothing. */
describe('never a wrong value, over HTTP', () => {
  let sut: TestApp;
  let sourceId: string;
  let claimId: string;
  const events = async () => (await sut.request({ method: 'GET', url: '/events?limit=1000' })).body.items.length;
  const fieldOf = (res: { status: number; headers: Record<string, unknown>; body: { errors?: { field: string }[] } }) => {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.body.errors?.map((e) => e.field);
  };

  beforeAll(async () => {
    sut = await createTestApp();
    sourceId = (await sut.request({ method: 'POST', url: '/sources', body: { title: 'IRIGC', publisher: 'Wire', publishedAt: '2025-12-04', fiscalYear: 'april', text } })).body.id;
    claimId = (await sut.request({ method: 'POST', url: '/claims', body: { subject: 'S-400', predicate: 'remaining deliveries due', valueType: 'date' } })).body.id;
  });
  afterAll(() => sut.close());

  it.each([
    [{ publishedAt: '20000' }, 'publishedAt'],
    [{ publishedAt: 'Y170000002' }, 'publishedAt'],
    [{ publishedAt: '2010-11' }, 'publishedAt'],
    [{ fiscalYear: 'march' }, 'fiscalYear'],
  ])('given a source with %j, when registered, then 400 naming %s and nothing appended', async (change, field) => {
    const before = await events();
    const res = await sut.request({ method: 'POST', url: '/sources', body: { title: 'x', publishedAt: '2025-12-04', text: 'x', ...change } });
    expect(fieldOf(res)).toEqual([field]);
    expect(await events()).toBe(before);
  });

  it.each([
    [{ value: { text: 'by 20000' } }, 'value.text'],
    [{ value: { edtf: '20000' } }, 'value.edtf'],
    [{ value: { text: 'by September 2026', edtf: '1999' } }, 'value.edtf'],
    [{ value: { text: '2001-34', edtf: '2001-34' } }, 'value.edtf'],
    [{ value: { text: 'by September 2026' }, saidAt: '20000' }, 'saidAt'],
    [{ value: { text: 'by September 2026' }, saidAt: 'Y999999999999' }, 'saidAt'],
  ])('given an assertion with %j, when recorded, then 400 naming %s and nothing appended', async (change, field) => {
    const before = await events();
    const res = await sut.request({
      method: 'POST',
      url: `/claims/${claimId}/assertions`,
      body: { sourceId, quote: { exact: 'remaining systems will be supplied by September 2026' }, speaker: 'Moscow', ...change },
    });
    expect(fieldOf(res)).toEqual([field]);
    expect(await events()).toBe(before);
  });

  it("given the source's April fiscal year and a plan, when recorded, then the value is read by them and says so", async () => {
    const res = await sut.request({
      method: 'POST',
      url: `/claims/${claimId}/assertions`,
      body: { sourceId, quote: { exact: 'remaining systems will be supplied by September 2026' }, value: { text: 'by 2026-27' }, speaker: 'Moscow', modality: 'assured' },
    });
    expect(res.status).toBe(201);
    expect(res.body.value).toMatchObject({ bounds: { lo: null, hi: '2027-03-31' }, convention: 'fiscal-april' });
  });

  it('given date words the reader refuses, when parsed at /values/parse, then 400 naming text', async () => {
    expect(fieldOf(await sut.request({ method: 'POST', url: '/values/parse', body: { type: 'date', text: '2000000' }, as: 'none' }))).toEqual(['text']);
    expect(fieldOf(await sut.request({ method: 'POST', url: '/values/parse', body: { type: 'date', edtf: 'Y170000002' }, as: 'none' }))).toEqual(['edtf']);
  });
});
