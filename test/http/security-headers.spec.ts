import { createTestApp, type TestApp } from '../support/app.js';

describe('security headers', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await createTestApp();
  });
  afterAll(() => sut.close());

  it.each([
    ['the web UI', '/'],
    ['a script of the UI', '/js/app.js'],
    ['the API documentation', '/docs'],
    ['a JSON read', '/claims'],
    ['a problem', '/claims/no-such-claim'],
    ['an unknown route', '/no/such/route'],
  ])('%s (%s) says: own scripts only, never framed, no sniffing', async (_what, url) => {
    const res = await sut.request({ method: 'GET', url, as: 'none' });
    expect(res.status).toBeLessThan(500);
    const csp = String(res.headers['content-security-policy']).split(';');
    expect(csp).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});
