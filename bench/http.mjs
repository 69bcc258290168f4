#!/usr/bin/env node
/**
 * HTTP benchmarks against the real built server (`node dist/apps/api/src/main.js` as a child, on
 * 127.0.0.1, rate limit off, LOG_LEVEL=warn, no seeds, a fresh data dir under /tmp), load from
 * autocannon in this process.
 *
 *   npm run build && node bench/http.mjs [--seconds 10] [--claims 10000] [--cpu-prof]
 *
 * http.post_assertion: durable POST /claims/:id/assertions, 32 connections, spread over --claims
 *   claims (requests rotate across them, no If-Match, so this measures the write path and not one
 *   stream's contention); each claim alternates the two seed assertions of "S-400 remaining
 *   deliveries due" ("by September 2026", "by 2026–27", quoted from two registered seed articles),
 *   so timelines and discrepancies grow as in the seeds. Every 201 has been made durable and
 *   projected (read-your-writes) before it is sent.
 *   Baseline: a bare Fastify child appending the same body as one event through SqliteEventStore
 *   (durable, group commit), 32 connections.
 * http.get_claim: GET /claims/:id over the same claims, 32 connections. Baseline: a bare Fastify
 *   child answering the bytes claimline returned for one of them.
 *
 * --cpu-prof writes a CPU profile of each server (claimline and bare) to bench/profiles/.
 *
 * Prints JSON; run-all.mjs merges it into bench/results.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, cannon, cpuSecondsOf, EDITOR_KEY, here, load, log, machine, repo, result, round, rssOf, startChild, startClaimline } from './common.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const SEED_CLAIM = 's400-remaining-deliveries-due';

/** The two seed articles and the two seed assertions the POSTs are made of. */
function seedMaterial() {
  const claims = JSON.parse(readFileSync(join(repo, 'seeds', 'claims.json'), 'utf8'));
  const sources = JSON.parse(readFileSync(join(repo, 'seeds', 'sources.json'), 'utf8'));
  const claim = claims.claims.find((c) => c.key === SEED_CLAIM);
  const used = [...new Set(claim.assertions.map((a) => a.source))];
  return {
    claim,
    sources: used.map((key) => {
      const s = sources.find((x) => x.key === key);
      return {
        key,
        body: {
          title: s.title,
          publisher: s.publisher,
          author: s.author,
          url: s.url,
          language: s.language,
          publishedAt: s.publishedAt.edtf,
          text: readFileSync(join(repo, 'seeds', s.file), 'utf8'),
        },
      };
    }),
  };
}

/** Runs `fn` over `items` with `n` in flight. */
async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

/**
 * Measures each target in alternating rounds (A, B, A, B: a busy patch of the shared machine hits
 * both alike), after a 2 s warm-up each, `seconds` in total per target. Throughput is over all
 * rounds; latency percentiles are the worst round's.
 */
async function alternate(what, seconds, targets, rounds = 2) {
  for (const t of targets) await t.run(2);
  const per = Object.fromEntries(targets.map((t) => [t.name, { runs: [], cpu: 0 }]));
  for (let r = 0; r < rounds; r++) {
    for (const t of targets) {
      const loadBefore = load();
      const cpu = cpuSecondsOf(t.pid);
      log(`http: ${what} on ${t.name}, round ${r + 1}/${rounds}, ${seconds / rounds} s, 32 connections (load ${loadBefore})`);
      const run = await t.run(seconds / rounds);
      per[t.name].cpu += cpuSecondsOf(t.pid) - cpu;
      per[t.name].runs.push({ ...run, load: loadBefore });
      log(`http:   ${run.requestsPerSecond} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, non-2xx ${run.non2xx}, errors ${run.errors}`);
    }
  }
  const out = {};
  for (const [name, { runs, cpu }] of Object.entries(per)) {
    const total = runs.reduce((n, r) => n + r.total, 0);
    const worst = (k) => Math.max(...runs.map((r) => r.latencyMs[k]));
    out[name] = {
      requestsPerSecond: round(total / seconds),
      total,
      latencyMs: { p50: worst('p50'), p90: worst('p90'), p99: worst('p99'), max: worst('max') },
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      timeouts: runs.reduce((n, r) => n + r.timeouts, 0),
      serverCpuSecondsPerKRequests: round((cpu / total) * 1000, 3),
      rounds: runs.map((r) => ({ requestsPerSecond: r.requestsPerSecond, latencyMs: r.latencyMs, load: r.load, statusCodes: r.statusCodes })),
    };
  }
  return out;
}

