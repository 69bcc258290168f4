/**
 * Auth: every route of the OpenAPI document (GET /docs-json, so a new route is covered the day it
 * is added) x (no key, a wrong key, an editor key, a maintainer key), against a real server.
 *
 * Who may call what follows DESIGN section 7, not the code: reads (GET) and the value tools
 * (POST /values/*) are open; every other write needs an editor key; /admin needs a maintainer key
 * (a maintainer may do what an editor may). Expected answers:
 *
 *   route class   no key   wrong key   editor       maintainer
 *   open          served   401         served       served
 *   editor        401      401         served       served
 *   maintainer    401      401         403          served
 *
 * "served" is any status below 500 other than 401 and 403 (a 201, or a 4xx about the request
 * itself). A wrong key is refused even on an open route, as RFC 6750 section 3.1 asks: a client
 * whose key is wrong learns it at once instead of silently reading as anonymous. Every refusal is
 * problem+json and appends nothing; every protected route is marked as such in the document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_KEYS } from '../support/app.js';
import { seedArticles } from '../support/reliability.js';
import { compileServer, httpClient, startServer, type As, type CompiledServer, type ServerProcess } from '../support/server-process.js';

type RouteClass = 'open' | 'editor' | 'maintainer';
const CALLERS: As[] = ['none', 'wrong', 'editor', 'maintainer'];
type Outcome = 'served' | 401 | 403;
const EXPECTED: Record<RouteClass, Record<As, Outcome>> = {
  open: { none: 'served', wrong: 401, editor: 'served', maintainer: 'served' },
  editor: { none: 401, wrong: 401, editor: 'served', maintainer: 'served' },
  maintainer: { none: 401, wrong: 401, editor: 403, maintainer: 'served' },
};

/** DESIGN section 7, as a rule over method and path. */
function classOf(method: string, path: string): RouteClass {
  if (path.startsWith('/admin')) return 'maintainer';
  if (method === 'GET' || path.startsWith('/values/')) return 'open';
  return 'editor';
}

interface Route {
  method: string;
  path: string;
  documentedAsProtected: boolean;
}

