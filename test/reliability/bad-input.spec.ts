/**
 * Bad input: thousands of generated malformed requests (fast-check) against every write route and
 * the query strings and ids of the read routes (full-text syntax in the search words included),
 * through the real app (Fastify inject).
 *
 * Every write case starts from a valid body and breaks it in one to three ways: a missing field, an
 * unknown one (nasty names included), a wrong JSON type, a string over its limit (in ASCII and in
 * characters beyond the BMP), an empty one, a value out of its set or range, bad EDTF and date
 * words, a quote that is not in the source text, words that are not a value, too many list items,
 * nesting thousands of levels deep, a malformed If-Match or over-long Idempotency-Key, an unknown
 * id. Raw cases send bytes that are not UTF-8, truncated JSON, trailing garbage, bodies that are not
 * objects, the wrong media type and bodies over CLAIMLINE_BODY_LIMIT.
 *
 * For every answer: no 5xx; application/problem+json with the status in the body; a 400 or 422
 * lists `errors` naming a field the case broke (404, 413, 414 and 415 carry a detail); and the event log
 * has not grown. RELIABILITY_SEED=<seed> replays the generated cases.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EVENT_STORE, type EventStore } from '#event-store';
import { createTestApp, type TestApp, type TestResponse } from '../support/app.js';
import { bodyDefects, deeplyNested, headerDefects, INVALID_UTF8, namesField, NOT_DATE_VALUES, NOT_DATES, payloadOf, setAt, type Body, type Defect, type MutableRequest, type Spec } from '../support/bad-input.js';
import { scaled, seedArticles, seedFromEnv, uniqueQuotes } from '../support/reliability.js';

const SEED = seedFromEnv();
const RUNS_PER_WRITE_ROUTE = scaled(220);
const RAW_RUNS = scaled(300);
const QUERY_RUNS = scaled(500);
const BODY_LIMIT = 256 * 1024;

const MODALITIES = ['stated', 'reported', 'announced', 'expected', 'scheduled', 'assured', 'denied', 'estimated'];
const VALUE_TYPES = ['date', 'quantity', 'count', 'text'];

interface WriteRoute {
  name: string;
  path: string;
  as: 'editor' | 'maintainer';
  schema: Record<string, Spec>;
  valid: Body;
  /** Writes take Idempotency-Key. */
  writes: boolean;
  /** Claim writes take If-Match. */
  ifMatch: boolean;
  /** Route-specific defects (domain refusals, unknown ids). */
  extra: fc.Arbitrary<Defect>[];
}

const quoteSpec: Spec = { t: 'object', required: true, fields: { exact: { t: 'string', max: 5000, required: true, nonEmpty: true }, occurrence: { t: 'int', min: 1, max: 1 }, prefix: { t: 'string', max: 500 } } };
const valueSpec: Spec = {
  t: 'object',
  required: true,
  fields: { type: { t: 'enum', values: VALUE_TYPES }, text: { t: 'string', max: 500, nonEmpty: true }, edtf: { t: 'string', max: 100 }, unit: { t: 'string', max: 40 }, noun: { t: 'string', max: 100 }, convention: { t: 'enum', values: ['calendar-years', 'fiscal-april'] } },
};

