// The editor's workbench in Debian's chromium against the REAL server on the seeded store: an editor
// pastes a new article (written for this test), accepts two suggestions, records one passage by
// selecting it, and the claim pages show the new assertions with their relations. Errors, the 412
// reload and the read-only pages without a key are checked too. Screenshots in test/artifacts/.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { seedId } from '#claims';
import { createTestApp, TEST_KEYS, type TestApp } from '../support/app.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const DOCS = join(ROOT, 'docs');

const ARTICLE = {
  title: 'Russia sets June 2027 for the last S-400 squadrons',
  publisher: 'The Workbench Test Gazette',
  publishedAt: '2026-04-13',
  text: [
    'Russia sets June 2027 for the last S-400 squadrons',
    '',
    'New Delhi: Russia will deliver the last two S-400 squadrons to India by June 2027, a senior defence official said on Monday. Four squadrons of the Triumf system are already in service with the Indian Air Force.',
    'India is still weighing the S-500, the official added, but no talks on a purchase have begun.',
  ].join('\n'),
};
const BY_HAND = 'India is still weighing the S-500';
const NEW_CLAIM_PASSAGE = 'no talks on a purchase have begun';

/** Browser globals used inside page.evaluate (the project's tsconfig has no DOM lib); erased at run time. */
interface Doc {
  getElementById(id: string): { firstChild: unknown; childNodes: ArrayLike<{ nodeType: number; textContent: string | null }> } | null;
  createRange(): { setStart(node: unknown, offset: number): void; setEnd(node: unknown, offset: number): void };
  getSelection(): { removeAllRanges(): void; addRange(range: unknown): void } | null;
  querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null;
}
declare const MouseEvent: new (type: string, init: { bubbles: boolean }) => unknown;

let t: TestApp;
let base: string;
let browser: Browser;
let context: BrowserContext;

async function http<T = unknown>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function newPage(): Promise<Page & { jsErrors: string[] }> {
  const page = (await context.newPage()) as Page & { jsErrors: string[] };
  await page.setViewportSize({ width: 1366, height: 950 });
  page.jsErrors = [];
  page.on('pageerror', (e) => page.jsErrors.push(e.message));
  return page;
}

async function signIn(page: Page): Promise<void> {
  await page.goto('/#/workbench');
  await page.fill('#editor-key', TEST_KEYS.editor);
  await page.click('form.editor-key button[type=submit]');
  await page.locator('form.register-source').waitFor();
}

