#!/usr/bin/env node
/**
 * Claim search on the 1M-event store: the full-text index against the LIKE scan it replaced.
 *
 *   npm run build && node bench/rebuild.mjs --no-ingest --data-dir DIR   # the 1M-event store (100k claims)
 *   node bench/search.mjs --data-dir DIR [--queries 200]
 *   node bench/search.mjs [--events 1000000]                              # makes the store first
 *
 * search.claims_q_p99_ms: p99 of the claim-state model's listBytes({ q, limit: 20 }) (what the claims
 * page's search box asks GET /claims?q= for, without HTTP) over --queries queries: three in four
 * taken from the claims' own words (one to four consecutive words of a subject, predicate,
 * description, entity name or current value, typed as is, so the last word is read as a prefix),
 * one in four holding a word no claim has. search.claims_q_limit50_p99_ms: the same at the API's
 * default limit of 50. The store's 100,000 claims are copies of the 26 seed claims, so a common
 * word matches tens of thousands.
 *
 * Baseline, same run, same rows: the query the claims list ran before the index, `search LIKE
 * '%…%'` over a copy of the claim-state rows with the search column filled as it was (subject,
 * predicate, description, entity names and aliases, current value; lower case), its indexes
 * rebuilt, one query per status rank as claimRows did. Each query runs once on each side, the two
 * interleaved, after one untimed pass over all of them. Also: the second page (by the cursor of the
 * first) of the queries that have one.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { dist, load, log, machine, result, round } from './common.mjs';
import { runRebuildBench } from './rebuild.mjs';
import { prng } from './synth.mjs';

/** The claims page asks for 20; the API's default is 50. */
const LIMITS = [20, 50];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Words no seed claim, quote or article has. */
const ABSENT = ['zeppelin', 'hovercraft', 'Ouagadougou', 'semiconductor', 'marmalade', 'Reykjavik', 'submarine cable', 'quantum', 'Zambezi', 'tapioca'];

