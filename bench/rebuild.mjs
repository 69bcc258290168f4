#!/usr/bin/env node
/**
 * Projection rebuild and ingest benchmarks.
 *
 *   npm run build && node bench/rebuild.mjs [--events 1000000] [--data-dir DIR] [--cpu-prof]
 *
 * 1. Writes a synthetic log of --events events (see synth.mjs) straight into DIR/events.sqlite
 *    (generation is not measured).
 * 2. Baseline: the raw read-and-parse rate of that log: SqliteEventStore.readAll pages of the
 *    runner's batch size, with JSON.parse of data and metadata (what readAll does), nothing else.
 * 3. rebuild.events_per_s: a ProjectionRunner with all five projections started on an empty
 *    read-model dir, which builds every projection from position 0, timed until it has caught up.
 *    The read models are left in DIR/read-models for the memory benchmark.
 * 4. ingest.scaling_1m_vs_100k: time to append 100k and 1M synthetic events through the store's
 *    append API (each claim's events as one append, 32 appends in flight, durable), fresh files.
 *
 * Each step runs in its own child process (own heap; --cpu-prof writes a profile per step into
 * bench/profiles/). Prints JSON; run-all.mjs merges it into bench/results.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dist, here, load, log, machine, result, round } from './common.mjs';
import { captureTemplates, synthesize, writeLog } from './synth.mjs';

const BATCH = Number(process.env.BENCH_RUNNER_BATCH || 0) || undefined; // undefined: the runner's default

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const flag = (name) => process.argv.includes(`--${name}`);

// ---- child steps ---------------------------------------------------------------------------------

async function openStore(file) {
  const { SqliteEventStore } = await import(dist('libs/event-store/src/sqlite-event-store.js'));
  return SqliteEventStore.open(file);
}

async function stepGenerate(dataDir, total) {
  const started = performance.now();
  const templates = await captureTemplates();
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'events.sqlite');
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  rmSync(join(dataDir, 'read-models'), { recursive: true, force: true });
  const written = await writeLog(file, templates, total);
  writeFileSync(join(dataDir, 'bench-log.json'), JSON.stringify({ ...written, total, bytes: statSync(file).size }));
  return { seconds: round((performance.now() - started) / 1000, 1), bytes: statSync(file).size, shape: written.shape };
}

async function stepRawRead(dataDir) {
  const { ProjectionRunner } = await import(dist('libs/projections/src/projection-runner.js'));
  const batch = BATCH ?? batchSizeOf(ProjectionRunner);
  const store = await openStore(join(dataDir, 'events.sqlite'));
  const started = performance.now();
  let events = 0;
  let checksum = 0;
  for (let from = 0; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: batch });
    if (page.length === 0) break;
    events += page.length;
    checksum += page[page.length - 1].revision; // keep the parsed objects observably used
    from = page[page.length - 1].position + 1;
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return { events, seconds: round(seconds, 2), eventsPerSecond: round(events / seconds), pageSize: batch, checksum };
}

/** The runner's default batch size, read from a throwaway instance (it is not exported). */
function batchSizeOf(ProjectionRunner) {
  const probe = new ProjectionRunner({}, [], { dir: tmpdir(), decode: () => null });
  return probe.batchSize;
}

