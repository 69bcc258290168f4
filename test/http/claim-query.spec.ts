import { createTestApp, type TestApp } from '../support/app.js';

/**
 * GET /claims/:id validates its query itself (only when there is one, to keep the common read
 * cheap): the answers must be those of the global ValidationPipe.
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
    ['asOf=yesterday', 'asOf'],
    ['saidBy=2025-13', 'saidBy'],
    ['foo=1', 'foo'],
  ])('refuses ?%s with a 400 naming %s', async (query, field) => {
    const res = await sut.request({ method: 'GET', url: `/claims/${claimId}?${query}`, as: 'none' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

});