function queriesFrom(states, count) {
  const random = prng(0x5ea5c4);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const queries = [];
  while (queries.length < count) {
    const state = pick(states);
    const fields = [state.subject.replace(/ #\d+$/, ''), state.predicate, state.description ?? '', ...state.entities.flatMap((e) => [e.name, ...e.aliases]), state.current?.value.text ?? ''];
    const words = pick(fields).split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')).filter(Boolean);
    if (words.length === 0) continue;
    const n = Math.min(words.length, 1 + Math.floor(random() * 4));
    const start = Math.floor(random() * (words.length - n + 1));
    const typed = words.slice(start, start + n);
    if (queries.length % 4 === 3) typed.splice(Math.floor(random() * (typed.length + 1)), 0, pick(ABSENT));
    queries.push(typed.slice(0, 4).join(' '));
  }
  return queries;
}

/** The claims list's search before the index (claimRows at commit 57391c3). */
const like = (s) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const searchTextOf = (state) =>
  [state.subject, state.predicate, state.description ?? '', ...state.entities.flatMap((e) => [e.name, ...e.aliases]), state.current?.value.text ?? ''].join(' \u2016 ').toLowerCase();

function baselineOf(Database, file, claimState) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE claims (
      claim_id TEXT PRIMARY KEY, opened_position INTEGER NOT NULL, subject TEXT NOT NULL, status TEXT NOT NULL,
      revision INTEGER NOT NULL, search TEXT NOT NULL, last_change_at TEXT NOT NULL, state TEXT NOT NULL)`);
  const insert = db.prepare('INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of claimState.prepare('SELECT claim_id, opened_position, subject, status, revision, last_change_at, state FROM claims ORDER BY opened_position').iterate()) {
      insert.run(r.claim_id, r.opened_position, r.subject, r.status, r.revision, searchTextOf(JSON.parse(r.state)), r.last_change_at, r.state);
    }
  })();
  const RANK = "(CASE status WHEN 'contested' THEN 0 WHEN 'revised' THEN 1 ELSE 2 END)";
  db.exec(`CREATE INDEX claims_by_opened ON claims (opened_position);
    CREATE INDEX claims_by_status ON claims (status, opened_position);
    CREATE INDEX claims_by_change ON claims (${RANK}, opened_position); ANALYZE;`);
  const statement = db.prepare(`SELECT opened_position, state FROM claims WHERE ${RANK} = @rank AND opened_position > -1 AND search LIKE @q ESCAPE '\\' ORDER BY opened_position LIMIT @limit`);
  return {
    db,
    search(q, limit) {
      const rows = [];
      for (const rank of [0, 1, 2]) {
        if (rows.length > limit) break;
        rows.push(...statement.all({ rank, q: like(q), limit: limit + 1 - rows.length }));
      }
      const items = rows.slice(0, limit);
      return `{"items":[${items.map((r) => r.state).join(',')}],"nextCursor":${rows.length > limit ? '"more"' : 'null'}}`;
    },
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function stats(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(percentile(sorted, 50), 2), p90: round(percentile(sorted, 90), 2), p99: round(percentile(sorted, 99), 2), max: round(sorted.at(-1), 2), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 2) };
}

async function stepSearch(dataDir, count) {
  const { default: Database } = await import('better-sqlite3');
  const { SqliteEventStore } = await import(dist('libs/event-store/src/sqlite-event-store.js'));
  const { ProjectionRunner } = await import(dist('libs/projections/src/projection-runner.js'));
  const { ALL_PROJECTIONS } = await import(dist('libs/projections/src/all-projections.js'));
  const { claimStateProjection } = await import(dist('libs/projections/src/claim-state.js'));
  const { RANK_WINDOW } = await import(dist('libs/projections/src/search-index.js'));
  const { fromRecorded, isDomainEventType } = await import(dist('libs/domain/src/index.js'));
  const store = await SqliteEventStore.open(join(dataDir, 'events.sqlite'));
  const runner = new ProjectionRunner(store, ALL_PROJECTIONS, { dir: join(dataDir, 'read-models'), decode: (r) => (isDomainEventType(r.type) ? fromRecorded(r) : null) });
  await runner.start();
  const read = runner.model(claimStateProjection);
  // A reading connection of its own on the live claim-state file, for the counts and the baseline's copy.
  const stateFile = readdirSync(join(dataDir, 'read-models')).find((f) => /^claim-state\.g\d+\.sqlite$/.test(f));
  const claimState = new Database(join(dataDir, 'read-models', stateFile), { readonly: true });
  const claims = claimState.prepare('SELECT count(*) FROM claims').pluck().get();
  if (claims === 0) throw new Error(`no claims in ${dataDir}/read-models: run bench/rebuild.mjs --no-ingest --data-dir ${dataDir} first`);

  const scratch = mkdtempSync(join(tmpdir(), 'claimline-bench-like-'));
  const baseline = baselineOf(Database, join(scratch, 'like.sqlite'), claimState);
  const sample = claimState.prepare('SELECT state FROM claims WHERE opened_position % 97 = 0').pluck().all().map((s) => JSON.parse(s));
  const queries = queriesFrom(sample, count);
  const matches = claimState.prepare('SELECT count(*) FROM claim_search WHERE claim_search MATCH ?').pluck();
  const { SearchIndex, CLAIM_INDEX } = await import(dist('libs/projections/src/search-index.js'));
  const index = new SearchIndex(claimState, CLAIM_INDEX);
  const matchCounts = queries.map((q) => matches.get(index.query(q).match));
  const rankedOf = queries.map((q) => {
    const { terms, ranked } = index.query(q);
    return terms.map((t, i) => `${t}${ranked[i] ? '' : ' (matched, not ranked)'}`).join(' AND ');
  });

  const ours = (q, limit, cursor) => read.listBytes({ q, limit, cursor });
  // One untimed pass: both sides start from a warm page cache.
  for (const q of queries) {
    ours(q, LIMITS[0]);
    baseline.search(q, LIMITS[0]);
  }
  const timed = (fn) => {
    const t = performance.now();
    const out = fn();
    return [performance.now() - t, out];
  };
  const loadBefore = load();
  const byLimit = {};
  for (const limit of LIMITS) {
    const oursMs = [];
    const likeMs = [];
    const secondPageMs = [];
    const found = { ours: 0, like: 0 };
    for (const q of queries) {
      const [a, json] = timed(() => ours(q, limit));
      const [b, likeJson] = timed(() => baseline.search(q, limit));
      oursMs.push(a);
      likeMs.push(b);
      const page = JSON.parse(json.toString());
      if (page.items.length > 0) found.ours += 1;
      if (JSON.parse(likeJson).items.length > 0) found.like += 1;
      if (page.nextCursor) secondPageMs.push(timed(() => ours(q, limit, page.nextCursor))[0]);
    }
    const byMatches = (pred) => stats(oursMs.filter((_, i) => pred(matchCounts[i])));
    byLimit[limit] = {
      queriesWithResults: found,
      ours: stats(oursMs),
      like: stats(likeMs),
      secondPage: secondPageMs.length ? stats(secondPageMs) : null,
      oursByMatches: { none: byMatches((n) => n === 0), upToWindow: byMatches((n) => n > 0 && n <= RANK_WINDOW), overWindow: byMatches((n) => n > RANK_WINDOW) },
      examples: queries.slice(0, 12).map((q, i) => ({ q, matches: matchCounts[i], oursMs: round(oursMs[i], 2), likeMs: round(likeMs[i], 2) })),
      slowest: queries
        .map((q, i) => ({ q, matches: matchCounts[i], ranked: rankedOf[i], oursMs: round(oursMs[i], 2), likeMs: round(likeMs[i], 2) }))
        .sort((a, b) => b.oursMs - a.oursMs)
        .slice(0, 5),
    };
  }
  const intake = await intakeCandidates(runner);
  const loadAfter = load();
  baseline.db.close();
  claimState.close();
  rmSync(scratch, { recursive: true, force: true });
  await runner.stop();
  await store.close();
  return {
    claims,
    queries: queries.length,
    queriesMatching: matchCounts.filter((n) => n > 0).length,
    queriesOverWindow: matchCounts.filter((n) => n > RANK_WINDOW).length,
    rankWindow: RANK_WINDOW,
    byLimit,
    intake,
    loadBefore,
    loadAfter,
  };
}

/** Runs a generator of steps to its end, in one go (the server gives other work turns between them). */
function drain(steps) {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Intake on a large store: the candidate claims for each article of test/intake, found by the
 * full-text index paragraph by paragraph (what GET /sources/:id/suggestions does beyond
 * EVERY_CLAIM_UP_TO claims), against reading every claim with its timeline once (what it does below).
 */
async function intakeCandidates(runner) {
  const { claimsFoundFor, everyTrackedClaim, EVERY_CLAIM_UP_TO } = await import(dist('libs/claims/src/suggestions.js'));
  const { claimStateProjection } = await import(dist('libs/projections/src/claim-state.js'));
  const { claimTimelineProjection } = await import(dist('libs/projections/src/claim-timeline.js'));
  const views = { claimState: runner.model(claimStateProjection), timeline: runner.model(claimTimelineProjection) };
  const dir = join(fileURLToPath(new URL('..', import.meta.url)), 'test', 'intake', 'articles');
  const articles = readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
  const ms = [];
  const found = [];
  for (const text of articles) {
    const t = performance.now();
    found.push(drain(claimsFoundFor(views, text.split('\n')[0], text)).length);
    ms.push(performance.now() - t);
  }
  const t = performance.now();
  const every = drain(everyTrackedClaim(views)).length;
  const everyMs = performance.now() - t;
  return { articles: articles.length, everyClaimUpTo: EVERY_CLAIM_UP_TO, byIndex: { ...stats(ms), candidatesMedian: [...found].sort((x, y) => x - y)[Math.floor(found.length / 2)] }, everyClaim: { ms: round(everyMs), claims: every } };
}

export async function runSearchBench({ dataDir, events = 1_000_000, queries = 200 } = {}) {
  let made = null;
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), 'claimline-bench-search-'));
    made = await runRebuildBench({ events, dataDir, ingest: false });
  }
  log(`search: ${queries} queries on ${dataDir}, full-text index against the LIKE scan`);
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--data-dir', dataDir, '--queries', String(queries)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const r = JSON.parse(out.trim().split('\n').at(-1));
  const results = LIMITS.map((limit, i) => {
    const at = r.byLimit[limit];
    log(`search, limit ${limit}: p50 ${at.ours.p50} ms, p99 ${at.ours.p99} ms; LIKE p50 ${at.like.p50} ms, p99 ${at.like.p99} ms`);
    const { byLimit: _, ...common } = r;
    return result(i === 0 ? 'search.claims_q_p99_ms' : `search.claims_q_limit${limit}_p99_ms`, at.ours.p99, 'ms', `LIKE '%…%' scan of the same ${r.claims} claims (the claims list before the index), limit ${limit}, p99`, at.like.p99, {
      target: 'p99 < 20 ms',
      met: at.ours.p99 < 20,
      details: { ...common, limit, ...at },
    });
  });
  const { intake } = r;
  log(`intake candidates on ${r.claims} claims: p50 ${intake.byIndex.p50} ms an article by the index; every claim read once ${intake.everyClaim.ms} ms`);
  results.push(result('intake.candidates_p50_ms', intake.byIndex.p50, 'ms', `every claim read with its timeline (${intake.everyClaim.claims} claims), once`, intake.everyClaim.ms, { details: intake }));
  return { results: [...(made?.results ?? []), ...results], dataDir };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--child')) {
    const out = await stepSearch(arg('data-dir'), Number(arg('queries', '200')));
    process.stdout.write(`${JSON.stringify(out)}\n`);
    process.exit(0);
  } else {
    const { results, dataDir } = await runSearchBench({ dataDir: arg('data-dir'), events: Number(arg('events', '1000000')), queries: Number(arg('queries', '200')) });
    process.stdout.write(`${JSON.stringify({ machine: machine(), dataDir, results }, null, 2)}\n`);
  }
}