async function stepRebuild(dataDir) {
  const { ProjectionRunner } = await import(dist('libs/projections/src/projection-runner.js'));
  const { ALL_PROJECTIONS } = await import(dist('libs/projections/src/all-projections.js'));
  const { readDomainEvent } = await import(dist('libs/projections/src/feed.js'));
  const dir = join(dataDir, 'read-models');
  rmSync(dir, { recursive: true, force: true });
  // Time spent on this thread in each projection's apply (inside its transaction) and in making
  // its indexes when the build ends, for the report; the claim views' thread is not timed here.
  const applySeconds = {};
  const finishSeconds = {};
  const timed = (into, name, fn) => {
    const t = performance.now();
    fn();
    into[name] = (into[name] ?? 0) + (performance.now() - t) / 1000;
  };
  const projections = ALL_PROJECTIONS.map((p) => ({
    ...p,
    open: (db, options) => {
      const model = p.open(db, options);
      const apply = model.apply.bind(model);
      model.apply = (events) => timed(applySeconds, p.name, () => apply(events));
      if (model.finishBuild) {
        const finish = model.finishBuild.bind(model);
        model.finishBuild = () => timed(finishSeconds, p.name, finish);
      }
      return model;
    },
  }));
  const store = await openStore(join(dataDir, 'events.sqlite'));
  const head = await store.headPosition();
  const runner = new ProjectionRunner(store, projections, {
    dir,
    decode: readDomainEvent,
    storeConfig: { kind: 'sqlite', dataDir },
    ...(BATCH ? { batchSize: BATCH } : {}),
    ...(process.env.BENCH_NO_BUILD_THREAD === '1' ? { buildThreadFrom: Infinity } : {}),
  });
  let peak = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
  }, 200);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await runner.start(); // no read-model files: every projection is built from position 0
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  const checkpoints = Object.fromEntries(ALL_PROJECTIONS.map((p) => [p.name, runner.checkpoint(p.name)]));
  await runner.stop();
  const claims = countRows(dir, 'claim-state', 'claims');
  const discrepancies = countRows(dir, 'discrepancies', 'discrepancies');
  await store.close();
  const events = head; // positions start at 1 and have no gaps in a log written this way
  for (const [name, c] of Object.entries(checkpoints)) if (c !== head) throw new Error(`${name} stopped at ${c}, head is ${head}`);
  return {
    events,
    seconds: round(seconds, 2),
    eventsPerSecond: round(events / seconds),
    // This process: both threads (the claim views build in a thread of their own on a long log).
    cpuSeconds: { user: round(cpu.user / 1e6, 2), system: round(cpu.system / 1e6, 2) },
    batchSize: BATCH ?? batchSizeOf(ProjectionRunner),
    buildThread: process.env.BENCH_NO_BUILD_THREAD !== '1',
    claims,
    discrepancies,
    peakRssMb: round(Math.max(peak, process.memoryUsage.rss()) / 2 ** 20),
    peakHeapMb: round(peakHeap / 2 ** 20),
    applySeconds: Object.fromEntries(Object.entries(applySeconds).map(([k, v]) => [k, round(v, 2)])),
    finishBuildSeconds: Object.fromEntries(Object.entries(finishSeconds).map(([k, v]) => [k, round(v, 2)])),
  };
}

/** Rows of a table in a projection's live file (read-only, after the build). */
function countRows(dir, projection, table) {
  const require = createRequire(import.meta.url);
  const Database = require('better-sqlite3');
  const file = readdirSync(dir).find((f) => f.startsWith(`${projection}.g`) && f.endsWith('.sqlite'));
  const db = new Database(join(dir, file), { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
  } finally {
    db.close();
  }
}

async function stepIngest(total) {
  const templates = await captureTemplates();
  const dir = mkdtempSync(join(tmpdir(), `claimline-bench-ingest-${total}-`));
  const store = await openStore(join(dir, 'events.sqlite'));
  const IN_FLIGHT = 32;
  let appendSeconds = 0;
  let events = 0;
  let appends = 0;
  // Generated a wave at a time (not timed), grouped by stream: each claim's events are one append.
  let pending = new Map();
  const drain = async () => {
    const groups = [...pending.entries()];
    pending = new Map();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < groups.length) {
          const [stream, list] = groups[next++];
          await store.append(
            stream,
            list.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
            { expectedRevision: list[0].revision === 0 ? 'no_stream' : list[0].revision - 1 },
          );
          events += list.length;
          appends++;
        }
      }),
    );
    appendSeconds += (performance.now() - started) / 1000;
  };
  // A new wave starts with a claim opening after assertions: drain the previous wave there, so a
  // stream's events are never split across two drains.
  let previousType = '';
  for (const e of synthesize(templates, total)) {
    if (e.type === 'claimline.claim-opened' && previousType === 'claimline.assertion-recorded') await drain();
    previousType = e.type;
    let list = pending.get(e.stream);
    if (!list) pending.set(e.stream, (list = []));
    list.push(e);
  }
  await drain();
  const bytes = statSync(join(dir, 'events.sqlite')).size;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  if (events !== total) throw new Error(`ingested ${events} of ${total}`);
  return { events, appends, seconds: round(appendSeconds, 2), eventsPerSecond: round(events / appendSeconds), inFlight: IN_FLIGHT, bytes };
}

// ---- parent --------------------------------------------------------------------------------------

