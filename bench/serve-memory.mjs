#!/usr/bin/env node
/**
 * Peak memory of the server serving a large store.
 *
 *   npm run build && node bench/rebuild.mjs --no-ingest --data-dir DIR   # makes the 1M-event store
 *   node bench/serve-memory.mjs --data-dir DIR [--seconds 20]
 *
 * serve.peak_rss_mb: the built server (child, 127.0.0.1) started on DIR (the 1M-event log and the
 * read models the rebuild benchmark left there), then a GET/POST mix for --seconds: GET /claims/:id
 * (16 connections) and GET /claims/:id/timeline (4) over every 10th claim of the log, GET /claims
 * pages (2), and durable POST /claims/:id/assertions (8) onto the log's date claims, quoting two
 * seed articles registered for it. Peak RSS is the child's VmHWM (/proc/<pid>/status), start-up
 * included. Baseline: the same server and the same mix on an empty data dir (1,000 date claims
 * opened first), measured in the same run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, cannon, EDITOR_KEY, here, load, log, machine, repo, result, round, rssOf, sleep, startClaimline } from './common.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const SEED_CLAIM = 's400-remaining-deliveries-due';

async function registerSeedSources(url) {
  const claims = JSON.parse(readFileSync(join(repo, 'seeds', 'claims.json'), 'utf8'));
  const sources = JSON.parse(readFileSync(join(repo, 'seeds', 'sources.json'), 'utf8'));
  const claim = claims.claims.find((c) => c.key === SEED_CLAIM);
  const ids = {};
  for (const a of claim.assertions) {
    if (ids[a.source]) continue;
    const s = sources.find((x) => x.key === a.source);
    const body = { title: s.title, publisher: s.publisher, author: s.author, url: s.url, language: s.language, publishedAt: s.publishedAt.edtf, text: readFileSync(join(repo, 'seeds', s.file), 'utf8') };
    ids[a.source] = (await call(`${url}/sources`, { method: 'POST', body, key: EDITOR_KEY })).json.id;
  }
  return claim.assertions.map((a) => JSON.stringify({ sourceId: ids[a.source], quote: { exact: a.quote }, value: { text: a.value }, speaker: a.speaker, modality: a.modality }));
}

/** The GET/POST mix for `seconds`, sampling the child's RSS; returns the statistics. */
async function mix(server, { readIds, dateIds, bodies, seconds }) {
  const rotate = (ids, path) => {
    let i = 0;
    return { method: 'GET', setupRequest: (req) => ({ ...req, path: path(ids[i++ % ids.length]) }) };
  };
  let p = 0;
  const post = {
    method: 'POST',
    setupRequest: (req) => {
      const i = p++;
      return { ...req, path: `/claims/${dateIds[i % dateIds.length]}/assertions`, body: bodies[Math.floor(i / dateIds.length) % bodies.length] };
    },
  };
  const samples = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(rssOf(server.pid).rssMb);
      await sleep(250);
    }
  })();
  const loadBefore = load();
  const runs = await Promise.all([
    cannon({ url: server.url, connections: 16, seconds, requests: [rotate(readIds, (id) => `/claims/${id}`)] }),
    cannon({ url: server.url, connections: 4, seconds, requests: [rotate(readIds, (id) => `/claims/${id}/timeline`)] }),
    cannon({ url: server.url, connections: 2, seconds, requests: [{ method: 'GET', path: '/claims?limit=50' }] }),
    cannon({ url: server.url, connections: 8, seconds, headers: { authorization: `Bearer ${EDITOR_KEY}`, 'content-type': 'application/json' }, requests: [post] }),
  ]);
  sampling = false;
  await sampler;
  const names = ['GET /claims/:id', 'GET /claims/:id/timeline', 'GET /claims?limit=50', 'POST /claims/:id/assertions'];
  return {
    load: loadBefore,
    requests: Object.fromEntries(runs.map((r, i) => [names[i], { requestsPerSecond: r.requestsPerSecond, p99Ms: r.latencyMs.p99, non2xx: r.non2xx, errors: r.errors }])),
    rssMb: { ...rssOf(server.pid), maxSampled: Math.max(...samples.filter((x) => x !== null)) },
  };
}

export async function runMemoryBench({ dataDir, seconds = 20, cpuProf = false } = {}) {
  const logInfo = JSON.parse(readFileSync(join(dataDir, 'bench-log.json'), 'utf8'));
  const readIds = logInfo.sample.map((c) => c.id);
  const dateIds = logInfo.sample.filter((c) => c.valueType === 'date').map((c) => c.id);

  log(`memory: claimline on the ${logInfo.total}-event store (${round(logInfo.bytes / 2 ** 20)} MiB log)`);
  const profDir = join(here, 'profiles');
  const nodeArgs = [
    ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=serve-large-${Date.now()}.cpuprofile`] : []),
    ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const big = await startClaimline(dataDir, { nodeArgs });
  let large;
  try {
    const afterStart = rssOf(big.pid);
    log(`memory: up in ${big.startMs} ms, RSS ${afterStart.rssMb} MB; mix for ${seconds} s`);
    const bodies = await registerSeedSources(big.url);
    large = { startMs: big.startMs, rssAfterStartMb: afterStart.rssMb, ...(await mix(big, { readIds, dateIds, bodies, seconds })) };
    log(`memory: peak ${large.rssMb.peakMb} MB`);
  } finally {
    await big.stop();
    if (process.env.BENCH_SERVER_OUTPUT) process.stderr.write(big.output());
  }

  const emptyDir = mkdtempSync(join(tmpdir(), 'claimline-bench-mem-empty-'));
  const small = await startClaimline(emptyDir);
  let empty;
  try {
    log('memory: baseline, claimline on an empty data dir (1,000 date claims opened, not measured)');
    const bodies = await registerSeedSources(small.url);
    const ids = [];
    for (let i = 0; i < 1000; i++) {
      ids.push((await call(`${small.url}/claims`, { method: 'POST', key: EDITOR_KEY, body: { subject: `S-400 contract of 2018 #${i}`, predicate: 'remaining deliveries due', valueType: 'date' } })).json.id);
    }
    empty = { startMs: small.startMs, ...(await mix(small, { readIds: ids, dateIds: ids, bodies, seconds })) };
    log(`memory: baseline peak ${empty.rssMb.peakMb} MB`);
  } finally {
    await small.stop();
    rmSync(emptyDir, { recursive: true, force: true });
  }
  const failures = (m) => Object.values(m.requests).reduce((n, r) => n + r.non2xx + r.errors, 0);
  return {
    results: [
      result('serve.peak_rss_mb', large.rssMb.peakMb, 'MB', 'the same server and mix on an empty data dir (peak RSS, MB)', empty.rssMb.peakMb, {
        target: '< 300 MB',
        met: large.rssMb.peakMb < 300,
        details: { store: `${logInfo.total} events, ${logInfo.shape.claims} claims, read models prebuilt`, large, empty, failedRequests: { large: failures(large), empty: failures(empty) } },
      }),
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await runMemoryBench({ dataDir: arg('data-dir'), seconds: Number(arg('seconds', '20')), cpuProf: process.argv.includes('--cpu-prof') });
  process.stdout.write(`${JSON.stringify({ machine: machine(), ...out }, null, 2)}\n`);
}