/** The suggestion card whose value words are `words`. */
const card = (page: Page, words: string) => page.locator('li.suggestion', { has: page.locator('h3 .value', { hasText: words }) }).first();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The browser tests need Chromium at ${CHROMIUM} (Debian package "chromium").`);
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createTestApp({ CLAIMLINE_SEED: 'true' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'] });
  context = await browser.newContext({ baseURL: base, reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await t?.close();
});

describe("editor's workbench", () => {
  test('an editor pastes a new article, accepts two suggestions, records a selected passage, and the claim pages show them', async () => {
    const page = await newPage();
    await signIn(page);
    expect(await page.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href)).not.toContain(TEST_KEYS.editor);

    await page.fill('#src-title', ARTICLE.title);
    await page.fill('#src-publisher', ARTICLE.publisher);
    await page.fill('#src-published', ARTICLE.publishedAt);
    await page.fill('#src-text', ARTICLE.text);
    await page.click('form.register-source button[type=submit]');
    await page.locator('li.suggestion').first().waitFor();
    const sourceId = decodeURIComponent(page.url().split('#/workbench/')[1]!);

    // Every suggestion is highlighted in the article, which reads exactly as pasted.
    expect(await page.locator('#wb-article').innerText()).toBe(ARTICLE.text);
    expect(await page.locator('#wb-article mark.suggested').count()).toBe(await page.locator('li.suggestion').count());
    await expect(card(page, 'by June 2027').locator('select[name=claim] option:checked').innerText()).resolves.toMatch(/remaining deliveries due/);
    // The record's current deadline is "by 2026–27" (Business Standard's April–March year: by March 2027), so June 2027 is later.
    await expect(card(page, 'by June 2027').locator('.relation .badge').innerText()).resolves.toMatch(/generalizes/i);
    await expect(card(page, 'by June 2027').locator('.relation').innerText()).resolves.toMatch(/moved later/i);
    await page.screenshot({ path: join(ARTIFACTS, 'workbench-suggestions.png'), fullPage: true });

    await card(page, 'by June 2027').locator('[data-action=accept]').click();
    await card(page, 'by June 2027').locator('.recorded-badge').waitFor();
    await card(page, 'Four squadrons').locator('[data-action=accept]').click();
    await card(page, 'Four squadrons').locator('.recorded-badge').waitFor();

    // A passage no suggestion covers, recorded by selecting it: the quote comes from the selection.
    const select = (passage: string) => page.evaluate((passage) => {
      const doc = (globalThis as unknown as { document: Doc }).document;
      const article = doc.getElementById('wb-article')!;
      const node = Array.from(article.childNodes).find((n) => n.nodeType === 3 && (n.textContent ?? '').includes(passage))!;
      const at = (node.textContent ?? '').indexOf(passage);
      const range = doc.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + passage.length);
      doc.getSelection()!.removeAllRanges();
      doc.getSelection()!.addRange(range);
      doc.querySelector('#wb-article')!.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    }, passage);
    await select(BY_HAND);
    await page.locator('form.selection-form').waitFor();
    expect(await page.locator('form.selection-form blockquote').innerText()).toBe(BY_HAND);
    const s500 = seedId('claim', 's500-procurement');
    await page.selectOption('#sel-claim', s500);
    await page.fill('#sel-value', 'under consideration');
    await page.fill('#sel-speaker', 'a senior defence official');
    await page.selectOption('#sel-modality', 'reported');
    await page.screenshot({ path: join(ARTIFACTS, 'workbench-selection.png'), fullPage: true });
    await page.click('form.selection-form button[type=submit]');
    await page.locator('#selection-panel [role=status]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'workbench-recorded.png'), fullPage: true });

    // Another passage, into a claim opened from the same form.
    await select(NEW_CLAIM_PASSAGE);
    await page.locator('form.selection-form').waitFor();
    await page.selectOption('#sel-claim', '__new');
    await page.fill('#sel-new-subject', 'S-500 purchase talks with Russia');
    await page.fill('#sel-new-predicate', 'status');
    await page.selectOption('#sel-new-type', 'text');
    await page.fill('#sel-value', 'not begun');
    await page.click('form.selection-form button[type=submit]');
    await page.locator('#selection-panel [role=status]').waitFor();
    const opened = await http<{ items: { claimId: string; subject: string; counts: { live: number } }[] }>(`/claims?q=${encodeURIComponent('S-500 purchase talks')}`);
    expect(opened.body.items).toEqual([expect.objectContaining({ subject: 'S-500 purchase talks with Russia', counts: expect.objectContaining({ live: 1 }) })]);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, 'workbench.png') });

    // The claim pages show the new assertions with their relations.
    const due = seedId('claim', 's400-remaining-deliveries-due');
    await page.goto(`/#/claims/${due}`);
    const entry = page.locator('li.entry', { hasText: 'by June 2027' });
    await entry.waitFor();
    expect(await entry.locator('.relation-note').innerText()).toMatch(/refines|overlaps|generalizes|contradicts|same/);
    expect(await entry.innerText()).toContain('senior defence official');
    await page.screenshot({ path: join(ARTIFACTS, 'workbench-claim-page.png'), fullPage: true });
    const delivered = await http<{ entries: { value: { text: string }; sourceId: string; relationToPrevious: { relation: string } | null }[] }>(`/claims/${seedId('claim', 's400-units-delivered')}/timeline`);
    expect(delivered.body.entries.find((e) => e.sourceId === sourceId)).toMatchObject({ value: { text: 'Four squadrons' }, relationToPrevious: { relation: 'contradicts' } });
    const byHand = await http<{ entries: { quote: { exact: string }; sourceId: string; value: { text: string } }[] }>(`/claims/${s500}/timeline`);
    expect(byHand.body.entries.find((e) => e.sourceId === sourceId)).toMatchObject({ quote: { exact: BY_HAND }, value: { text: 'under consideration' } });
    expect(page.jsErrors).toEqual([]);
    await page.close();
  });

  test("a refused write shows the API's own error naming the field, and a stale revision offers a reload", async () => {
    const page = await newPage();
    await signIn(page);
    const due = seedId('claim', 's400-remaining-deliveries-due');
    await page.goto(`/#/claims/${due}`);
    const first = page.locator('li.entry').first();
    await first.locator('[data-action=correct]').waitFor();

    // 400: a correction without its reason.
    await first.locator('[data-action=correct]').click();
    await first.locator('input[name=speaker]').fill('someone else');
    await first.locator('form.inline-edit button[type=submit]').click();
    await first.locator('.problem').waitFor();
    expect(await first.locator('.problem').getAttribute('data-status')).toBe('400');
    expect(await first.locator('.problem [data-field]').first().getAttribute('data-field')).toMatch(/reason/);

    // 412: the claim changed after the page was drawn (another editor's write).
    const claim = await http<{ revision: number }>(`/claims/${due}`);
    const timeline = await http<{ entries: { assertionId: string; status: string }[] }>(`/claims/${due}/timeline`);
    const other = timeline.body.entries.filter((e) => e.status === 'live').at(-1)!;
    const retracted = await http(`/claims/${due}/assertions/${other.assertionId}/retractions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEYS.editor}`, 'content-type': 'application/json', 'if-match': `"${claim.body.revision}"` },
      body: JSON.stringify({ kind: 'recorded-in-error', reason: 'a concurrent edit for the test' }),
    });
    expect(retracted.status).toBe(201);
    await first.locator('input[name=reason]').fill('the speaker was misread');
    await first.locator('form.inline-edit button[type=submit]').click();
    await page.locator('.problem[data-status="412"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'workbench-412.png'), fullPage: true });
    await page.locator('.problem[data-status="412"] [data-action=reload]').click();
    await page.locator('.problem[data-status="412"]').waitFor({ state: 'detached' });

    // A new text version: the same text again is refused (409, naming the text); a changed one is registered.
    const sourceId = seedId('source', '2025-12-irigc-22-s400-september-2026');
    await page.goto(`/#/workbench/${sourceId}`);
    const revision = page.locator('details', { hasText: 'new text version' });
    await revision.locator('summary').click();
    await revision.locator('button[type=submit]').click();
    await revision.locator('.problem[data-status="409"] [data-field=text]').waitFor();
    const text = await revision.locator('#rev-text').inputValue();
    await revision.locator('#rev-text').fill(text.replace('by September 2026', 'by October 2026'));
    await revision.locator('#rev-reason').fill('the outlet moved the date');
    await revision.locator('button[type=submit]').click();
    await page.locator('li.suggestion h3 .value', { hasText: 'by October 2026' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('text version 2');
    expect(page.jsErrors).toEqual([]);
    await page.close();
  });

  test('signing in draws the workbench once: a slow answer to an earlier draw does not wipe what the editor has begun to type', async () => {
    const page = await newPage();
    // The first list of sources the page asks for is slow (a large archive), later ones are not.
    let asked = 0;
    await page.route(
      (url) => url.pathname === '/sources' && url.searchParams.get('limit') === '500',
      async (route) => {
        if (asked++ === 0) await new Promise((resolve) => setTimeout(resolve, 800));
        await route.continue();
      },
    );
    await signIn(page);
    await page.fill('#src-title', ARTICLE.title);
    await page.waitForTimeout(1200);
    expect(await page.inputValue('#src-title')).toBe(ARTICLE.title);
    expect(await page.locator('form.register-source').count()).toBe(1);
    expect(asked).toBe(1);
    expect(page.jsErrors).toEqual([]);
    await page.close();
  });

  test('a reader without a key sees the read-only pages: no workbench link in the header, no edit buttons', async () => {
    const page = await newPage();
    await page.goto(`/#/claims/${seedId('claim', 's400-remaining-deliveries-due')}`);
    await page.locator('li.entry').first().waitFor();
    expect(await page.locator('[data-action=correct], [data-action=retract], .verdict-form, nav [data-editor]').count()).toBe(0);
    await page.goto('/#/workbench');
    await page.locator('#editor-key').waitFor();
    expect(await page.locator('form.register-source').count()).toBe(0);
    expect(page.jsErrors).toEqual([]);
    await page.close();
  });
});