function runChild(step, args, { cpuProf = false } = {}) {
  const profDir = join(here, 'profiles');
  const nodeArgs = [];
  if (cpuProf) {
    mkdirSync(profDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${step}-${Date.now()}.cpuprofile`);
  }
  const loadBefore = load();
  const out = execFileSync(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), '--child', step, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  return { ...JSON.parse(out.trim().split('\n').at(-1)), loadBefore, loadAfter: load() };
}

export async function runRebuildBench({ events = 1_000_000, dataDir, cpuProf = false, ingest = true } = {}) {
  dataDir ??= mkdtempSync(join(tmpdir(), 'claimline-bench-1m-'));
  const results = [];
  log(`rebuild: writing ${events} synthetic events into ${dataDir} (not measured)`);
  const generated = runChild('generate', ['--data-dir', dataDir, '--events', String(events)]);
  log(`rebuild: generated in ${generated.seconds}s, ${round(generated.bytes / 2 ** 20)} MiB`);

  log('rebuild: raw read-and-parse (baseline)');
  const raw = runChild('raw', ['--data-dir', dataDir], { cpuProf });
  log(`rebuild: raw ${raw.eventsPerSecond} events/s`);
  log('rebuild: full rebuild of all five projections');
  const rebuild = runChild('rebuild', ['--data-dir', dataDir], { cpuProf });
  log(`rebuild: ${rebuild.eventsPerSecond} events/s in ${rebuild.seconds}s`);
  results.push(
    result('rebuild.events_per_s', rebuild.eventsPerSecond, 'events/s', `raw read-and-parse of the same log (SqliteEventStore.readAll pages of ${raw.pageSize}, JSON.parse of data and metadata)`, raw.eventsPerSecond, {
      target: 'ratio >= 0.3, peak RSS <= 600 MB (issue #17)',
      met: rebuild.eventsPerSecond / raw.eventsPerSecond >= 0.3 && rebuild.peakRssMb <= 600,
      details: { log: { events: generated.shape.total, ...generated.shape, bytes: generated.bytes, order: 'sources, then waves of 10,000 claims: opened, then 9 shuffled rounds of one assertion each' }, rebuild, raw },
    }),
  );

  if (ingest) {
    const small = Math.round(events / 10);
    // The small run is short, so one slow patch of the shared disk moves it a lot: median of three.
    const smallRuns = [];
    for (let i = 0; i < 3; i++) {
      smallRuns.push(runChild('ingest', ['--events', String(small)], { cpuProf: cpuProf && i === 0 }));
      log(`ingest: ${small} events through append(), run ${i + 1}/3: ${smallRuns.at(-1).seconds}s (${smallRuns.at(-1).eventsPerSecond} events/s)`);
    }
    const a = [...smallRuns].sort((x, y) => x.seconds - y.seconds)[1];
    log(`ingest: now ${events}`);
    const b = runChild('ingest', ['--events', String(events)], { cpuProf });
    log(`ingest: ${b.seconds}s (${b.eventsPerSecond} events/s)`);
    results.push(
      result('ingest.scaling_1m_vs_100k', b.seconds, 's', `time to ingest ${small} events the same way (s; median of 3 runs)`, a.seconds, {
        target: 'ratio <= 11',
        met: b.seconds / a.seconds <= 11,
        details: {
          method: 'SqliteEventStore.append, one append per claim (all its events) or source, 32 appends in flight, synchronous=FULL, fresh file per run; event ids UUIDv7 as the product makes them',
          small: a,
          smallRunsSeconds: smallRuns.map((r) => r.seconds),
          large: b,
        },
      }),
    );
  }
  return { results, dataDir };
}

async function child() {
  const step = arg('child');
  const dataDir = arg('data-dir');
  const total = Number(arg('events', '1000000'));
  let out;
  if (step === 'generate') out = await stepGenerate(dataDir, total);
  else if (step === 'raw') out = await stepRawRead(dataDir);
  else if (step === 'rebuild') out = await stepRebuild(dataDir);
  else if (step === 'ingest') out = await stepIngest(total);
  else throw new Error(`unknown step ${step}`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (flag('child')) {
    await child();
  } else {
    const events = Number(arg('events', '1000000'));
    const { results, dataDir } = await runRebuildBench({ events, dataDir: arg('data-dir'), cpuProf: flag('cpu-prof'), ingest: !flag('no-ingest') });
    process.stdout.write(`${JSON.stringify({ machine: machine(), dataDir, results }, null, 2)}\n`);
  }
}
