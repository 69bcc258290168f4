// Browser tests of the fact-checker UI (apps/api/public) against the REAL server on the seeded store.
// Needs Debian's chromium at /usr/bin/chromium (CI installs it); without it the suite fails, it does not skip.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, TEST_KEYS, type TestApp } from '../support/app.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const DOCS = join(ROOT, 'docs');

/** The few browser globals used inside page.evaluate (the project's tsconfig has no DOM lib); erased at run time. */
interface El {
  id: string;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  classList: { contains(name: string): boolean };
}
interface W {
  document: {
    activeElement: El | null;
    documentElement: { scrollWidth: number };
    querySelector(selector: string): El | null;
    querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
  };
  innerWidth: number;
  getComputedStyle(el: El): { whiteSpace: string };
  __sameDocument?: string;
}

let t: TestApp;
let base: string;
let browser: Browser;
let context: BrowserContext;

interface TimelineEntry {
  assertionId: string;
  sourceId: string;
  quote: { exact: string };
  status: string;
}

async function http<T = unknown>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The S-400 "remaining deliveries due" claim of the seeds, found the way a user would: by searching. */
async function remainingDeliveriesClaim(): Promise<{ claimId: string; entries: TimelineEntry[] }> {
  const { body } = await http<{ items: { claimId: string; subject: string; predicate: string }[] }>('/claims?q=remaining');
  const claim = body.items.find((c) => /S-400/.test(c.subject) && /remaining deliveries/.test(c.predicate));
  if (!claim) throw new Error(`no S-400 remaining-deliveries claim among ${JSON.stringify(body.items.map((c) => `${c.subject} — ${c.predicate}`))}`);
  const timeline = await http<{ entries: TimelineEntry[] }>(`/claims/${claim.claimId}/timeline`);
  return { claimId: claim.claimId, entries: timeline.body.entries };
}

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { jsErrors: string[] }).jsErrors = errors;
  return page;
}

