import { configFromEnv } from '../../apps/api/src/config.js';
import { createTestApp, type TestApp } from '../support/app.js';

/** Statuses of `n` reads of /claims sent as one client (Fastify inject comes from 127.0.0.1). */
async function reads(sut: TestApp, n: number, headers: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await sut.request({ method: 'GET', url: '/claims', as: 'none', headers })).status);
  return statuses;
}

describe('rate limits', () => {
  describe('per client address', () => {
    let sut: TestApp;
    beforeAll(async () => {
      sut = await createTestApp({ CLAIMLINE_RATE_LIMIT: '5' });
    });
    afterAll(() => sut.close());

    it('leaves /health out: health checks are never refused and use none of the budget', async () => {
      for (let i = 0; i < 12; i++) expect((await sut.request({ method: 'GET', url: '/health', as: 'none' })).status).toBe(200);
      expect(await reads(sut, 5)).toEqual([200, 200, 200, 200, 200]);
    });

    it('answers 429 problem+json past the limit per minute, and /health still answers', async () => {
      const limited = await sut.request({ method: 'GET', url: '/claims' });
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ status: 429, title: expect.any(String), detail: expect.stringContaining('at most 5') });
      expect((await sut.request({ method: 'GET', url: '/health', as: 'none' })).status).toBe(200);
    });

    it('ignores X-Forwarded-For unless a proxy is trusted: a client cannot pick a fresh bucket', async () => {
      expect(await reads(sut, 1, { 'x-forwarded-for': '203.0.113.77' })).toEqual([429]);
    });
  });

  describe('behind a trusted proxy (CLAIMLINE_TRUST_PROXY)', () => {
    let sut: TestApp;
    beforeAll(async () => {
      sut = await createTestApp({ CLAIMLINE_RATE_LIMIT: '3', CLAIMLINE_TRUST_PROXY: '127.0.0.1' });
    });
    afterAll(() => sut.close());

    it('gives each client named by X-Forwarded-For its own bucket', async () => {
      expect(await reads(sut, 4, { 'x-forwarded-for': '203.0.113.1' })).toEqual([200, 200, 200, 429]);
      expect(await reads(sut, 4, { 'x-forwarded-for': '203.0.113.2' })).toEqual([200, 200, 200, 429]);
      // The client is the address the trusted proxy saw, not what the client itself prepended.
      expect(await reads(sut, 1, { 'x-forwarded-for': '198.51.100.9, 203.0.113.1' })).toEqual([429]);
    });
  });

  it('takes CLAIMLINE_TRUST_PROXY as false, true or addresses and CIDR ranges, nothing else', () => {
    expect(configFromEnv({}).trustProxy).toBe(false);
    expect(configFromEnv({ CLAIMLINE_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', '::1']);
    for (const bad of ['1', 'proxy.local', '10.0.0.0/x']) expect(() => configFromEnv({ CLAIMLINE_TRUST_PROXY: bad })).toThrow(/CLAIMLINE_TRUST_PROXY/);
  });
});
