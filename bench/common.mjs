/**
 * Shared helpers of the HTTP, rebuild and memory benchmarks (not the store benchmark, which is
 * bench/store.mjs): machine and load description, the built server as a child process, autocannon
 * runs, peak RSS of a child, and the result shape every benchmark writes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..');
export const dist = (p) => join(repo, 'dist', p);

export const EDITOR_KEY = 'bench-editor-key-0123456789abcdef';
export const MAINTAINER_KEY = 'bench-maintainer-key-0123456789abcdef';
export const API_KEYS = `bench-editor:editor:${EDITOR_KEY},bench-maintainer:maintainer:${MAINTAINER_KEY}`;

export function machine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  return {
    cpus: cpus().length,
    cpuModel,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The 1-minute load average right now: the machine is shared, so every figure carries it. */
export function load() {
  return Math.round(loadavg()[0] * 100) / 100;
}

export const round = (x, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** One row of bench/results.json. */
export function result(metric, value, unit, baselineName, baselineValue, extra = {}) {
  const ratio = baselineValue ? round(value / baselineValue, 3) : null;
  return { metric, value, unit, baseline: { name: baselineName, value: baselineValue }, ratio, ...extra };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Peak and current resident set size of a process, in MB, from /proc (Linux). */
export function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { peakMb: round(kb('VmHWM') / 1024, 1), rssMb: round(kb('VmRSS') / 1024, 1) };
  } catch {
    return { peakMb: null, rssMb: null };
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

// Below Linux's ephemeral range (32768-60999): a port there can be a load client's own end of a
// connection, and the next child's listen then fails with EADDRINUSE (a run-all at 1082219 did).
let nextPort = 20000 + Math.floor(Math.random() * 10000);

/**
 * Starts a Node script as a child on 127.0.0.1 and waits until `readyPath` answers 2xx.
 * `nodeArgs` go before the script (e.g. --cpu-prof). The child's output is kept for errors.
 */
export async function startChild({ script, env = {}, nodeArgs = [], readyPath = '/health', timeoutMs = 300_000, name = script }) {
  const port = nextPort++;
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: repo,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${readyPath}`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(100);
  }
  return {
    port,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    startMs: Math.round(performance.now() - started),
    output: () => output,
    /** SIGTERM (the server's own shutdown hooks run), then SIGKILL if it lingers. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

/** The built claimline server on `dataDir`, rate limit off, warn-level logs, no seeds, known keys. */
export function startClaimline(dataDir, { nodeArgs = [], env = {} } = {}) {
  return startChild({
    script: dist('apps/api/src/main.js'),
    name: 'claimline',
    nodeArgs,
    env: {
      CLAIMLINE_DATA_DIR: dataDir,
      CLAIMLINE_RATE_LIMIT: '0',
      CLAIMLINE_SEED: 'false',
      CLAIMLINE_API_KEYS: API_KEYS,
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
}

/**
 * Runs autocannon for `seconds` and returns throughput and latency. `requests` may rotate bodies
 * and paths (autocannon cycles through them per connection).
 */
export function cannon({ url, connections = 32, seconds = 10, requests, method = 'GET', headers = {}, body, pipelining = 1 }) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections, duration: seconds, pipelining, method, headers, body, requests },
      (error, r) => {
        if (error) return reject(error);
        const non2xx = r.non2xx ?? 0;
        resolve({
          requestsPerSecond: round(r.requests.average),
          total: r.requests.total,
          latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: round(r.latency.mean, 2) },
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx,
          statusCodes: r.statusCodeStats,
          connections,
          seconds,
        });
      },
    );
  });
}

/** JSON request helper for setup (not measured). */
export async function call(url, { method = 'GET', body, headers = {}, key } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export function log(...parts) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`);
}
