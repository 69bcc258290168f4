import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/app.js';

const seeds = join(process.cwd(), 'seeds', 'sources');
const article004 = readFileSync(join(seeds, '2025-12-irigc-22-s400-september-2026.txt'), 'utf8');
const article002 = readFileSync(join(seeds, '2025-12-05-business-standard-reorienting-defence-ties.txt'), 'utf8');

describe('the S-400 remaining-deliveries story over HTTP', () => {
  let sut: TestApp;
  let claimId: string;
  let first: { assertionId: string; revision: number };
  let second: { assertionId: string; revision: number };
  let betweenWrites: string;

  beforeAll(async () => {
    sut = await createTestApp();
    const s004 = await sut.request({ method: 'POST', url: '/sources', body: { title: '22nd IRIGC-M&MTC', publisher: null, publishedAt: '2025-12-04', text: article004 } });
    const s002 = await sut.request({ method: 'POST', url: '/sources', body: { title: 'Reorienting defence ties', publisher: 'Business Standard', author: 'Satarupa Bhattacharjya', publishedAt: '2025-12-05', text: article002 } });
    expect([s004.status, s002.status]).toEqual([201, 201]);
    const claim = await sut.request({ method: 'POST', url: '/claims', body: { subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', valueType: 'date' } });
    expect(claim.status).toBe(201);
    claimId = claim.body.id;

    const a = await sut.request({
      method: 'POST',
      url: `/claims/${claimId}/assertions`,
      headers: { 'if-match': `"${claim.body.revision}"` },
      body: { sourceId: s004.body.id, quote: { exact: 'remaining systems will be supplied by September 2026' }, value: { text: 'by September 2026' }, saidAt: '2025-12-04', speaker: 'Moscow', modality: 'assured' },
    });
    expect(a.status).toBe(201);
    expect(a.body.relationToPrevious).toBeNull();
    first = a.body;
    await new Promise((r) => setTimeout(r, 20));
    betweenWrites = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));

    const b = await sut.request({
      method: 'POST',
      url: `/claims/${claimId}/assertions`,
      headers: { 'if-match': `"${first.revision}"` },
      body: { sourceId: s002.body.id, quote: { exact: 'expected by 2026–27' }, value: { text: '2026–27' }, saidAt: '2025-12-05', speaker: 'Indian military sources', modality: 'expected' },
    });
    expect(b.status).toBe(201);
    expect(b.body.relationToPrevious).toMatchObject({ relation: 'overlaps', previousAssertionId: first.assertionId });
    second = b.body;
  });

  afterAll(() => sut.close());

  it('orders the timeline by said-at and marks the slip as overlaps', async () => {
    const res = await sut.request({ method: 'GET', url: `/claims/${claimId}/timeline` });
    expect(res.status).toBe(200);
    expect(res.body.entries.map((e: { value: { text: string } }) => e.value.text)).toEqual(['by September 2026', '2026–27']);
    expect(res.body.entries[1].relationToPrevious.relation).toBe('overlaps');
    expect(res.body.entries[1].relationToPrevious.explanation).toEqual(expect.any(String));
  });

  it('lists the pair as an open discrepancy with both quotes, and the claim as contested', async () => {
    const res = await sut.request({ method: 'GET', url: `/discrepancies?claim=${claimId}` });
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ relation: 'overlaps', status: 'open', earlier: { quote: 'remaining systems will be supplied by September 2026' }, later: { quote: 'expected by 2026–27' } });
    const state = await sut.request({ method: 'GET', url: `/claims/${claimId}` });
    expect(state.body).toMatchObject({ status: 'contested', current: { assertionId: second.assertionId }, counts: { live: 2, discrepancies: 1 } });
  });

  it('answers as of an earlier moment (recorded-at) and by an earlier day (said-at)', async () => {
    const asOf = await sut.request({ method: 'GET', url: `/claims/${claimId}?asOf=${encodeURIComponent(betweenWrites)}` });
    expect(asOf.body).toMatchObject({ current: { assertionId: first.assertionId }, counts: { assertions: 1 }, status: 'settled' });
    const saidBy = await sut.request({ method: 'GET', url: `/claims/${claimId}/timeline?saidBy=2025-12-04` });
    expect(saidBy.body.entries.map((e: { assertionId: string }) => e.assertionId)).toEqual([first.assertionId]);
  });

  it('refuses a stale If-Match with 412 and the current revision', async () => {
    const res = await sut.request({
      method: 'POST',
      url: `/claims/${claimId}/assertions/${first.assertionId}/retractions`,
      headers: { 'if-match': `"${first.revision}"` },
      body: { reason: 'stale', kind: 'recorded-in-error' },
    });
    expect(res.status).toBe(412);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.currentRevision).toBe(second.revision);
  });

  it('resolves the discrepancy when one side is retracted, keeping it in the timeline', async () => {
    const res = await sut.request({
      method: 'POST',
      url: `/claims/${claimId}/assertions/${first.assertionId}/retractions`,
      headers: { 'if-match': `"${second.revision}"`, 'idempotency-key': 'retract-1' },
      body: { reason: 'superseded by the later report', kind: 'withdrawn-by-source' },
    });
    expect(res.status).toBe(201);
    const open = await sut.request({ method: 'GET', url: `/discrepancies?claim=${claimId}` });
    expect(open.body.items).toHaveLength(0);
    const resolved = await sut.request({ method: 'GET', url: `/discrepancies?claim=${claimId}&status=resolved` });
    expect(resolved.body.items[0]).toMatchObject({ status: 'resolved', resolution: expect.stringContaining('superseded') });
    const timeline = await sut.request({ method: 'GET', url: `/claims/${claimId}/timeline` });
    expect(timeline.body.entries[0]).toMatchObject({ status: 'retracted', retraction: { by: 'test-editor', reason: 'superseded by the later report' } });

    const before = (await sut.request({ method: 'GET', url: `/claims/${claimId}/events` })).body.items.length;
    const retry = await sut.request({
      method: 'POST',
      url: `/claims/${claimId}/assertions/${first.assertionId}/retractions`,
      headers: { 'if-match': `"${second.revision}"`, 'idempotency-key': 'retract-1' },
      body: { reason: 'superseded by the later report', kind: 'withdrawn-by-source' },
    });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(res.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await sut.request({ method: 'GET', url: `/claims/${claimId}/events` })).body.items.length).toBe(before);
  });
});