const jsErrors = (page: Page): string[] => (page as Page & { jsErrors: string[] }).jsErrors;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM} (Debian package "chromium": apt-get install -y chromium). CI installs it; they are not skipped.`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createTestApp({ CLAIMLINE_SEED: 'true' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ baseURL: base, reducedMotion: 'reduce' });
  context.setDefaultTimeout(10_000);
}, 60_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await t?.close();
});

describe('fact-checker UI', () => {
  test('the claims list shows the seeded claims with status badges, sources and last change; search narrows it', async () => {
    const page = await newPage();
    await page.goto('/');
    await page.locator('.claim-row').first().waitFor();
    expect(await page.locator('.claim-row').count()).toBeGreaterThan(5);
    const first = page.locator('.claim-row').first();
    expect(await first.locator('.badge').innerText()).toMatch(/settled|revised|contested/i);
    expect(await first.locator('dl').innerText()).toMatch(/Sources/);
    expect(await first.locator('dl').innerText()).toMatch(/Last change/);

    const all = await page.locator('.claim-row').count();
    await page.fill('#q', 'remaining');
    await page.waitForFunction((n) => (globalThis as unknown as W).document.querySelectorAll('.claim-row').length < n, all);
    const texts = await page.locator('.claim-row h2').allInnerTexts();
    expect(texts.some((x) => /remaining deliveries due/.test(x))).toBe(true);
    expect(page.url()).toContain('q=remaining');
    await page.screenshot({ path: join(ARTIFACTS, 'claims-list.png') });
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('search finds what a fact-checker types, best match first, the words found marked; punctuation alone is refused in words', async () => {
    const page = await newPage();
    await page.goto('/');
    await page.locator('.claim-row').first().waitFor();
    await page.fill('#q', 'delivery S400');
    await page.waitForFunction(() => (globalThis as unknown as W).document.querySelector('.claim-row h2 mark') !== null);
    const first = page.locator('.claim-row').first();
    expect(await first.locator('h2').innerText()).toMatch(/S-400 contract of 2018 — remaining deliveries due/);
    expect(await first.locator('h2 mark').allInnerTexts()).toEqual(['S-400', 'deliveries']);
    expect(await page.locator('#claims-heading ~ p[role="status"]').innerText()).toMatch(/best match first/);
    expect(page.url()).toContain('q=delivery+S400');

    await page.fill('#q', '"war in Ukraine"');
    await page.waitForFunction(() => (globalThis as unknown as W).document.querySelector('.claim-row .found mark')?.textContent === 'war in Ukraine');
    expect(await page.locator('.claim-row').first().locator('.found').innerText()).toMatch(/value: .*the war in Ukraine/);

    // Typing: the last word is a prefix until a space ends it.
    await page.fill('#q', 'S-400 deliv');
    await page.waitForFunction(() => (globalThis as unknown as W).document.querySelector('.claim-row h2')?.textContent?.includes('remaining deliveries due') === true);
    expect(await page.locator('.claim-row').first().locator('h2 mark').allInnerTexts()).toEqual(['S-400', 'deliveries']);
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'claims-search.png') });
    await page.screenshot({ path: join(DOCS, 'claims-search.png') });

    await page.fill('#q', '"*"');
    await page.waitForFunction(() => /no word to search for/.test((globalThis as unknown as W).document.querySelector('#claims-heading ~ p[role="status"]')?.textContent ?? ''));
    expect(await page.locator('.claim-row').count()).toBe(0);

    await page.goto('/#/sources');
    await page.locator('#source-q').waitFor();
    await page.fill('#source-q', 'Manekshaw');
    await page.waitForFunction(() => (globalThis as unknown as W).document.querySelectorAll('tbody tr').length === 1);
    expect(await page.locator('tbody tr .source-found mark').allInnerTexts()).toEqual(['Manekshaw']);
    await page.screenshot({ path: join(ARTIFACTS, 'sources-search.png') });
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('the claims list leads with what changed: revised and contested claims first, each with the change in words', async () => {
    const page = await newPage();
    await page.goto('/');
    await page.locator('.claim-row').first().waitFor();
    const statuses = await page.locator('.claim-row').evaluateAll((rows) => rows.map((r) => (r as unknown as El).dataset.status));
    const rank = (s: string | undefined) => ({ contested: 0, revised: 1, settled: 2 })[s as 'settled'] ?? 3;
    expect(statuses.map(rank)).toEqual([...statuses.map(rank)].sort());
    const changed = statuses.filter((s) => s !== 'settled').length;
    expect(changed).toBeGreaterThanOrEqual(2);
    const changes = await page.locator('.claim-row .change').allInnerTexts();
    expect(changes).toHaveLength(changed);
    expect(changes.join('\n')).toContain('deadline moved later: by September 2026 → by 2026–27');
    expect(changes.join('\n')).toContain('moved later: mid-2025 → 4 December 2025');
    expect(await page.locator('.claim-row').first().locator('.badge').innerText()).toMatch(/revised|contested/i);
    expect(await page.locator('#claims-heading ~ p[role="status"]').innerText()).toMatch(/the \d+ that changed come first/);
    await page.screenshot({ path: join(ARTIFACTS, 'claims-changed-first.png') });

    // The contract value reads $5.43 billion, supported by the three sources, one less precisely.
    const { body } = await http<{ items: { claimId: string; predicate: string; subject: string }[] }>('/claims?q=S-400%20contract&limit=50');
    const contract = body.items.find((c) => c.predicate === 'contract value')!;
    await page.goto(`/#/claims/${contract.claimId}`);
    await page.locator('#current-support').waitFor();
    expect(await page.locator('#current-value strong').innerText()).toMatch(/5\.43 billion/);
    expect(await page.locator('#current-support').innerText()).toMatch(/states it.*states it.*less precisely|less precisely.*states it.*states it|states it.*less precisely.*states it/);
    expect(await page.locator('#claim-change').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'claim-contract-value.png') });
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('the claim page plots one mark per assertion and lists the timeline as text', async () => {
    const { claimId, entries } = await remainingDeliveriesClaim();
    expect(entries.length).toBeGreaterThan(0);
    const page = await newPage();
    await page.goto(`/#/claims/${claimId}`);
    await page.locator('svg.plot .mark').first().waitFor();
    const marks = page.locator('svg.plot .mark');
    expect(await marks.count()).toBe(entries.length);
    for (const e of entries) {
      const mark = page.locator(`svg.plot .mark[data-assertion-id="${e.assertionId}"]`);
      expect(await mark.count()).toBe(1);
      expect((await mark.locator('title').first().textContent())?.length).toBeGreaterThan(0);
      const entry = page.locator(`ol.timeline > li[data-assertion-id="${e.assertionId}"]`);
      expect(await entry.locator('blockquote').innerText()).toContain(e.quote.exact.slice(0, 40));
      expect(await entry.locator(`a[href^="#/sources/${e.sourceId}"]`).count()).toBe(1);
    }
    expect(await page.locator('.legend li').count()).toBeGreaterThan(0);
    // The card's story: the deadline slipped, said in words under the status.
    expect(await page.locator('.claim-head .badge').innerText()).toMatch(/revised/i);
    expect(await page.locator('#claim-change').innerText()).toBe('deadline moved later: by September 2026 → by 2026–27');
    // A relation between consecutive live assertions is drawn and told in words.
    if (entries.filter((e) => e.status === 'live').length > 1) {
      expect(await page.locator('svg.plot .relation').count()).toBeGreaterThan(0);
      expect(await page.locator('.relation-note').count()).toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'claim-page.png'), fullPage: true });
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, 'claim-page.png') });

    // Selecting a mark with the keyboard moves to its entry in the text.
    await marks.first().focus();
    await page.keyboard.press('Enter');
    const firstId = await marks.first().getAttribute('data-assertion-id');
    await page.waitForFunction((id) => (globalThis as unknown as W).document.activeElement?.dataset?.assertionId === id, firstId);

    // The as-of slider goes back to when the claim was opened (nothing recorded yet) and forward again.
    const slider = page.locator('#asof');
    await slider.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => (globalThis as unknown as W).document.querySelectorAll('svg.plot .mark').length === 0 && !!(globalThis as unknown as W).document.querySelector('.asof.past'));
    expect(page.url()).toContain('asOf=');
    await page.locator('#asof').focus();
    await page.keyboard.press('End');
    await page.waitForFunction((n) => (globalThis as unknown as W).document.querySelectorAll('svg.plot .mark').length === n, entries.length);
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('from the discrepancies page a link leads to the source with the quote highlighted', async () => {
    const { body } = await http<{ items: { later: { assertionId: string; sourceId: string } }[] }>('/discrepancies?status=open');
    expect(body.items.length).toBeGreaterThan(0);
    const page = await newPage();
    await page.goto('/#/discrepancies');
    const card = page.locator('.disc').first();
    await card.waitFor();
    expect(await card.locator('.side').count()).toBe(2);
    expect(await card.locator('.side blockquote').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'discrepancies.png') });
    const link = card.locator('.side').nth(1).locator('a.source-link');
    const assertionId = await link.getAttribute('data-assertion-id');
    expect(assertionId).toBeTruthy();
    await link.click();
    await page.waitForURL(/#\/sources\//);
    const mark = page.locator(`mark[data-assertion-id="${assertionId}"]`).first();
    await mark.waitFor({ state: 'visible' });
    expect(await mark.isVisible()).toBe(true);
    expect(await mark.evaluate((el: El) => el.classList.contains('highlighted'))).toBe(true);
    // The marked passage is the quote itself, read from the stored selector.
    const { body: source } = await http<{ text: string; citedBy: { assertionId: string; quote: { exact: string } }[] }>(`/sources/${(/#\/sources\/([^?]+)/.exec(page.url()) ?? [])[1]}`);
    const exact = source.citedBy.find((c) => c.assertionId === assertionId)!.quote.exact;
    const marked = await page.evaluate((id) => [...(globalThis as unknown as W).document.querySelectorAll(`mark[data-assertion-id="${id}"]`)].map((m: El) => m.textContent).join(''), assertionId);
    expect(marked.replace(/\[\d+\]/g, '')).toContain(exact.slice(0, 30));
    // Whitespace of the article is kept.
    expect(await page.locator('.article-text').evaluate((el: El) => (globalThis as unknown as W).getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    await page.screenshot({ path: join(ARTIFACTS, 'source-highlight.png') });
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('an assertion posted over the API appears live on the open claim page, without a reload', async () => {
    const { claimId, entries } = await remainingDeliveriesClaim();
    const page = await newPage();
    await page.goto(`/#/claims/${claimId}`);
    await page.locator('svg.plot .mark').first().waitFor();
    await page.locator('#live[data-state="live"]').waitFor();
    await page.evaluate(() => ((globalThis as unknown as W).__sameDocument = 'yes'));
    const before = await page.locator('svg.plot .mark').count();
    expect(before).toBe(entries.length);

    const quoted = entries[entries.length - 1]!;
    const res = await http<{ assertionId: string }>(`/claims/${claimId}/assertions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEYS.editor}` },
      body: JSON.stringify({
        sourceId: quoted.sourceId,
        quote: { exact: quoted.quote.exact },
        value: { text: 'by December 2026' },
        saidAt: '2025-12-20',
        speaker: 'browser test',
        modality: 'expected',
        note: 'posted by test/browser/ui.spec.ts',
      }),
    });
    expect(res.status).toBe(201);
    const newId = res.body.assertionId;
    await page.locator(`svg.plot .mark[data-assertion-id="${newId}"]`).waitFor({ state: 'visible' });
    expect(await page.locator('svg.plot .mark').count()).toBe(before + 1);
    expect(await page.locator(`ol.timeline > li[data-assertion-id="${newId}"]`).innerText()).toContain('by December 2026');
    expect(await page.evaluate(() => (globalThis as unknown as W).__sameDocument)).toBe('yes');
    await page.screenshot({ path: join(ARTIFACTS, 'claim-live.png'), fullPage: true });
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });

  test('keyboard and small screens: a skip link, landmarks, no sideways scrolling on a phone', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto('/');
    await page.locator('.claim-row').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as W).document.activeElement?.textContent)).toMatch(/Skip to content/);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as unknown as W).document.activeElement?.id)).toBe('main');
    expect(await page.locator('header, nav[aria-label], main, footer').count()).toBe(4);
    for (const route of ['/', '/#/discrepancies']) {
      await page.goto(route);
      await page.locator('main h1').waitFor();
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => (globalThis as unknown as W).document.documentElement.scrollWidth - (globalThis as unknown as W).innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'phone-discrepancies.png') });
    expect(jsErrors(page)).toEqual([]);
    await page.close();
  });
});

