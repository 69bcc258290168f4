/**
 * Concurrency: 100 writers on one claim of a real server (child process, real sockets).
 *
 * - With the same If-Match, in every round exactly one write succeeds (at the next revision) and
 *   the other 99 get 412 naming the revision the winner made; nothing is lost or doubled: the
 *   claim's events are the opening event plus exactly the winners, in order.
 * - Without If-Match (no precondition), every one of 100 racing writes lands, once, at dense
 *   revisions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scaled, seedArticles, uniqueQuotes } from '../support/reliability.js';
import { compileServer, httpClient, startServer, type CompiledServer, type ServerProcess } from '../support/server-process.js';

const WRITERS = 100;
const ROUNDS = scaled(5);

describe('concurrency: 100 writers on one claim', () => {
  let compiled: CompiledServer;
  let dataDir: string;
  let server: ServerProcess;
  let request: ReturnType<typeof httpClient>;
  let sourceId: string;
  let quotes: string[];

  beforeAll(async () => {
    compiled = await compileServer();
    dataDir = mkdtempSync(join(tmpdir(), 'claimline-concurrency-'));
    server = await startServer(compiled, { dataDir });
    request = httpClient(server.url);
    const article = seedArticles()[0]!;
    const source = await request('POST', '/sources', { body: { title: article.file, publisher: 'Race Gazette', publishedAt: '2025-12-04', text: article.text } });
    expect(source.status).toBe(201);
    sourceId = source.body.id;
    quotes = uniqueQuotes(article.text);
  });

  afterAll(async () => {
    await server?.stop();
    compiled?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const openClaim = async (subject: string): Promise<string> => {
    const res = await request('POST', '/claims', { body: { subject, predicate: 'what was reported', valueType: 'text' } });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  const assertion = (i: number) => ({ sourceId, quote: { exact: quotes[i % quotes.length]! }, value: { text: i % 10 === 0 ? `revised version ${i}` : `the agreed version` }, speaker: `writer ${i}` });

  it(`with the same If-Match: exactly one 201 per revision, the rest 412, no lost update (${ROUNDS} rounds of ${WRITERS})`, async () => {
    const claimId = await openClaim('racing with If-Match');
    const winners: { assertionId: string; revision: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const current = (await request('GET', `/claims/${claimId}`, { as: 'none' })).body.revision as number;
      expect(current).toBe(round);
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, w) =>
          request('POST', `/claims/${claimId}/assertions`, { body: assertion(round * WRITERS + w), headers: { 'if-match': `"${current}"` } }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(WRITERS - 1);
      const won = results.find((r) => r.status === 201)!;
      expect(won.body.revision).toBe(current + 1);
      expect(won.headers.get('etag')).toBe(`"${current + 1}"`);
      for (const lost of results.filter((r) => r.status === 412)) {
        expect(lost.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(lost.body).toMatchObject({ status: 412, currentRevision: current + 1 });
      }
      winners.push({ assertionId: won.body.assertionId, revision: won.body.revision });
    }
    const events = (await request('GET', `/claims/${claimId}/events`, { as: 'none' })).body.items as { type: string; revision: number; data: { assertionId?: string } }[];
    expect(events.map((e) => e.type)).toEqual(['claimline.claim-opened', ...winners.map(() => 'claimline.assertion-recorded')]);
    expect(events.slice(1).map((e) => ({ assertionId: e.data.assertionId, revision: e.revision }))).toEqual(winners);
    const timeline = (await request('GET', `/claims/${claimId}/timeline`, { as: 'none' })).body;
    expect(timeline.entries.map((e: { assertionId: string }) => e.assertionId).sort()).toEqual(winners.map((w) => w.assertionId).sort());
  }, 60_000 * ROUNDS);

  it(`without If-Match: all ${WRITERS} racing writes land once, at dense revisions`, async () => {
    const claimId = await openClaim('racing without If-Match');
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, w) => request('POST', `/claims/${claimId}/assertions`, { body: assertion(w) })));
    expect(results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect(results.map((r) => r.body.revision as number).sort((a, b) => a - b)).toEqual(Array.from({ length: WRITERS }, (_, i) => i + 1));
    const events = (await request('GET', `/claims/${claimId}/events`, { as: 'none' })).body.items as { revision: number; data: { assertionId?: string } }[];
    expect(events).toHaveLength(WRITERS + 1);
    expect(new Set(events.slice(1).map((e) => e.data.assertionId))).toEqual(new Set(results.map((r) => r.body.assertionId)));
  }, 60_000);
});
