#!/usr/bin/env node
/**
 * Event-store benchmark: claimline's SQLite adapter against (a) the raw better-sqlite3 ceiling and
 * (b) the peer Emmett-sqlite, side by side in one run. Not part of `npm test`.
 *
 *   npm run build && (cd bench && npm ci) && node bench/store.mjs [--seconds 2] [--rounds 3]
 *
 * Every measurement runs in its own child process on a fresh file under a temp dir (so peak RSS is
 * per implementation and one run's heap does not slow the next), time-boxed, and the rounds are
 * interleaved (raw, ours, Emmett, raw, ...) so a slow patch of the disk hits all of them alike.
 * The median round is reported. Prints JSON and writes bench/results-store.json.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');

const payload = () => ({
  claimId: 'c-0000000000',
  text: 'The bridge at Ashford was opened in 1852 by the county surveyor, according to the parish register. '.repeat(2),
  n: 42,
});
const metadata = { correlationId: '00000000-0000-4000-8000-000000000000' };
// Random v4 UUIDs, as writers will send them (their index inserts land on random pages).
const nextId = () => randomUUID();

// ---------------------------------------------------------------------------------------------
// Child side: one (scenario, implementation) measurement, printed as one JSON line.

async function openOurs(file, writer) {
  const { SqliteEventStore } = await import(join(repo, 'dist/libs/event-store/src/sqlite-event-store.js'));
  return SqliteEventStore.open(file, { writer });
}

async function rawDb(file) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created TEXT NOT NULL,
    UNIQUE (stream, revision)) STRICT`);
  const insert = db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  return { db, insert };
}

async function openEmmett(file) {
  const { getSQLiteEventStore } = await import('@event-driven-io/emmett-sqlite');
  return getSQLiteEventStore({ fileName: file });
}

/**
 * Runs `writers` async loops of `step` until `seconds` pass; counts successes and failures, and
 * how long timers on this thread were held up meanwhile (what HTTP requests would feel).
 */
