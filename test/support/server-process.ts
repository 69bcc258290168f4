/**
 * A real claimline server in a child process, for tests that must kill it (SIGKILL) or fault its
 * disk without taking the jest worker down with it.
 *
 * The child cannot load TypeScript and `npm run build` writes the shared dist/ (other work may be
 * mid-edit there), so — as test/contract/sqlite-crash.spec.ts does for the adapter — the API and the
 * libs it imports are compiled with @swc/core into a private directory under test/artifacts/ (inside
 * the repo, so node_modules resolves). A package.json written beside them maps `#domain` & co. to
 * the compiled libs, exactly as the root package.json maps them to dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';
import { TEST_KEYS } from './app.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The same swc settings jest uses (jest.config.js), so the child runs what the tests run. */
const SWC = {
  jsc: {
    parser: { syntax: 'typescript' as const, decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022' as const,
  },
  module: { type: 'es6' as const },
  sourceMaps: 'inline' as const,
};

const COMPILED = ['apps/api/src', 'libs/domain/src', 'libs/event-store/src', 'libs/projections/src', 'libs/claims/src'];

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

export interface CompiledServer {
  /** The compiled apps/api/src/main.js. */
  main: string;
  remove(): void;
}

/** Compiles the API into test/artifacts/server-XXXX/ (about a second); call remove() when done. */
export async function compileServer(): Promise<CompiledServer> {
  mkdirSync(join(ROOT, 'test/artifacts'), { recursive: true });
  const out = mkdtempSync(join(ROOT, 'test/artifacts', 'server-'));
  chmodSync(out, 0o755); // mkdtemp makes it 0700: a server run as another user (setpriv) must read it
  const files = COMPILED.flatMap((dir) => sourcesUnder(join(ROOT, dir)));
  await Promise.all(
    files.map(async (file) => {
      const { code } = await transformFile(file, { ...SWC, filename: file });
      const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
    }),
  );
  writeFileSync(
    join(out, 'package.json'),
    JSON.stringify({
      type: 'module',
      imports: {
        '#domain': './libs/domain/src/index.js',
        '#event-store': './libs/event-store/src/index.js',
        '#projections': './libs/projections/src/index.js',
        '#claims': './libs/claims/src/index.js',
      },
    }),
  );
  return { main: join(out, 'apps/api/src/main.js'), remove: () => rmSync(out, { recursive: true, force: true }) };
}

/** A port nobody listens on right now (the kernel's choice, released before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const SERVER_KEYS = `test-editor:editor:${TEST_KEYS.editor},test-maintainer:maintainer:${TEST_KEYS.maintainer}`;

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  dataDir: string;
  /** Everything the child wrote so far (stdout and stderr interleaved), for failure messages. */
  output(): string;
  /** Resolves with how the child ended (code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: the process dies between any two instructions, nothing is flushed or closed. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the app's shutdown hooks close the store). */
  stop(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  port?: number;
  env?: Record<string, string>;
  /** How long to wait for "claimline listening". Default 30 s. */
  timeoutMs?: number;
  /** Run the child through another program first, e.g. ['setpriv', '--reuid=65534', '--']. */
  wrapper?: string[];
}

/** Starts the compiled server on `dataDir` and resolves once it listens. */
export async function startServer(compiled: CompiledServer, options: StartOptions): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    HOST: '127.0.0.1',
    CLAIMLINE_DATA_DIR: options.dataDir,
    CLAIMLINE_SEED: 'false',
    CLAIMLINE_RATE_LIMIT: '0',
    CLAIMLINE_API_KEYS: SERVER_KEYS,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const command = [...(options.wrapper ?? []), process.execPath, compiled.main];
  const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    child,
    port,
    url,
    dataDir: options.dataDir,
    output: () => out,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${options.timeoutMs ?? 30_000} ms:\n${out}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (): void => {
      if (!out.includes('claimline listening on')) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited before listening (code ${code}, signal ${signal}):\n${out}`));
    });
  });
  return server;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the route returns
  body: any;
  text: string;
}

export type As = keyof typeof TEST_KEYS | 'none' | 'wrong';

/** A plain fetch client for a server: JSON in, JSON (or text) out, a key per call. */
export function httpClient(base: string) {
  return async function request(
    method: string,
    path: string,
    options: { body?: unknown; as?: As; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const as = options.as ?? 'editor';
    if (as === 'wrong') headers.authorization = 'Bearer wrong-key-0123456789abcdef-not-known';
    else if (as !== 'none') headers.authorization = `Bearer ${TEST_KEYS[as]}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, body, text };
  };
}