describe('fact-checker UI: what a new user ran into (issue 13)', () => {
  /** A page that also keeps what the console reported as errors (a Content-Security-Policy refusal is one). */
  async function watchedPage(): Promise<{ page: Page; consoleErrors: string[] }> {
    const page = await newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    return { page, consoleErrors };
  }

  test('a claim with no assertions says so, on its page and in the list, rather than "settled"', async () => {
    const opened = await http<{ id: string }>('/claims', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEYS.editor}` },
      body: JSON.stringify({ subject: 'Zircon missiles for India', predicate: 'delivery year', valueType: 'date' }),
    });
    expect(opened.status).toBe(201);
    const { page, consoleErrors } = await watchedPage();
    await page.goto(`/#/claims/${opened.body.id}`);
    await page.locator('.claim-head .badge').waitFor();
    expect(await page.locator('.claim-head .badge').innerText()).toMatch(/^no assertions$/i);
    await page.screenshot({ path: join(ARTIFACTS, 'claim-empty.png') });
    await page.goto('/#/?q=Zircon');
    await page.locator('.claim-row .badge').first().waitFor();
    expect(await page.locator('.claim-row .badge').allInnerTexts()).toEqual([expect.stringMatching(/^no assertions$/i)]);
    expect([jsErrors(page), consoleErrors]).toEqual([[], []]);
    await page.close();
  });

  test('the as-of slider names each of its stops differently: what changed, and when', async () => {
    const { claimId, entries } = await remainingDeliveriesClaim();
    const { page, consoleErrors } = await watchedPage();
    await page.goto(`/#/claims/${claimId}`);
    await page.locator('svg.plot .mark').first().waitFor();
    const slider = page.locator('#asof');
    const stops = Number(await slider.getAttribute('max'));
    expect(stops).toBeGreaterThanOrEqual(entries.length);
    // Each stop's words, as the slider tells them (to the eye and to a screen reader) when moved there.
    const labels = await page.evaluate((max) => {
      const input = (globalThis as unknown as W).document.querySelector('#asof') as unknown as El & { value: string; dispatchEvent(e: unknown): boolean; getAttribute(name: string): string | null };
      const words: string[] = [];
      for (let i = 0; i <= max; i++) {
        input.value = String(i);
        input.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event('input'));
        words.push(input.getAttribute('aria-valuetext') ?? '');
      }
      return words;
    }, stops);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toMatch(new RegExp(`^1 of ${stops}: claim opened, \\d+ \\w+ \\d{4}`));
    expect(labels[1]).toMatch(new RegExp(`^2 of ${stops}: recorded “.+” \\(.+\\), `));
    expect(labels.at(-1)).toBe('now (latest)');
    // The second stop, as a reader sees it once the page has followed.
    await page.evaluate(() => {
      const input = (globalThis as unknown as W).document.querySelector('#asof') as unknown as { value: string; dispatchEvent(e: unknown): boolean };
      input.value = '1';
      input.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event('input'));
    });
    await page.waitForFunction(() => !!(globalThis as unknown as W).document.querySelector('.asof.past') && (globalThis as unknown as W).document.querySelector('#asof-output')?.textContent?.startsWith('2 of') === true);
    await page.locator('.asof').screenshot({ path: join(ARTIFACTS, 'claim-asof.png') });
    expect([jsErrors(page), consoleErrors]).toEqual([[], []]);
    await page.close();
  });

  test('Devanagari in a source text is drawn with a font that has it, not as boxes', async () => {
    const { body } = await http<{ items: { id: string; publisher: string | null }[] }>('/sources?q=Business');
    const source = body.items.find((s) => s.publisher === 'Business Standard')!;
    const { page, consoleErrors } = await watchedPage();
    await page.goto(`/#/sources/${source.id}`);
    const article = page.locator('.article-text');
    await article.waitFor();
    expect(await article.innerText()).toContain('हिंदी में पढें');
    // Which fonts Chromium actually drew the article with (CSS.getPlatformFontsForNode).
    const cdp = await page.context().newCDPSession(page);
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1 })) as { root: { nodeId: number } };
    await cdp.send('CSS.enable');
    const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '.article-text' })) as { nodeId: number };
    const fonts = new Set<string>();
    const visit = async (id: number): Promise<void> => {
      const { fonts: used } = (await cdp.send('CSS.getPlatformFontsForNode', { nodeId: id })) as { fonts: { familyName: string }[] };
      for (const f of used) fonts.add(f.familyName);
      const { node } = (await cdp.send('DOM.describeNode', { nodeId: id, depth: 1 })) as { node: { children?: { nodeId?: number; nodeType: number }[] } };
      for (const child of node.children ?? []) if (child.nodeType === 1 && child.nodeId) await visit(child.nodeId);
    };
    await visit(nodeId);
    expect([...fonts]).toEqual(expect.arrayContaining([expect.stringMatching(/Devanagari/)]));
    await page.screenshot({ path: join(ARTIFACTS, 'source-devanagari.png') });
    expect([jsErrors(page), consoleErrors]).toEqual([[], []]);
    await page.close();
  });

  test('the UI and the API documentation work under the Content-Security-Policy, which forbids framing them', async () => {
    const { page, consoleErrors } = await watchedPage();
    const docs = await page.goto('/docs');
    expect(docs?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.locator('.swagger-ui .opblock').first().waitFor();
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(20);
    await page.screenshot({ path: join(ARTIFACTS, 'docs.png') });
    // A page elsewhere cannot frame the UI.
    await page.setContent(`<iframe src="${base}/"></iframe>`);
    await page.waitForTimeout(500);
    const framed = page.frames().find((f) => f.url().startsWith(base));
    expect(await framed?.locator('main').count().catch(() => 0) ?? 0).toBe(0);
    expect(jsErrors(page)).toEqual([]);
    expect(consoleErrors.filter((e) => !/frame-ancestors|Refused to display|refused to connect/i.test(e))).toEqual([]);
    await page.close();
  });
});