export async function runHttpBench({ seconds = 10, claims: claimCount = 10_000, cpuProf = false, only } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'claimline-bench-http-'));
  const profDir = join(here, 'profiles');
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=http-server-${Date.now()}.cpuprofile`] : [];
  const results = [];
  const server = await startClaimline(dataDir, { nodeArgs });
  try {
    log(`http: claimline up in ${server.startMs} ms; registering 2 sources and opening ${claimCount} claims (not measured)`);
    const material = seedMaterial();
    const sourceIds = {};
    for (const s of material.sources) {
      const res = await call(`${server.url}/sources`, { method: 'POST', body: s.body, key: EDITOR_KEY });
      sourceIds[s.key] = res.json.id;
    }
    const claimIds = new Array(claimCount);
    await pool(Array.from({ length: claimCount }, (_, i) => i), 32, async (i) => {
      const res = await call(`${server.url}/claims`, {
        method: 'POST',
        key: EDITOR_KEY,
        body: { subject: `${material.claim.subject} #${i}`, predicate: material.claim.predicate, valueType: material.claim.valueType, description: material.claim.description },
      });
      claimIds[i] = res.json.id;
    });
    const bodies = material.claim.assertions.map((a) =>
      JSON.stringify({ sourceId: sourceIds[a.source], quote: { exact: a.quote }, value: { text: a.value }, speaker: a.speaker, modality: a.modality }),
    );
    // One POST through the API first, to check the body is accepted (and warm the path).
    await call(`${server.url}/claims/${claimIds[0]}/assertions`, { method: 'POST', key: EDITOR_KEY, headers: { 'content-type': 'application/json' }, body: JSON.parse(bodies[0]) });

    // ---- the baseline child, up beside claimline so rounds can alternate ----
    const bodyFile = join(dataDir, 'get-claim-body.json');
    writeFileSync(bodyFile, '{}');
    const bareDir = mkdtempSync(join(tmpdir(), 'claimline-bench-bare-'));
    const bare = await startChild({
      script: join(here, 'bare-server.mjs'),
      name: 'bare fastify',
      nodeArgs: cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=http-bare-${Date.now()}.cpuprofile`] : [],
      env: { BARE_GET_BODY_FILE: bodyFile, BARE_STORE_FILE: join(bareDir, 'events.sqlite') },
    });
    try {
      // ---- POST /claims/:id/assertions ----
      const counters = new Map();
      const postRequest = (target) => ({
        method: 'POST',
        setupRequest: (req) => {
          const i = counters.get(target) ?? 0;
          counters.set(target, i + 1);
          // Each claim gets the seed assertions in turn: a timeline that refines and slips.
          return { ...req, path: `/claims/${claimIds[i % claimIds.length]}/assertions`, body: bodies[Math.floor(i / claimIds.length) % bodies.length] };
        },
      });
      const authJson = { authorization: `Bearer ${EDITOR_KEY}`, 'content-type': 'application/json' };
      const post = only === 'get' ? null : await alternate('POST /claims/:id/assertions', seconds, [
        { name: 'claimline', pid: server.pid, run: (s) => cannon({ url: server.url, seconds: s, headers: authJson, requests: [postRequest(server)] }) },
        { name: 'bare', pid: bare.pid, run: (s) => cannon({ url: bare.url, seconds: s, headers: authJson, requests: [postRequest(bare)] }) },
      ]);
      const assertionsPerClaim = round(((counters.get(server) ?? 0) + 1) / claimCount, 1);

      // ---- GET /claims/:id ----
      // The bare server answers the bytes claimline gives for a claim now that it has assertions.
      const sample = await call(`${server.url}/claims/${claimIds[1]}`);
      writeFileSync(bodyFile, sample.text);
      await call(`${bare.url}/__bench/body`, { method: 'PUT' });
      const getRequest = () => {
        let g = 0;
        return { method: 'GET', setupRequest: (req) => ({ ...req, path: `/claims/${claimIds[g++ % claimIds.length]}` }) };
      };
      const get = only === 'post' ? null : await alternate('GET /claims/:id', seconds, [
        { name: 'claimline', pid: server.pid, run: (s) => cannon({ url: server.url, seconds: s, requests: [getRequest()] }) },
        { name: 'bare', pid: bare.pid, run: (s) => cannon({ url: bare.url, seconds: s, requests: [getRequest()] }) },
      ]);
      const claimlineRss = rssOf(server.pid);

      if (post) results.push(
        result('http.post_assertion', post.claimline.requestsPerSecond, 'req/s', 'bare Fastify appending the same body as one event through SqliteEventStore (durable, group commit), 32 connections', post.bare.requestsPerSecond, {
          target: 'ratio >= 0.35, p99 < 20 ms (issue #17)',
          met: post.claimline.requestsPerSecond / post.bare.requestsPerSecond >= 0.35 && post.claimline.latencyMs.p99 < 20 && post.claimline.non2xx === 0 && post.claimline.errors === 0,
          p99Ms: post.claimline.latencyMs.p99,
          details: {
            ...post,
            spread: `${claimCount} claims, requests rotating across them, no If-Match (no stream contention); each 201 durable and projected before it is sent; ${assertionsPerClaim} assertions per claim at the end`,
          },
        }),
      );
      if (get) results.push(
        result('http.get_claim', get.claimline.requestsPerSecond, 'req/s', 'bare Fastify returning the same JSON bytes (same child setup, 32 connections)', get.bare.requestsPerSecond, {
          target: 'ratio >= 0.7 (issue #17)',
          met: get.claimline.requestsPerSecond / get.bare.requestsPerSecond >= 0.7 && get.claimline.non2xx === 0,
          p99Ms: get.claimline.latencyMs.p99,
          details: { ...get, bodyBytes: Buffer.byteLength(sample.text), serverRss: claimlineRss },
        }),
      );
    } finally {
      await bare.stop();
      rmSync(bareDir, { recursive: true, force: true });
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { results };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await runHttpBench({ seconds: Number(arg('seconds', '10')), claims: Number(arg('claims', '10000')), cpuProf: process.argv.includes('--cpu-prof'), only: arg('only') });
  process.stdout.write(`${JSON.stringify({ machine: machine(), ...out }, null, 2)}\n`);
}
