/**
 * Shared pieces of the reliability suite (test/reliability): the size multiplier, a seeded random
 * generator, quotes taken from the seed articles, and a read-model snapshot to compare with a rebuild.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type HttpResponse } from './server-process.js';

/** RELIABILITY_SCALE multiplies every size in the suite (`npm run test:reliability` uses 10). */
export const SCALE = (() => {
  const raw = Number(process.env.RELIABILITY_SCALE ?? '1');
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
})();

/** A size at the current scale (at least 1). */
export function scaled(base: number): number {
  return Math.max(1, Math.round(base * SCALE));
}

/** RELIABILITY_SEED replays a run; otherwise a fresh seed, printed by the tests that use it. */
export function seedFromEnv(): number {
  const raw = process.env.RELIABILITY_SEED;
  if (raw !== undefined && raw.trim() !== '' && Number.isInteger(Number(raw))) return Number(raw) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

/** mulberry32: small, fast, good enough to pick moments and inputs reproducibly. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [lo, hi]. */
    int: (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

export interface SeedArticle {
  file: string;
  text: string;
}

/** The five seed articles' texts (seeds/sources/*.txt). */
export function seedArticles(): SeedArticle[] {
  const dir = join(ROOT, 'seeds', 'sources');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * Runs of `words` words from `text` that occur exactly once in it, so each is a valid quote
 * without an occurrence hint.
 */
export function uniqueQuotes(text: string, words = 6): string[] {
  const starts: number[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
  const quotes = new Set<string>();
  for (let i = 0; i + words < starts.length; i++) {
    const quote = text.slice(starts[i], starts[i + words]).trimEnd();
    if (!quote.includes('\n') && text.indexOf(quote) === text.lastIndexOf(quote)) quotes.add(quote);
  }
  return [...quotes];
}

type Request = (method: string, path: string, options?: { body?: unknown; as?: 'editor' | 'maintainer' | 'none' | 'wrong'; headers?: Record<string, string> }) => Promise<HttpResponse>;

async function allPages(request: Request, path: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await request('GET', `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: 'none' });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
    items.push(...(res.body.items as unknown[]));
    cursor = res.body.nextCursor as string | null;
    if (!cursor) return items;
  }
}

/** Everything the read models serve, in one comparable value. */
export async function readModelSnapshot(request: Request): Promise<Record<string, unknown>> {
  const claims = (await allPages(request, '/claims')) as { claimId: string }[];
  const perClaim: Record<string, unknown> = {};
  for (const { claimId } of claims) {
    const [state, timeline] = await Promise.all([request('GET', `/claims/${claimId}`, { as: 'none' }), request('GET', `/claims/${claimId}/timeline`, { as: 'none' })]);
    perClaim[claimId] = { state: state.body, timeline: timeline.body };
  }
  const sources = (await allPages(request, '/sources')) as { id: string }[];
  const perSource: Record<string, unknown> = {};
  for (const { id } of sources) perSource[id] = (await request('GET', `/sources/${id}`, { as: 'none' })).body;
  const events: unknown[] = [];
  for (let after = -1; ; ) {
    const page = await request('GET', `/events?after=${after}&limit=1000`, { as: 'none' });
    events.push(...page.body.items);
    if (page.body.items.length === 0 || page.body.next === null || page.body.next === undefined) break;
    after = page.body.next;
  }
  return {
    claims,
    perClaim,
    sources,
    perSource,
    discrepancies: await allPages(request, '/discrepancies?status=all'),
    events,
  };
}

/** Rebuilds every projection from position 0 (as maintainer) and waits until all are swapped in. */
/** The read models as served, then as a rebuild from position 0 leaves them: equal when nothing drifted. */
export async function liveAndRebuilt(request: Request): Promise<{ live: Record<string, unknown>; rebuilt: Record<string, unknown> }> {
  const live = await readModelSnapshot(request);
  await rebuildAndWait(request);
  return { live, rebuilt: await readModelSnapshot(request) };
}

export async function rebuildAndWait(request: Request, timeoutMs = 120_000): Promise<void> {
  const before = await request('GET', '/admin/projections', { as: 'maintainer' });
  if (before.status !== 200) throw new Error(`GET /admin/projections: ${before.status} ${before.text}`);
  const generations = new Map((before.body.items as { name: string; generation: number }[]).map((p) => [p.name, p.generation]));
  const started = await request('POST', '/admin/projections/rebuild', { as: 'maintainer', body: {} });
  if (started.status !== 202) throw new Error(`POST /admin/projections/rebuild: ${started.status} ${started.text}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await request('GET', '/admin/projections', { as: 'maintainer' });
    const items = status.body.items as { name: string; generation: number; rebuilding: unknown }[];
    if (items.every((p) => p.rebuilding === null && p.generation > generations.get(p.name)!)) return;
    if (Date.now() > deadline) throw new Error(`the rebuild did not finish within ${timeoutMs} ms: ${status.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
