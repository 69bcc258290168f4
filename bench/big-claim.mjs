#!/usr/bin/env node
/**
 * What one more assertion costs as a claim grows.
 *
 *   npm run build && node bench/big-claim.mjs [--sizes 25,100,200,400] [--writes 10]
 *
 * write.claim_growth: the built server (child, 127.0.0.1, fresh data dir) with one date claim,
 * written to by one client at a time, as an editor adds a story's statements. Six values that
 * disagree in turn ("by September 2026", "2026–27", ...), said on days spread over a year, each
 * quoted from a registered source. At each size, the next --writes POSTs are timed (median) and the
 * server's CPU per POST read from /proc, and a read of the past (GET /claims/:id?saidBy=, median of 5,
 * open to anyone) timed. The figure is the cost at the largest size over the cost
 * at the smallest, measured in the same run: growing with the claim's size (n) is what an editor
 * can live with; with its pairs (n²) a claim of hundreds of assertions holds the server for seconds.
 * Every assertion of such a claim is a discrepancy pair with most others (DESIGN: discrepancies).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, cpuSecondsOf, EDITOR_KEY, load, log, machine, result, round, startClaimline } from './common.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const VALUES = ['by September 2026', 'in 2026–27', 'by the end of 2026', 'in mid-2026', 'in early 2027', 'in 2027'];
const sentence = (value) => `Officials said the remaining deliveries would be completed ${value}.`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runBigClaimBench({ sizes = [25, 100, 200, 400], writes = 10 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'claimline-bench-big-claim-'));
  const server = await startClaimline(dir, { nodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean) });
  try {
    const url = server.url;
    const sourceId = (await call(`${url}/sources`, {
      method: 'POST',
      key: EDITOR_KEY,
      body: { title: 'Deliveries, as reported', publisher: 'The Herald', publishedAt: '2026-01-31', text: VALUES.map(sentence).join(' ') },
    })).json.id;
    const claimId = (await call(`${url}/claims`, { method: 'POST', key: EDITOR_KEY, body: { subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', valueType: 'date' } })).json.id;
    let n = 0;
    const post = async () => {
      const value = VALUES[n % VALUES.length];
      const day = new Date(Date.UTC(2025, 0, 1) + ((n * 37) % 365) * 86_400_000).toISOString().slice(0, 10);
      n++;
      const started = performance.now();
      await call(`${url}/claims/${claimId}/assertions`, { method: 'POST', key: EDITOR_KEY, body: { sourceId, quote: { exact: sentence(value) }, value: { text: value }, saidAt: day, speaker: `official ${n % 7}` } });
      return performance.now() - started;
    };
    const rows = [];
    for (const size of sizes) {
      while (n < size) await post();
      const cpuBefore = cpuSecondsOf(server.pid);
      const times = [];
      for (let i = 0; i < writes; i++) times.push(await post());
      const cpuMs = ((cpuSecondsOf(server.pid) - cpuBefore) * 1000) / writes;
      const state = (await call(`${url}/claims/${claimId}`)).json;
      // A read of the past (anyone may ask): the claim folded again from its stream.
      const past = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await call(`${url}/claims/${claimId}?saidBy=2025-12-31`);
        past.push(performance.now() - started);
      }
      rows.push({ assertions: size, postMsMedian: round(median(times), 2), postMsMax: round(Math.max(...times), 1), serverCpuMsPerPost: round(cpuMs, 2), pastStateMsMedian: round(median(past), 1), discrepancies: state.counts.discrepancies });
      log(`big claim: ${size} assertions, a POST ${rows.at(-1).postMsMedian} ms (median of ${writes}), a read of the past ${rows.at(-1).pastStateMsMedian} ms, ${state.counts.discrepancies} discrepancies`);
    }
    const [first, last] = [rows[0], rows.at(-1)];
    const growth = round(last.postMsMedian / first.postMsMedian, 1);
    const linear = round(last.assertions / first.assertions, 1);
    return {
      results: [
        result('write.claim_growth', growth, 'x', `a POST to the same claim at ${first.assertions} assertions (${first.postMsMedian} ms)`, first.postMsMedian, {
          details: { sizes: rows, linear, quadratic: round(linear ** 2, 1), load: load() },
        }),
      ],
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await runBigClaimBench({ sizes: arg('sizes', '25,100,200,400').split(',').map(Number), writes: Number(arg('writes', '10')) });
  process.stdout.write(`${JSON.stringify({ machine: machine(), ...out }, null, 2)}\n`);
}
