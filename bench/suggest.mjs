#!/usr/bin/env node
/**
 * Intake suggestions (GET /sources/:id/suggestions), on the built app in this process with the
 * seeds loaded:
 *
 * 1. a 5,000-word article (the evaluation articles of test/intake, repeated): the time per
 *    article, p50 and p99 over 20 runs, beside the time to parse that article's values alone
 *    (parseValue on every value phrase the suggestions found, same context), measured in the same
 *    run; ratio = suggestions / parsing.
 * 2. a source of about 1 MB, read page by page (500 suggestions an answer): the time per page and
 *    in all, and the longest the event loop was held meanwhile (perf_hooks event-loop delay of this
 *    process, which is server and client at once, and the slowest of GET /health sent every 10 ms).
 * 3. finding dates in running text: chrono-node's parse() against the intake finder, on the date
 *    items of the evaluation set (found = overlapping the expected words) and on time.
 *
 *   npm run build && node bench/suggest.mjs            # prints JSON, writes bench/results-suggest.json
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as chrono from 'chrono-node';
import { dist, EDITOR_KEY, API_KEYS, here, load, machine, repo, round } from './common.mjs';

const { createApp } = await import(dist('apps/api/src/app.js'));
const { configFromEnv } = await import(dist('apps/api/src/config.js'));
const { parseValue, parseDate } = await import(dist('libs/domain/src/index.js'));
const { findValues } = await import(dist('libs/domain/src/intake/find-values.js'));

const RUNS = 20;
const articlesDir = join(repo, 'test', 'intake', 'articles');
const cases = JSON.parse(readFileSync(join(repo, 'test', 'intake', 'cases.json'), 'utf8')).cases;
const articles = readdirSync(articlesDir).sort().map((f) => readFileSync(join(articlesDir, f), 'utf8'));
const words = (t) => t.split(/\s+/).filter(Boolean).length;

function textOf(targetWords) {
  const parts = [];
  let n = 0;
  for (let i = 0; n < targetWords; i += 1) {
    const a = articles[i % articles.length];
    parts.push(a);
    n += words(a);
  }
  return parts.join('\n\n');
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

const dataDir = mkdtempSync(join(tmpdir(), 'claimline-bench-suggest-'));
const config = configFromEnv({ CLAIMLINE_DATA_DIR: dataDir, CLAIMLINE_SEED: 'true', CLAIMLINE_SEED_DIR: join(repo, 'seeds'), CLAIMLINE_API_KEYS: API_KEYS, CLAIMLINE_RATE_LIMIT: '0', LOG_LEVEL: 'silent' });
const { app } = await createApp(config, { logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;

async function register(title, text) {
  const res = await fetch(`${base}/sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${EDITOR_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title, publisher: 'Bench', publishedAt: '2026-01-14', text }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

async function suggestions(id, from = 0) {
  const res = await fetch(`${base}/sources/${id}/suggestions?from=${from}`);
  if (res.status !== 200) throw new Error(`suggestions: ${res.status}`);
  return res.json();
}

const loadBefore = load();

// 1. A 5,000-word article: suggestions against parsing its values alone.
const article = textOf(5000);
const articleId = await register('5,000 words', article);
const first = await suggestions(articleId); // the first call also builds the candidate claims (cached until a claim changes)
const saidAt = parseDate('2026-01-14').bounds;
const phrases = [...first.suggestions.map((s) => [s.value.type, s.value.text]), ...first.unread.map((u) => [u.type, u.text])];
const suggestMs = [];
const parseMs = [];
for (let i = 0; i < RUNS; i += 1) {
  let t = performance.now();
  await suggestions(articleId);
  suggestMs.push(performance.now() - t);
  t = performance.now();
  for (const [type, text] of phrases) {
    try {
      parseValue({ type, text }, { saidAt });
    } catch {
      // refused words cost their refusal, as in the suggestions
    }
  }
  parseMs.push(performance.now() - t);
}

// 2. About 1 MB: total time and the longest the event loop was held.
const big = textOf(170_000).slice(0, 999_000);
const bigId = await register('1 MB', big);
const delay = monitorEventLoopDelay({ resolution: 5 });
let slowestHealth = 0;
let pings = 0;
let running = true;
const pinger = (async () => {
  while (running) {
    const t = performance.now();
    await fetch(`${base}/health`).then((r) => r.arrayBuffer());
    slowestHealth = Math.max(slowestHealth, performance.now() - t);
    pings += 1;
    await new Promise((r) => setTimeout(r, 10));
  }
})();
delay.enable();
const t0 = performance.now();
const pageMs = [];
let bigSuggestions = 0;
for (let from = 0; from !== null; ) {
  const t = performance.now();
  const page = await suggestions(bigId, from);
  pageMs.push(performance.now() - t);
  bigSuggestions += page.suggestions.length;
  from = page.next;
}
const bigMs = performance.now() - t0;
delay.disable();
running = false;
await pinger;

// 3. Dates in running text: chrono-node against the intake finder, on the evaluation's date items.
const dateItems = [];
for (const c of cases) {
  const text = readFileSync(join(articlesDir, c.file), 'utf8');
  for (const e of c.expected) {
    const around = e.in ?? e.value;
    const at = text.indexOf(around) + around.indexOf(e.value);
    if (/^(date)$/.test(seedType(e.claim))) dateItems.push({ text, start: at, end: at + e.value.length, publishedAt: c.publishedAt, value: e.value });
  }
}
function seedType(claimKey) {
  return JSON.parse(readFileSync(join(repo, 'seeds', 'claims.json'), 'utf8')).claims.find((c) => c.key === claimKey).valueType;
}
const overlaps = (a, b) => a.start < b.end && b.start < a.end;
const reader = (saidAtBounds) => (type, text) => {
  try {
    return parseValue({ type, text }, { saidAt: saidAtBounds });
  } catch (e) {
    return { refused: e.message };
  }
};
let chronoFound = 0;
let finderFound = 0;
const chronoMissed = [];
const finderMissed = [];
for (const item of dateItems) {
  const ref = new Date(`${item.publishedAt}T12:00:00Z`);
  const byChrono = chrono.parse(item.text, ref).some((r) => overlaps({ start: r.index, end: r.index + r.text.length }, item));
  const bounds = parseDate(item.publishedAt).bounds;
  const byFinder = findValues(item.text, { start: 0, end: item.text.length }, reader(bounds)).found.some((m) => m.type === 'date' && overlaps(m, item));
  if (byChrono) chronoFound += 1;
  else chronoMissed.push(item.value);
  if (byFinder) finderFound += 1;
  else finderMissed.push(item.value);
}
const chronoMs = [];
const finderMs = [];
const bounds = parseDate('2026-01-14').bounds;
for (let i = 0; i < RUNS; i += 1) {
  let t = performance.now();
  chrono.parse(article, new Date('2026-01-14T12:00:00Z'));
  chronoMs.push(performance.now() - t);
  t = performance.now();
  findValues(article, { start: 0, end: article.length }, reader(bounds));
  finderMs.push(performance.now() - t);
}

await app.close();
rmSync(dataDir, { recursive: true, force: true });

const out = {
  machine: machine(),
  load: { before: loadBefore, after: load() },
  article: { words: words(article), characters: article.length, suggestions: first.suggestions.length, valuePhrases: phrases.length },
  'suggest.article_5000_words': {
    p50_ms: round(percentile(suggestMs, 50), 1),
    p99_ms: round(percentile(suggestMs, 99), 1),
    baseline: { name: "parseValue on the article's value phrases alone", p50_ms: round(percentile(parseMs, 50), 2), p99_ms: round(percentile(parseMs, 99), 2) },
    ratio_p50: round(percentile(suggestMs, 50) / percentile(parseMs, 50), 1),
  },
  'suggest.source_1mb': {
    characters: big.length,
    words: words(big),
    suggestions: bigSuggestions,
    pages: pageMs.length,
    page_p50_ms: round(percentile(pageMs, 50)),
    page_max_ms: round(Math.max(...pageMs)),
    total_ms: round(bigMs),
    event_loop_delay_max_ms: round(delay.max / 1e6, 1),
    event_loop_delay_p99_ms: round(delay.percentile(99) / 1e6, 1),
    slowest_health_ms_meanwhile: round(slowestHealth, 1),
    health_pings_meanwhile: pings,
    budget_ms: 100,
  },
  'dates_in_text.finder_vs_chrono': {
    items: dateItems.length,
    intake_finder_found: finderFound,
    chrono_found: chronoFound,
    intake_finder_missed: finderMissed,
    chrono_missed: chronoMissed,
    time_5000_words_p50_ms: { intake_finder_all_values: round(percentile(finderMs, 50), 1), chrono_dates_only: round(percentile(chronoMs, 50), 1) },
  },
};
writeFileSync(join(here, 'results-suggest.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));
