#!/usr/bin/env node
/**
 * Every benchmark, one after the other (never two at once: the machine has 2 cores), then
 * bench/results.json: a list of { metric, value, unit, baseline: { name, value }, ratio, ... }.
 *
 *   npm run bench            # = npm run build && node bench/run-all.mjs
 *   node bench/run-all.mjs [--skip store,http,big-claim,rebuild,search,suggest,memory] [--events 1000000] [--seconds 10]
 *
 * 1. the event-store benchmark (bench/store.mjs, owned separately), when it is there: run as it is,
 *    its results taken from bench/results-store.json (or bench/results.json) if written by this run;
 * 2. http.post_assertion, http.get_claim (bench/http.mjs);
 *    write.claim_growth: a POST to a claim of 400 assertions against one of 25 (bench/big-claim.mjs);
 * 3. rebuild.events_per_s, ingest.scaling_1m_vs_100k (bench/rebuild.mjs), leaving a 1M-event store;
 * 4. search.claims_q_p99_ms on that store against the LIKE scan it replaced (bench/search.mjs);
 *    with intake.candidates_p50_ms (the index's candidate claims for an article, against reading every claim);
 * 5. suggest.article_5000_words_p50_ms and the 1 MB source's event-loop stall (bench/suggest.mjs);
 * 6. serve.peak_rss_mb on that store (bench/serve-memory.mjs).
 * Every entry carries the 1-minute load average before its measurement and the machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { here, load, log, machine } from './common.mjs';
import { runBigClaimBench } from './big-claim.mjs';
import { runHttpBench } from './http.mjs';
import { runRebuildBench } from './rebuild.mjs';
import { runSearchBench } from './search.mjs';
import { runMemoryBench } from './serve-memory.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const skip = new Set((arg('skip', '') || '').split(',').filter(Boolean));
const events = Number(arg('events', '1000000'));
const seconds = Number(arg('seconds', '10'));

const startedAt = Date.now();
const m = machine();
const machineLine = `${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}`;
const OURS = /^(http|rebuild|serve|ingest|search)\./;

/** The store benchmark's rows, named as the issue names them when its own names differ. */
function storeRows() {
  const rows = [];
  for (const name of ['results-store.json', 'results.json']) {
    const file = join(here, name);
    if (!existsSync(file) || statSync(file).mtimeMs < startedAt) continue;
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const list = Array.isArray(data) ? data : (data.results ?? []);
    for (const r of list) if (r && typeof r.metric === 'string' && !OURS.test(r.metric)) rows.push({ ...r, source: `bench/${name}` });
  }
  const named = (metric) => rows.some((r) => r.metric === metric);
  const derived = [];
  // bench/store.mjs names its rows in words; the names are derived from the matching rows.
  const emmett = (r) => /emmett/i.test(r.baseline?.name ?? '');
  const single = rows.find((r) => /^single-writer durable appends$/.test(r.metric) && emmett(r));
  if (!named('store.append.single') && single) {
    derived.push({ ...single, metric: 'store.append.single', target: '>= 25x Emmett-sqlite', met: single.ratio >= 25, derivedFrom: single.metric });
  }
  const concurrent = rows.find((r) => /^32 concurrent writers, durable$/.test(r.metric) && emmett(r));
  if (!named('store.append.concurrent32') && concurrent) {
    derived.push({ ...concurrent, metric: 'store.append.concurrent32', target: '>= 60000 events/s', met: concurrent.value >= 60_000, derivedFrom: concurrent.metric });
  }
  return [...derived, ...rows];
}

const results = [];
const stamp = (rows, loadBefore) => rows.map((r) => ({ ...r, load: r.load ?? loadBefore, machine: machineLine }));

if (!skip.has('store') && existsSync(join(here, 'store.mjs'))) {
  const loadBefore = load();
  log(`store: node bench/store.mjs (load ${loadBefore})`);
  const run = spawnSync(process.execPath, [join(here, 'store.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) log(`store: bench/store.mjs exited with ${run.status}; its rows are left out`);
  results.push(...stamp(storeRows(), loadBefore));
}

if (!skip.has('http')) {
  const loadBefore = load();
  const { results: rows } = await runHttpBench({ seconds });
  results.push(...stamp(rows, loadBefore));
}

if (!skip.has('big-claim')) {
  const loadBefore = load();
  const { results: rows } = await runBigClaimBench();
  results.push(...stamp(rows, loadBefore));
}

let dataDir;
if (!skip.has('rebuild')) {
  const loadBefore = load();
  const out = await runRebuildBench({ events });
  dataDir = out.dataDir;
  results.push(...stamp(out.results, loadBefore));
}

if (!skip.has('search') && dataDir) {
  const loadBefore = load();
  const { results: rows } = await runSearchBench({ dataDir });
  results.push(...stamp(rows, loadBefore));
}

if (!skip.has('suggest')) {
  const loadBefore = load();
  log(`suggest: node bench/suggest.mjs (load ${loadBefore})`);
  const run = spawnSync(process.execPath, [join(here, 'suggest.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) log(`suggest: bench/suggest.mjs exited with ${run.status}; its rows are left out`);
  else {
    const out = JSON.parse(readFileSync(join(here, 'results-suggest.json'), 'utf8'));
    const article = out['suggest.article_5000_words'];
    const big = out['suggest.source_1mb'];
    results.push(...stamp([
      { metric: 'suggest.article_5000_words_p50_ms', value: article.p50_ms, unit: 'ms', baseline: { name: article.baseline.name, value: article.baseline.p50_ms }, ratio: article.ratio_p50, details: article, source: 'bench/results-suggest.json' },
      { metric: 'suggest.source_1mb_event_loop_delay_max_ms', value: big.event_loop_delay_max_ms, unit: 'ms', baseline: { name: 'budget', value: big.budget_ms }, ratio: Math.round((big.event_loop_delay_max_ms / big.budget_ms) * 100) / 100, details: big, source: 'bench/results-suggest.json' },
    ], loadBefore));
  }
}

if (!skip.has('memory') && dataDir) {
  const loadBefore = load();
  const { results: rows } = await runMemoryBench({ dataDir, seconds: 20 });
  results.push(...stamp(rows, loadBefore));
}
if (dataDir) rmSync(dataDir, { recursive: true, force: true });

// Keep the rows of benchmarks skipped this time from the previous results file.
const file = join(here, 'results.json');
if (existsSync(file)) {
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8'));
    const fresh = new Set(results.map((x) => x.metric));
    for (const r of Array.isArray(previous) ? previous : []) {
      if (!fresh.has(r.metric) && !(r.source && !skip.has('store'))) results.push({ ...r, fromEarlierRun: true });
    }
  } catch {
    // an unreadable file is replaced
  }
}
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
const summary = {
  date: new Date(startedAt).toISOString(),
  minutes: Math.round((Date.now() - startedAt) / 6000) / 10,
  command: 'npm run bench',
  machine: m,
  results,
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
log(`wrote bench/results.json (${results.length} rows) in ${summary.minutes} min`);