async function timeBoxed(seconds, writers, step) {
  const deadline = performance.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  const failures = {};
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        try {
          // Not `ok += await ...`: that reads `ok` before the await and loses concurrent updates.
          const n = await step(w, i);
          ok += n;
        } catch (error) {
          failed++;
          const code = String(error?.code ?? error?.name ?? 'Error');
          failures[code] = (failures[code] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  delay.disable();
  return { ok, failed, failures, elapsed, loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6 };
}

const child = {
  // One writer, one event per append, each awaited before the next.
  async single(impl, file, seconds) {
    if (impl === 'raw') {
      const { db, insert } = await rawDb(file);
      const revisions = new Map();
      const tx = db.transaction((i) => {
        const stream = `s-${i % 100}`;
        const r = (revisions.get(stream) ?? -1) + 1;
        insert.run(stream, r, nextId(), 'bench.thing', JSON.stringify(payload()), JSON.stringify(metadata), new Date().toISOString());
        revisions.set(stream, r);
      });
      const r = await timeBoxed(seconds, 1, async (_w, i) => (tx(i), 1));
      db.close();
      return r;
    }
    if (impl === 'emmett') {
      const store = await openEmmett(file);
      return timeBoxed(seconds, 1, async (_w, i) => {
        await store.appendToStream(`s-${i % 100}`, [{ type: 'bench.thing', data: payload(), metadata }]);
        return 1;
      });
    }
    const store = await openOurs(file, impl);
    const revisions = new Map();
    const r = await timeBoxed(seconds, 1, async (_w, i) => {
      const stream = `s-${i % 100}`;
      const expectedRevision = revisions.get(stream) ?? 'no_stream';
      const { nextRevision } = await store.append(stream, [{ id: nextId(), type: 'bench.thing', data: payload(), metadata }], { expectedRevision });
      revisions.set(stream, nextRevision);
      return 1;
    });
    r.inWorker = store.writeStats.inWorker / store.writeStats.transactions;
    await store.close();
    return r;
  },

  // 32 concurrent writers, each on its own stream, one event per append.
  async concurrent(impl, file, seconds) {
    if (impl === 'raw') {
      // The ceiling for the same work: 32 appends per transaction, back to back, no waiting.
      const { db, insert } = await rawDb(file);
      const tx = db.transaction((b) => {
        const created = new Date().toISOString();
        for (let w = 0; w < 32; w++) insert.run(`w-${w}`, b, nextId(), 'bench.thing', JSON.stringify(payload()), JSON.stringify(metadata), created);
      });
      const r = await timeBoxed(seconds, 1, async (_w, b) => (tx(b), 32));
      db.close();
      return r;
    }
    if (impl === 'emmett') {
      const store = await openEmmett(file);
      // Emmett logs every failed transaction; the failures are counted, not printed.
      console.log = () => undefined;
      return timeBoxed(seconds, 32, async (w) => {
        await store.appendToStream(`w-${w}`, [{ type: 'bench.thing', data: payload(), metadata }]);
        return 1;
      });
    }
    const store = await openOurs(file, impl);
    const revisions = new Array(32).fill('no_stream');
    const r = await timeBoxed(seconds, 32, async (w) => {
      const { nextRevision } = await store.append(`w-${w}`, [{ id: nextId(), type: 'bench.thing', data: payload(), metadata }], {
        expectedRevision: revisions[w],
      });
      revisions[w] = nextRevision;
      return 1;
    });
    r.inWorker = store.writeStats.inWorker / store.writeStats.transactions;
    r.appendsPerTransaction = store.writeStats.appends / store.writeStats.transactions;
    await store.close();
    return r;
  },

  // A server's mix on one thread: 32 writers appending while read requests are served (each a
  // readStream of a 50-event stream, serialized to JSON as a response would be). Shows what a
  // commit on the loop costs the other work: reads/s is reported next to appends/s.
  async loaded(impl, file, seconds) {
    const store = await openOurs(file, impl);
    await store.append('hot', Array.from({ length: 50 }, () => ({ id: nextId(), type: 'bench.thing', data: payload(), metadata })));
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        reads += JSON.stringify(await store.readStream('hot')).length > 0 ? 1 : 0;
        await new Promise((resolve) => setImmediate(resolve)); // one request per loop turn
      }
    })();
    const revisions = new Array(32).fill('no_stream');
    const r = await timeBoxed(seconds, 32, async (w) => {
      const { nextRevision } = await store.append(`w-${w}`, [{ id: nextId(), type: 'bench.thing', data: payload(), metadata }], {
        expectedRevision: revisions[w],
      });
      revisions[w] = nextRevision;
      return 1;
    });
    stop = true;
    await reader;
    r.readsPerSecond = reads / r.elapsed;
    r.inWorker = store.writeStats.inWorker / store.writeStats.transactions;
    await store.close();
    return r;
  },

  // Reads over a log of 20,000 events: one stream read whole, and the log paged 1,000 at a time.
  async reads(impl, file, seconds) {
    const total = 20_000;
    const batch = 100;
    const events = () => Array.from({ length: batch }, () => ({ id: nextId(), type: 'bench.thing', data: payload(), metadata }));
    const measure = async (fn) => {
      let n = 0;
      const started = performance.now();
      while (performance.now() - started < (seconds * 1000) / 2) n += await fn();
      return n / ((performance.now() - started) / 1000);
    };
    if (impl === 'emmett') {
      const store = await openEmmett(file);
      for (let i = 0; i < total / batch; i++) await store.appendToStream('big', events().map(({ type, data }) => ({ type, data, metadata })));
      const readStream = await measure(async () => (await store.readStream('big')).events.length);
      return { readStream };
    }
    if (impl === 'raw') {
      const { db, insert } = await rawDb(file);
      const created = new Date().toISOString();
      db.transaction(() => {
        for (let i = 0; i < total; i++) insert.run('big', i, nextId(), 'bench.thing', JSON.stringify(payload()), JSON.stringify(metadata), created);
      })();
      const cols = 'position, stream, revision, id, type, data, metadata, created';
      const byStream = db.prepare(`SELECT ${cols} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT -1`);
      const all = db.prepare(`SELECT ${cols} FROM events WHERE position >= ? ORDER BY position LIMIT ?`);
      const decode = (row) => ({ ...row, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) });
      const readStream = await measure(async () => byStream.all('big', 0).map(decode).length);
      const readAll = await measure(async () => {
        let n = 0;
        for (let from = 0, page; (page = all.all(from, 1000).map(decode)).length > 0; from = page[page.length - 1].position + 1) n += page.length;
        return n;
      });
      db.close();
      return { readStream, readAll };
    }
    const store = await openOurs(file, impl);
    for (let i = 0; i < total / batch; i++) await store.append('big', events());
    const readStream = await measure(async () => (await store.readStream('big')).length);
    const readAll = await measure(async () => {
      let n = 0;
      for (let from = 0, page; (page = await store.readAll({ fromPosition: from, limit: 1000 })).length > 0; from = page[page.length - 1].position + 1) {
        n += page.length;
      }
      return n;
    });
    await store.close();
    return { readStream, readAll };
  },
};

