import { createTestApp, type TestApp } from '../support/app.js';

describe('security headers', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await createTestApp();
  });
  afterAll(() => sut.close());

  const directives = (res: { headers: Record<string, unknown> }) => String(res.headers['content-security-policy']).split(';');

  it.each([
    ['the web UI', '/'],
    ['a script of the UI', '/js/app.js'],
    ['the API documentation', '/docs'],
  ])('%s (%s), a page: own scripts only, never framed, no sniffing, helmet\'s other headers', async (_what, url) => {
    const res = await sut.request({ method: 'GET', url, as: 'none' });
    expect(res.status).toBe(200);
    expect(directives(res)).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it.each([['the web UI', '/'], ['a script of the UI', '/js/app.js']])(
    '%s (%s) revalidated (304): the page set, which the browser takes for its cached copy',
    async (_what, url) => {
      const first = await sut.request({ method: 'GET', url, as: 'none' });
      const res = await sut.request({ method: 'GET', url, as: 'none', headers: { 'if-none-match': String(first.headers.etag) } });
      expect(res.status).toBe(304);
      expect(directives(res)).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"]));
      expect(res.headers['x-frame-options']).toBe('DENY');
    },
  );

  it.each([
    ['a JSON read', '/claims'],
    ['the OpenAPI document', '/docs-json'],
    ['a problem', '/claims/no-such-claim'],
    ['an unknown route', '/no/such/route'],
  ])('%s (%s), data: loads nothing, never framed, no sniffing (OWASP REST set only)', async (_what, url) => {
    const res = await sut.request({ method: 'GET', url, as: 'none' });
    expect(res.status).toBeLessThan(500);
    expect(String(res.headers['content-type'])).toMatch(/json/);
    expect(directives(res).sort()).toEqual(["default-src 'none'", "frame-ancestors 'none'"]);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    // helmet's page headers are not on data.
    expect(res.headers['referrer-policy']).toBeUndefined();
    expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
  });

  it('a problem the security hook itself cannot get to (a malformed URL) is data too', async () => {
    const res = await sut.request({ method: 'GET', url: '/claims/%E0%A4%A', as: 'none' });
    expect(res.status).toBe(400);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});
