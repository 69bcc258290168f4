import { createTestApp, type TestApp } from '../support/app.js';

describe('rate limits', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await createTestApp({ CLAIMLINE_RATE_LIMIT: '5' });
  });
  afterAll(() => sut.close());

  it('answers 429 problem+json past the limit per minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await sut.request({ method: 'GET', url: '/claims' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await sut.request({ method: 'GET', url: '/claims' });
    expect(limited.body).toMatchObject({ status: 429, title: expect.any(String), detail: expect.stringContaining('at most 5') });
  });
});