async function runChild([scenario, impl, file, seconds]) {
  const result = await child[scenario](impl, file, Number(seconds));
  process.stdout.write(`${JSON.stringify({ ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
  process.exit(0); // Emmett may leave handles open
}

// ---------------------------------------------------------------------------------------------
// Parent side.

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, digits = 0) => Number(x.toFixed(digits));

async function runParent() {
  const seconds = arg('seconds', 2);
  const rounds = arg('rounds', 3);
  const dir = mkdtempSync(join(tmpdir(), 'claimline-bench-store-'));
  let fileNo = 0;
  const measure = (scenario, impl) => {
    const file = join(dir, `${scenario}-${impl}-${++fileNo}`, 'events.sqlite');
    mkdirSync(dirname(file), { recursive: true });
    // bench/ is the cwd so the peer's packages (bench/node_modules) resolve; ours come from the root.
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', scenario, impl, file, String(seconds)], {
      cwd: here,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    rmSync(dirname(file), { recursive: true, force: true });
    return JSON.parse(out.trim().split('\n').pop());
  };

  const ours = ['auto', 'worker', 'inline'];
  const impls = ['raw', ...ours, 'emmett'];
  const plan = { single: impls, concurrent: impls, loaded: ours };
  const runs = { single: {}, concurrent: {}, loaded: {}, reads: {} };
  const rss = {};
  const started = performance.now();
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [scenario, list] of Object.entries(plan)) {
        for (const impl of list) {
          const m = measure(scenario, impl);
          (runs[scenario][impl] ??= []).push(m);
          rss[impl] = Math.max(rss[impl] ?? 0, m.maxRssBytes);
          process.stderr.write(`${scenario.padEnd(10)} ${impl.padEnd(6)} ${round(m.ok / m.elapsed)}/s (${m.failed} failed)\n`);
        }
      }
    }
    for (const impl of ['raw', 'auto', 'emmett']) {
      const m = measure('reads', impl);
      runs.reads[impl] = m;
      rss[impl] = Math.max(rss[impl] ?? 0, m.maxRssBytes);
      process.stderr.write(`reads      ${impl.padEnd(6)} ${JSON.stringify(m)}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const rate = (scenario, impl) => median(runs[scenario][impl].map((m) => m.ok / m.elapsed));
  // Ratios are taken within each round (measurements seconds apart see the same disk weather;
  // rounds minutes apart may not), then the median over rounds is reported.
  const roundRatio = (scenario, impl, base) =>
    median(runs[scenario][impl].map((m, r) => m.ok / m.elapsed / (runs[scenario][base][r].ok / runs[scenario][base][r].elapsed)));
  const failureCodes = (scenario, impl) => {
    const out = {};
    for (const m of runs[scenario][impl]) for (const [k, v] of Object.entries(m.failures)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const failures = (scenario, impl) => runs[scenario][impl].reduce((n, m) => n + m.failed, 0);
  const names = {
    raw: 'raw better-sqlite3, 1 append per transaction, WAL, synchronous=FULL',
    raw32: 'raw better-sqlite3, 32 appends per transaction, WAL, synchronous=FULL',
    rawRead: 'raw better-sqlite3 SELECT + JSON.parse',
    emmett: '@event-driven-io/emmett-sqlite 0.38.5 (sqlite3 5.1.7)',
    inline: 'claimline SQLite, writer: inline',
  };
  const results = [];
  const entry = (metric, value, unit, baselineName, baselineValue, extra = {}, ratio = value / baselineValue) =>
    results.push({
      metric,
      value: round(value),
      unit,
      baseline: { name: baselineName, value: round(baselineValue) },
      ratio: round(ratio, 2),
      ...extra,
    });

  for (const impl of ours) {
    const tag = impl === 'auto' ? '' : ` [writer: ${impl}]`;
    entry(`single-writer durable appends${tag}`, rate('single', impl), 'appends/s', names.raw, rate('single', 'raw'), {}, roundRatio('single', impl, 'raw'));
    entry(`single-writer durable appends${tag}`, rate('single', impl), 'appends/s', names.emmett, rate('single', 'emmett'), {
      baselineFailures: failures('single', 'emmett'),
    }, roundRatio('single', impl, 'emmett'));
    entry(`32 concurrent writers, durable${tag}`, rate('concurrent', impl), 'events/s', names.raw32, rate('concurrent', 'raw'), {}, roundRatio('concurrent', impl, 'raw'));
    entry(`32 concurrent writers, durable${tag}`, rate('concurrent', impl), 'events/s', names.emmett, rate('concurrent', 'emmett'), {
      baselineFailures: failures('concurrent', 'emmett'),
      baselineFailureCodes: failureCodes('concurrent', 'emmett'),
      note: 'failed Emmett appends are counted, not retried; only successes count toward its rate',
    }, roundRatio('concurrent', impl, 'emmett'));
  }
  for (const impl of ['auto', 'worker']) {
    const tag = impl === 'auto' ? '' : ` [writer: ${impl}]`;
    const loaded = runs.loaded[impl];
    const inline = runs.loaded.inline;
    const perRound = (key) => median(loaded.map((m, r) => m[key] / m.elapsed / (inline[r][key] / inline[r].elapsed)));
    entry(`32 writers + read requests on the same thread: appends${tag}`, rate('loaded', impl), 'appends/s', names.inline, rate('loaded', 'inline'), {
      shareOfTransactionsInWorker: round(median(loaded.map((m) => m.inWorker)), 2),
    }, perRound('ok'));
    entry(
      `32 writers + read requests on the same thread: reads served${tag}`,
      median(loaded.map((m) => m.readsPerSecond)),
      'reads/s',
      names.inline,
      median(inline.map((m) => m.readsPerSecond)),
      {},
      median(loaded.map((m, r) => m.readsPerSecond / inline[r].readsPerSecond)),
    );
  }
  entry('readStream (20,000-event stream)', runs.reads.auto.readStream, 'events/s', names.rawRead, runs.reads.raw.readStream);
  entry('readStream (20,000-event stream)', runs.reads.auto.readStream, 'events/s', names.emmett, runs.reads.emmett.readStream);
  entry('readAll (pages of 1,000)', runs.reads.auto.readAll, 'events/s', names.rawRead, runs.reads.raw.readAll);
  entry('peak RSS', rss.auto / 2 ** 20, 'MiB', names.raw, rss.raw / 2 ** 20);
  entry('peak RSS', rss.auto / 2 ** 20, 'MiB', names.emmett, rss.emmett / 2 ** 20);

  const targetsFor = (impl) => {
    const single = roundRatio('single', impl, 'emmett');
    const singleRaw = roundRatio('single', impl, 'raw');
    const conc = rate('concurrent', impl);
    const concRaw = roundRatio('concurrent', impl, 'raw');
    return [
      { target: 'single writer >= 25x Emmett-sqlite', met: single >= 25, ratio: round(single, 1) },
      { target: 'single writer >= 0.8x raw ceiling', met: singleRaw >= 0.8, ratio: round(singleRaw, 2) },
      { target: '32 writers >= 60,000 events/s', met: conc >= 60_000, value: round(conc) },
      { target: '32 writers >= 0.5x raw 32-per-transaction ceiling', met: concRaw >= 0.5, ratio: round(concRaw, 2) },
    ];
  };
  const report = {
    bench: 'event store (SQLite adapter)',
    date: new Date().toISOString(),
    node: process.version,
    machine: `${(await import('node:os')).cpus().length} cpus`,
    method: `median of ${rounds} interleaved rounds of ${seconds}s each, one child process per measurement, fresh file in ${tmpdir()}; ratios are per-round medians`,
    writer: 'unmarked = default (writer: auto); [writer: worker|inline] = forced',
    results,
    targets: Object.fromEntries(ours.map((i) => [i, targetsFor(i)])),
    // p99 of how late a 1 ms timer fired on the appending thread: what concurrent HTTP work waits.
    eventLoopDelayP99Ms: Object.fromEntries(
      ['single', 'concurrent', 'loaded'].map((s) => [s, Object.fromEntries(ours.map((i) => [i, round(median(runs[s][i].map((m) => m.loopDelayP99Ms)), 2)]))]),
    ),
    // How 'auto' placed the commits: share of transactions that ran in the worker, per scenario.
    autoShareInWorker: Object.fromEntries(
      ['single', 'concurrent', 'loaded'].map((sc) => [sc, round(median(runs[sc].auto.map((m) => m.inWorker)), 2)]),
    ),
    allRounds: Object.fromEntries(
      Object.entries(plan).map(([s, list]) => [s, Object.fromEntries(list.map((i) => [i, runs[s][i].map((m) => round(m.ok / m.elapsed))]))]),
    ),
    seconds: round((performance.now() - started) / 1000),
  };
  const json = JSON.stringify(report, null, 2);
  writeFileSync(join(here, 'results-store.json'), `${json}\n`);
  process.stdout.write(`${json}\n`);
}

if (process.argv[2] === '--child') await runChild(process.argv.slice(3));
else await runParent();