describe('bad input: generated malformed requests', () => {
  let sut: TestApp;
  let store: EventStore;
  let text: string;
  let sourceId: string;
  let claimId: string;
  let assertionId: string;
  let quote: string;
  let prefix: string;
  let otherQuote: string;
  let routes: WriteRoute[];
  let cases = 0;

  beforeAll(async () => {
    process.stdout.write(`bad-input test: seed ${SEED} (replay with RELIABILITY_SEED=${SEED})\n`);
    sut = await createTestApp({ CLAIMLINE_BODY_LIMIT: String(BODY_LIMIT) });
    store = sut.app.get<EventStore>(EVENT_STORE);
    text = seedArticles().find((a) => a.file.includes('irigc-22'))!.text;
    const source = await sut.request({ method: 'POST', url: '/sources', body: { title: 'IRIGC', publisher: 'P', publishedAt: '2025-12-04', text } });
    expect(source.status).toBe(201);
    sourceId = source.body.id;
    const claim = await sut.request({ method: 'POST', url: '/claims', body: { subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', valueType: 'date' } });
    claimId = claim.body.id;
    quote = 'remaining systems will be supplied by September 2026';
    const at = text.indexOf(quote);
    expect(at).toBeGreaterThan(10);
    expect(text.lastIndexOf(quote)).toBe(at);
    prefix = text.slice(at - 10, at);
    otherQuote = uniqueQuotes(text).find((q) => !q.includes(quote) && !quote.includes(q))!;
    const a = await sut.request({ method: 'POST', url: `/claims/${claimId}/assertions`, body: { sourceId, quote: { exact: quote }, value: { text: 'by September 2026' }, speaker: 'Moscow' } });
    expect(a.status).toBe(201);
    assertionId = a.body.assertionId;

    // The lists of words that are not dates are only useful if the parser agrees.
    for (const words of [...NOT_DATES, ...NOT_DATE_VALUES]) {
      const parsed = await sut.request({ method: 'POST', url: '/values/parse', body: { type: 'date', text: words }, as: 'none' });
      expect([words, parsed.status]).toEqual([words, 400]);
    }

    const notInText = fc.string({ minLength: 1, maxLength: 40 }).map((s) => `zq${s}qz`).filter((s) => !text.includes(s) && s.trim() !== '');
    const unknownId = fc.stringMatching(/^[a-z0-9-]{1,40}$/).map((s) => `no-such-${s}`);
    const claimPath = (suffix: string): fc.Arbitrary<Defect> =>
      unknownId.map((id) => ({ name: `unknown claim ${id}`, fields: ['id'], apply: (r: MutableRequest) => void (r.path = `/claims/${id}${suffix}`) }));

    routes = [
      {
        name: 'POST /sources',
        path: '/sources',
        as: 'editor',
        writes: true,
        ifMatch: false,
        schema: {
          title: { t: 'string', max: 500, required: true, nonEmpty: true },
          publisher: { t: 'string', max: 200, nullable: true },
          author: { t: 'string', max: 200, nullable: true },
          url: { t: 'string', max: 2000, nullable: true, kind: 'url' },
          language: { t: 'string', max: 35 },
          publishedAt: { t: 'string', max: 100, required: true, nonEmpty: true, kind: 'date' },
          retrievedAt: { t: 'string', nullable: true, kind: 'iso' },
          text: { t: 'string', max: 1_000_000, required: true, nonEmpty: true },
        },
        valid: { title: 'Fuzz', publisher: 'P', author: 'A', url: 'https://example.com/a', language: 'en', publishedAt: '2025-12-04', retrievedAt: '2025-12-24T03:23:00Z', text: 'A short article.' },
        extra: [],
      },
      {
        name: 'POST /sources/:id/revisions',
        path: `/sources/${sourceId}/revisions`,
        as: 'editor',
        writes: true,
        ifMatch: false,
        schema: { text: { t: 'string', max: 1_000_000, required: true, nonEmpty: true }, reason: { t: 'string', max: 2000 } },
        valid: { text: `${text}\n\nUpdated.`, reason: 'the outlet edited it' },
        extra: [unknownId.map((id) => ({ name: `unknown source ${id}`, fields: ['id'], apply: (r: MutableRequest) => void (r.path = `/sources/${id}/revisions`) }))],
      },
      {
        name: 'POST /claims',
        path: '/claims',
        as: 'editor',
        writes: true,
        ifMatch: false,
        schema: {
          subject: { t: 'string', max: 500, required: true, nonEmpty: true },
          predicate: { t: 'string', max: 500, required: true, nonEmpty: true },
          valueType: { t: 'enum', values: VALUE_TYPES, required: true },
          description: { t: 'string', max: 5000 },
          entities: { t: 'objects', maxItems: 50, of: { name: { t: 'string', max: 200, required: true, nonEmpty: true }, aliases: { t: 'strings', maxItems: 50, maxLen: 200, required: true } } },
        },
        valid: { subject: 's', predicate: 'p', valueType: 'date', description: 'd', entities: [{ name: 'Andrei Belousov', aliases: ['Andrey Belousov'] }] },
        extra: [],
      },
      {
        name: 'POST /claims/:id/assertions',
        path: `/claims/${claimId}/assertions`,
        as: 'editor',
        writes: true,
        ifMatch: true,
        schema: {
          sourceId: { t: 'string', max: 100, required: true, nonEmpty: true },
          quote: quoteSpec,
          value: valueSpec,
          saidAt: { t: 'string', max: 100, nonEmpty: true, kind: 'date' },
          speaker: { t: 'string', max: 300, nonEmpty: true },
          modality: { t: 'enum', values: MODALITIES },
          note: { t: 'string', max: 5000 },
        },
        valid: { sourceId, quote: { exact: quote, occurrence: 1, prefix }, value: { type: 'date', text: 'by September 2026' }, saidAt: '2025-12-04', speaker: 'the article', modality: 'stated', note: 'n' },
        extra: [
          notInText.map((q) => ({ name: `quote not in the text: ${q}`, fields: ['quote'], apply: (r: MutableRequest) => setAt(r.body, ['quote', 'exact'], q) })),
          notInText.map((p) => ({ name: `prefix not before the quote: ${p}`, fields: ['quote.prefix'], apply: (r: MutableRequest) => setAt(r.body, ['quote', 'prefix'], p) })),
          fc.constantFrom(...NOT_DATE_VALUES).map((w) => ({ name: `not a date value: ${w}`, fields: ['value.text'], apply: (r: MutableRequest) => setAt(r.body, ['value', 'text'], w) })),
          fc.constantFrom('quantity', 'count').map((t) => ({ name: `value of type ${t} for a date claim`, fields: ['value.type', 'value'], apply: (r: MutableRequest) => setAt(r.body, ['value', 'type'], t) })),
          unknownId.map((id) => ({ name: `unknown source ${id}`, fields: ['sourceId'], apply: (r: MutableRequest) => void (r.body.sourceId = id) })),
          claimPath('/assertions'),
        ],
      },
      {
        name: 'POST /claims/:id/assertions/:aid/corrections',
        path: `/claims/${claimId}/assertions/${assertionId}/corrections`,
        as: 'editor',
        writes: true,
        ifMatch: true,
        schema: {
          changes: {
            t: 'object',
            required: true,
            fields: {
              sourceId: { t: 'string', max: 100, nonEmpty: true },
              quote: { ...quoteSpec, required: false },
              value: { ...valueSpec, required: false },
              saidAt: { t: 'string', max: 100, nonEmpty: true, kind: 'date' },
              speaker: { t: 'string', max: 300, nonEmpty: true },
              modality: { t: 'enum', values: MODALITIES },
            },
          },
          reason: { t: 'string', max: 2000, required: true, nonEmpty: true },
        },
        valid: { changes: { sourceId, quote: { exact: otherQuote, occurrence: 1 }, value: { type: 'date', text: 'September 2026' }, saidAt: '2025-12-05', speaker: 'y', modality: 'reported' }, reason: 'mistyped' },
        extra: [
          notInText.map((q) => ({ name: `quote not in the text: ${q}`, fields: ['changes.quote'], apply: (r: MutableRequest) => setAt(r.body, ['changes', 'quote', 'exact'], q) })),
          fc.constantFrom(...NOT_DATE_VALUES).map((w) => ({ name: `not a date value: ${w}`, fields: ['changes.value.text'], apply: (r: MutableRequest) => setAt(r.body, ['changes', 'value', 'text'], w) })),
          unknownId.map((id) => ({ name: `unknown assertion ${id}`, fields: ['aid'], apply: (r: MutableRequest) => void (r.path = `/claims/${claimId}/assertions/${id}/corrections`) })),
          claimPath(`/assertions/${assertionId}/corrections`),
        ],
      },
      {
        name: 'POST /claims/:id/assertions/:aid/retractions',
        path: `/claims/${claimId}/assertions/${assertionId}/retractions`,
        as: 'editor',
        writes: true,
        ifMatch: true,
        schema: { kind: { t: 'enum', values: ['withdrawn-by-source', 'recorded-in-error'] }, reason: { t: 'string', max: 2000, required: true, nonEmpty: true } },
        valid: { kind: 'withdrawn-by-source', reason: 'withdrawn' },
        extra: [
          unknownId.map((id) => ({ name: `unknown assertion ${id}`, fields: ['aid'], apply: (r: MutableRequest) => void (r.path = `/claims/${claimId}/assertions/${id}/retractions`) })),
          claimPath(`/assertions/${assertionId}/retractions`),
        ],
      },
      {
        name: 'POST /claims/:id/verdicts',
        path: `/claims/${claimId}/verdicts`,
        as: 'editor',
        writes: true,
        ifMatch: true,
        schema: {
          ratingValue: { t: 'int', min: 1, max: 5, required: true },
          alternateName: { t: 'string', max: 100, required: true, nonEmpty: true },
          reasoning: { t: 'string', max: 10_000, required: true, nonEmpty: true },
          reviewer: { t: 'string', max: 200, nonEmpty: true },
          reviewedAt: { t: 'string', kind: 'iso' },
        },
        valid: { ratingValue: 3, alternateName: 'Mixed', reasoning: 'r', reviewer: 'me', reviewedAt: '2025-12-24T00:00:00Z' },
        extra: [claimPath('/verdicts')],
      },
      {
        name: 'POST /values/parse',
        path: '/values/parse',
        as: 'editor',
        writes: false,
        ifMatch: false,
        schema: {
          type: { t: 'enum', values: VALUE_TYPES, required: true },
          text: { t: 'string', max: 500, nonEmpty: true },
          saidAt: { t: 'string', max: 200, nonEmpty: true },
          direction: { t: 'enum', values: ['past', 'future'] },
          precision: { t: 'enum', values: ['implied', 'stated'] },
        },
        valid: { type: 'date', text: 'by September 2026', saidAt: '2025-12-04', direction: 'future' },
        extra: [fc.constantFrom(...NOT_DATE_VALUES).map((w) => ({ name: `not a date value: ${w}`, fields: ['text'], apply: (r: MutableRequest) => void (r.body.text = w) }))],
      },
      {
        name: 'POST /values/compare',
        path: '/values/compare',
        as: 'editor',
        writes: false,
        ifMatch: false,
        schema: {
          type: { t: 'enum', values: VALUE_TYPES },
          a: { t: 'wordsOrValue', required: true },
          b: { t: 'wordsOrValue', required: true },
          saidAt: { t: 'string', max: 200, nonEmpty: true },
          convention: { t: 'enum', values: ['calendar-years', 'fiscal-april'] },
          direction: { t: 'enum', values: ['past', 'future'] },
        },
        valid: { type: 'date', a: '2026–27', b: 'September 2026', saidAt: '2025-12-04', convention: 'calendar-years', direction: 'future' },
        extra: [fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom(...NOT_DATE_VALUES)).map(([side, w]) => ({ name: `${side} is not a date: ${w}`, fields: [side], apply: (r: MutableRequest) => void (r.body[side] = w) }))],
      },
      {
        name: 'POST /admin/projections/rebuild',
        path: '/admin/projections/rebuild',
        as: 'maintainer',
        writes: false,
        ifMatch: false,
        schema: { projection: { t: 'enum', values: ['claim-state', 'claim-timeline', 'discrepancies', 'sources', 'audit'] } },
        valid: { projection: 'audit' },
        extra: [],
      },
    ];
  });

  afterAll(() => sut?.close());

  /** The checks every answer to a malformed request must pass. */
  const expectRefusal = (res: TestResponse, fields: string[], label: string): void => {
    const context = `${label}\n-> ${res.status} ${res.text.slice(0, 500)}`;
    expect([context, res.status >= 400 && res.status < 500]).toEqual([context, true]);
    expect([context, res.status === 401 || res.status === 403]).toEqual([context, false]);
    expect([context, String(res.headers['content-type'])]).toEqual([context, expect.stringMatching(/^application\/problem\+json/)]);
    expect([context, res.body?.status, typeof res.body?.title, typeof res.body?.detail]).toEqual([context, res.status, 'string', 'string']);
    if ([404, 413, 414, 415].includes(res.status)) {
      expect([context, res.body.detail.length > 0]).toEqual([context, true]);
      return;
    }
    const named = (res.body.errors ?? []) as { field: unknown; message: unknown }[];
    expect([context, named.length > 0 && named.every((e) => typeof e.field === 'string' && (e.field !== '' || fields.includes('')) && typeof e.message === 'string')]).toEqual([context, true]);
    expect([context, named.some((e) => fields.some((f) => namesField(e.field as string, f)))]).toEqual([context, true]);
  };

  const send = async (route: WriteRoute, request: { path: string; headers: Record<string, string>; payload: string | Buffer }): Promise<TestResponse> => {
    cases++;
    return sut.request({ method: 'POST', url: request.path, as: route.as, headers: { 'content-type': 'application/json', ...request.headers }, payload: request.payload });
  };

  const appendsNothing = async <T>(work: () => Promise<T>): Promise<T> => {
    const before = await store.headPosition();
    const result = await work();
    expect(await store.headPosition()).toBe(before);
    return result;
  };

  it('refuses every generated malformed write body with a 4xx problem naming a field it broke, appending nothing', async () => {
    for (const route of routes) {
      const body = bodyDefects(route.schema, route.extra);
      const any = route.writes ? fc.oneof({ weight: 6, arbitrary: body }, { weight: 1, arbitrary: fc.oneof(...headerDefects(route.ifMatch)) }) : body;
      await fc.assert(
        fc.asyncProperty(fc.array(any, { minLength: 1, maxLength: 3 }), async (defects) => {
          const request: MutableRequest = { path: route.path, body: structuredClone(route.valid), headers: {} };
          for (const d of defects) d.apply(request);
          const fields = defects.flatMap((d) => d.fields);
          const label = `${route.name}: ${defects.map((d) => d.name).join(' + ')}`;
          const res = await appendsNothing(() => send(route, { path: request.path, headers: request.headers, payload: payloadOf(request) }));
          expectRefusal(res, fields, label);
        }),
        { numRuns: RUNS_PER_WRITE_ROUTE, seed: SEED, endOnFailure: true },
      );
    }
  }, 300_000);

  it('refuses bytes that are not UTF-8, broken JSON, non-objects, the wrong media type and oversize bodies', async () => {
    const raw = fc.constantFrom(...routes).chain((route) => {
      const json = JSON.stringify(route.valid);
      const stringField = Object.entries(route.valid).find(([, v]) => typeof v === 'string')![0];
      const required = Object.entries(route.schema).filter(([, s]) => s.required).map(([k]) => k);
      const cases: fc.Arbitrary<{ label: string; payload: string | Buffer; fields: string[]; contentType?: string }>[] = [
        fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.nat({ max: 5 })).map(([bytes, at]) => {
          const marked = JSON.stringify({ ...route.valid, [stringField]: `${'ok'.repeat(at)}\u0000MARK\u0000` }).split('\\u0000MARK\\u0000');
          return { label: `bytes ${bytes.toString('hex')} in ${stringField}`, payload: Buffer.concat([Buffer.from(marked[0]!), bytes, Buffer.from(marked[1]!)]), fields: ['body', stringField] };
        }),
        fc.nat({ max: json.length - 1 }).map((cut) => ({ label: `cut after ${cut} characters`, payload: json.slice(0, cut), fields: ['body'] })),
        fc.constantFrom('x', '}', ',', '{}', ']', 'null', '\u0000').map((tail) => ({ label: `trailing ${JSON.stringify(tail)}`, payload: json + tail, fields: ['body'] })),
        fc.constantFrom('{"__proto__":{"isAdmin":true},', '{"constructor":{"prototype":{"x":1}},').map((head) => ({ label: `prototype poisoning ${head}`, payload: head + json.slice(1), fields: ['body'] })),
        fc.constantFrom(...INVALID_UTF8).map((bytes) => ({ label: `bare bytes ${bytes.toString('hex')}`, payload: bytes, fields: ['body'] })),
        fc.tuple(fc.integer({ min: 33, max: 20_000 }), fc.boolean()).map(([depth, objects]) => ({ label: `a body ${depth} levels deep`, payload: deeplyNested(depth, objects), fields: ['body', 'a'] })),
        fc.constantFrom('application/xml', 'text/csv', 'application/octet-stream', 'multipart/form-data; boundary=x').map((type) => ({ label: `content-type ${type}`, payload: '<a/>', fields: ['body'], contentType: type })),
        fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT + 4096 }).map((size) => ({ label: `a body of ${size} bytes`, payload: JSON.stringify({ ...route.valid, [stringField]: 'x'.repeat(size) }), fields: ['body'] })),
      ];
      if (required.length > 0 && route.as === 'editor') {
        cases.push(fc.constantFrom('null', '42', '"text"', '[]', '[{}]', 'true', '{}').map((payload) => ({ label: `the body ${payload}`, payload, fields: [...required, '0', 'body'] })));
      }
      return fc.tuple(fc.constant(route), fc.oneof(...cases));
    });
    await fc.assert(
      fc.asyncProperty(raw, async ([route, c]) => {
        const headers: Record<string, string> = c.contentType ? { 'content-type': c.contentType } : {};
        const res = await appendsNothing(() => send(route, { path: route.path, headers, payload: c.payload }));
        expectRefusal(res, c.fields, `${route.name}: ${c.label}`);
        if (Buffer.byteLength(c.payload) > BODY_LIMIT) expect(res.status).toBe(413);
      }),
      { numRuns: RAW_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 300_000);

  it('answers generated query strings and ids of every read route without a 5xx, refusals as problems naming the parameter', async () => {
    const reads: { path: () => string; params: string[] }[] = [
      { path: () => '/claims', params: ['cursor', 'limit', 'q', 'subject', 'entity', 'status'] },
      { path: () => `/claims/${claimId}`, params: ['asOf', 'saidBy'] },
      { path: () => `/claims/${claimId}/timeline`, params: ['asOf', 'saidBy'] },
      { path: () => `/claims/${claimId}/events`, params: [] },
      { path: () => '/discrepancies', params: ['cursor', 'limit', 'relation', 'claim', 'source', 'status'] },
      { path: () => '/sources', params: ['cursor', 'limit', 'q'] },
      { path: () => `/sources/${sourceId}`, params: [] },
      { path: () => `/sources/${sourceId}/revisions`, params: [] },
      { path: () => '/events', params: ['after', 'limit', 'stream', 'actor', 'type', 'since', 'until'] },
      { path: () => '/export/claimreview', params: [] },
      { path: () => '/health', params: [] },
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
      fc.integer().map(String),
      fc.constantFrom('', '-1', '0', '1e3', '1.5', 'NaN', 'Infinity', '9'.repeat(400), '%FF', '%E0%A4%A', '%', '%00', 'x'.repeat(5000), '2025-13-45', '2025-12-04T25:00:00Z', 'true', '[]', '{}'),
      fc.constantFrom('settled', 'contested', 'open', 'all', 'overlaps', '2025-12-04', '2025-12-24T00:00:00Z', '10'),
      // Full-text syntax typed into a search box: read as words, or a 400 naming the parameter.
      fc.constantFrom('"', '"S-400', 'NEAR(S-400 deliveries', 'NEAR(a b, 2)', '*', 'S*', 'subject:S-400', '{subject predicate}:x', 'a OR', 'AND', 'NOT x', '^x', '-', '()', '"""', '\u0000', '\uE000x\uE001', 'S-400 '.repeat(40)).map(encodeURIComponent),
      fc.string({ unit: fc.constantFrom('"', '*', '(', ')', ':', '-', '^', '{', '}', '+', 'S', '4', ' ', 'N', 'E', 'A', 'R', 'é') , maxLength: 20 }).map(encodeURIComponent),
    );
    const key = fc.oneof(fc.constantFrom('cursor', 'limit', 'q', 'subject', 'entity', 'status', 'asOf', 'saidBy', 'relation', 'claim', 'source', 'after', 'stream', 'actor', 'type', 'since', 'until'), fc.stringMatching(/^[a-zA-Z_]{1,12}$/), fc.constantFrom('__proto__', 'constructor', 'limit[]', 'a.b', 'q[a]', '%FF', ''));
    const query = fc.array(fc.tuple(key, value), { maxLength: 4 });
    const segment = fc.oneof(fc.string({ maxLength: 40 }).map(encodeURIComponent), fc.constantFrom('%ZZ', '%', '..', '%2F', '%00', 'x'.repeat(3000), '\u00e9', '%C3%28'));
    const target = fc.oneof(
      fc.tuple(fc.constantFrom(...reads), query).map(([read, q]) => ({ url: `${read.path()}${q.length ? '?' : ''}${q.map(([k, v]) => `${k}=${v}`).join('&')}`, keys: q.map(([k]) => decodeURIComponentSafe(k)) })),
      fc.tuple(fc.constantFrom('/claims/', '/sources/', '/claims/x/timeline?asOf=', '/sources/x/revisions#'), segment).map(([prefix, s]) => ({ url: `${prefix}${s}`, keys: ['asOf', 'id', 'url'] })),
    );
    await fc.assert(
      fc.asyncProperty(target, async ({ url, keys }) => {
        cases++;
        const res = await appendsNothing(() => sut.request({ method: 'GET', url, as: 'none' }));
        const label = `GET ${url.slice(0, 300)}`;
        expect([label, res.status < 500]).toEqual([label, true]);
        if (res.status >= 400) expectRefusal(res, [...keys, 'url'], label);
      }),
      { numRuns: QUERY_RUNS, seed: SEED, endOnFailure: true },
    );
    process.stdout.write(`bad-input test: ${cases} malformed requests, none answered 5xx, nothing appended\n`);
  }, 300_000);
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