describe('auth: every documented route x (no key, wrong key, editor, maintainer)', () => {
  let compiled: CompiledServer;
  let dataDir: string;
  let server: ServerProcess;
  let request: ReturnType<typeof httpClient>;
  let routes: Route[];
  const ids: Record<string, string> = {};
  let quotes: string[];

  beforeAll(async () => {
    compiled = await compileServer();
    dataDir = mkdtempSync(join(tmpdir(), 'claimline-auth-'));
    server = await startServer(compiled, { dataDir });
    request = httpClient(server.url);
    const doc = await request('GET', '/docs-json', { as: 'none' });
    expect(doc.status).toBe(200);
    routes = Object.entries(doc.body.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, op]) => ({ method: method.toUpperCase(), path, documentedAsProtected: (op.security ?? []).length > 0 })),
    );
    const article = seedArticles()[0]!;
    const source = await request('POST', '/sources', { body: { title: 'Auth', publisher: 'P', publishedAt: '2025-12-04', text: article.text } });
    const claim = await request('POST', '/claims', { body: { subject: 'auth', predicate: 'p', valueType: 'text' } });
    ids.source = source.body.id;
    ids.claim = claim.body.id;
    quotes = article.text.split('. ').filter((s) => s.length > 20 && article.text.indexOf(s) === article.text.lastIndexOf(s));
    const assertion = await request('POST', `/claims/${ids.claim}/assertions`, { body: { sourceId: ids.source, quote: { exact: quotes[0] }, value: { text: 'first' }, speaker: 's' } });
    expect(assertion.status).toBe(201);
    ids.assertion = assertion.body.assertionId;
  });

  afterAll(async () => {
    await server?.stop();
    compiled?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The path with real ids, so a served request reaches the handler. */
  const concrete = (path: string): string =>
    path
      .replace(/^\/claims\/\{id\}/, `/claims/${ids.claim}`)
      .replace(/^\/sources\/\{id\}/, `/sources/${ids.source}`)
      .replace('{aid}', ids.assertion!)
      .replace(/\{[^}]+\}/g, 'some-id');

  let quoteIndex = 1;
  /** A body that would succeed, so that only the key decides (`{}` for a route this test does not know). */
  const bodyFor = (route: Route): unknown => {
    if (route.method !== 'POST') return undefined;
    const quote = quotes[quoteIndex++ % quotes.length];
    const known: Record<string, unknown> = {
      '/sources': { title: 'Another', publisher: 'P', publishedAt: '2025-12-05', text: `Another text ${quoteIndex}.` },
      '/sources/{id}/revisions': { text: `${seedArticles()[0]!.text}\nRevised ${quoteIndex}.` },
      '/claims': { subject: 'another', predicate: 'p', valueType: 'text' },
      '/claims/{id}/assertions': { sourceId: ids.source, quote: { exact: quote }, value: { text: `value ${quoteIndex}` }, speaker: 's' },
      '/claims/{id}/assertions/{aid}/corrections': { changes: { speaker: `corrected ${quoteIndex}` }, reason: 'mistyped' },
      '/claims/{id}/assertions/{aid}/retractions': { reason: 'withdrawn' },
      '/claims/{id}/verdicts': { ratingValue: 3, alternateName: 'Mixed', reasoning: 'r' },
      '/values/parse': { type: 'date', text: 'by September 2026' },
      '/values/compare': { type: 'date', a: '2026–27', b: 'September 2026' },
      '/admin/projections/rebuild': { projection: 'audit' },
    };
    return known[route.path] ?? {};
  };

  const head = async (): Promise<number> => {
    const res = await request('GET', '/events?after=-1&limit=1000', { as: 'none' });
    return (res.body.items as { position: number }[]).at(-1)?.position ?? -1;
  };

  /** Sends one request; an event stream is cut once its status and headers are in. */
  const call = async (route: Route, as: As): Promise<{ status: number; contentType: string; body: unknown }> => {
    const abort = new AbortController();
    const path = concrete(route.path);
    if (route.path === '/stream') {
      const headers: Record<string, string> = {};
      if (as === 'wrong') headers.authorization = 'Bearer wrong-key-0123456789abcdef-not-known';
      else if (as !== 'none') headers.authorization = `Bearer ${TEST_KEYS[as]}`;
      const res = await fetch(`${server.url}${path}`, { headers, signal: abort.signal });
      const contentType = res.headers.get('content-type') ?? '';
      const body = res.status >= 400 ? await res.json() : undefined;
      abort.abort();
      return { status: res.status, contentType, body };
    }
    const res = await request(route.method, path, { as, body: bodyFor(route) });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: res.body };
  };

  it('finds every route of DESIGN section 7 in the document', () => {
    const listed = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of ['GET /health', 'POST /sources', 'GET /claims', 'POST /claims/{id}/assertions', 'GET /stream', 'GET /admin/projections', 'POST /admin/projections/rebuild', 'POST /values/parse']) {
      expect(listed).toContain(expected);
    }
  });

  it('marks every route that needs a key as protected in the document', () => {
    const wrong = routes.filter((r) => (classOf(r.method, r.path) !== 'open') !== r.documentedAsProtected).map((r) => `${r.method} ${r.path}`);
    expect(wrong).toEqual([]);
  });

  it('answers each caller as its role allows, refusals as problem+json that append nothing', async () => {
    const mismatches: string[] = [];
    const succeeded = new Set<string>();
    // Refusals first (they must append nothing), then the callers that are let in.
    const order = [...CALLERS].sort((a, b) => Number(a === 'editor' || a === 'maintainer') - Number(b === 'editor' || b === 'maintainer'));
    for (const as of order) {
      for (const route of routes) {
        const cls = classOf(route.method, route.path);
        const expected = EXPECTED[cls][as];
        const before = expected === 'served' ? undefined : await head();
        const res = await call(route, as);
        const outcome: Outcome | 'error' = res.status === 401 || res.status === 403 ? res.status : res.status < 500 ? 'served' : 'error';
        const label = `${route.method} ${route.path} (${cls}) as ${as}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`;
        if (outcome !== expected) mismatches.push(`${label} — expected ${expected}`);
        if (res.status < 300) succeeded.add(`${route.method} ${route.path}`);
        if (expected !== 'served') {
          if (!/^application\/problem\+json/.test(res.contentType)) mismatches.push(`${label} — not problem+json`);
          if ((await head()) !== before) mismatches.push(`${label} — appended an event`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // The keys really let callers through: every route succeeded for someone allowed to call it.
    expect(routes.map((r) => `${r.method} ${r.path}`).filter((r) => !succeeded.has(r))).toEqual([]);
    process.stdout.write(`auth matrix: ${routes.length} routes x ${CALLERS.length} callers checked\n`);
  }, 60_000);
});
