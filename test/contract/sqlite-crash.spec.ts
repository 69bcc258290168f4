/**
 * Crash safety of the SQLite adapter: a child process appends continuously and is SIGKILLed at a
 * random moment; after reopening the file, every append it saw acknowledged is there exactly once,
 * at the acknowledged stream, revision and position, and every stream's revisions are dense.
 *
 * SIGKILL tests the process dying, not the machine: data in the OS page cache survives it. Power
 * loss is what synchronous=FULL is for, and cannot be simulated here.
 *
 * The child cannot load TypeScript, so the adapter is compiled with @swc/core into test/artifacts/
 * (inside the repo, so `better-sqlite3` and `rxjs` resolve from node_modules).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { transformFile } from '@swc/core';
import { SqliteEventStore } from '../../libs/event-store/src/sqlite-event-store.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sources = ['event-store.ts', 'sqlite-writer.ts', 'sqlite-writer-thread.ts', 'commit-placement.ts', 'module-thread.ts', 'sqlite-event-store.ts'];
let compiledDir: string;
let dataDir: string;

beforeAll(async () => {
  mkdirSync(join(root, 'test/artifacts'), { recursive: true });
  compiledDir = mkdtempSync(join(root, 'test/artifacts', 'sqlite-crash-'));
  dataDir = mkdtempSync(join(tmpdir(), 'claimline-sqlite-crash-'));
  for (const source of sources) {
    const { code } = await transformFile(join(root, 'libs/event-store/src', source), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    writeFileSync(join(compiledDir, source.replace(/\.ts$/, '.js')), code);
  }
});

afterAll(() => {
  rmSync(compiledDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

interface Ack {
  stream: string;
  id: string;
  revision: number;
  position: number | undefined;
}

/** Runs the child until a random moment after it started acknowledging, then SIGKILLs it. */
type Writer = 'auto' | 'worker' | 'inline';

function runAndKill(file: string, writer: Writer, killAfterMs: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'test/support/sqlite-crash-child.mjs'), join(compiledDir, 'sqlite-event-store.js'), file, writer], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (timer === undefined && out.includes('ack ')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`child ended without being killed (signal ${String(signal)}): ${err}`));
        return;
      }
      // Only complete lines count: a torn last line was not a full acknowledgement report.
      const lines = out.split('\n').slice(0, -1).filter((l) => l.startsWith('ack '));
      resolve(
        lines.map((l) => {
          const [, stream, id, revision, position] = l.split(' ');
          return { stream: stream!, id: id!, revision: Number(revision), position: position === '-' ? undefined : Number(position) };
        }),
      );
    });
  });
}

describe('SQLite adapter survives SIGKILL', () => {
  const runs: [Writer, number][] = [
    ['auto', 150 + Math.floor(Math.random() * 600)],
    ['worker', 20 + Math.floor(Math.random() * 100)],
    ['inline', 150 + Math.floor(Math.random() * 600)],
  ];

  it.each(runs)('%s writer killed after %i ms: every acknowledged append is stored exactly once', async (writer, killAfterMs) => {
    const file = join(dataDir, `${writer}-${killAfterMs}-${Math.random().toString(36).slice(2)}`, 'events.sqlite');
    const acks = await runAndKill(file, writer, killAfterMs);
    expect(acks.length).toBeGreaterThan(0);

    const store = SqliteEventStore.open(file);
    try {
      const all = await store.readAll();
      const byId = new Map(all.map((e) => [e.id, e]));
      expect(byId.size).toBe(all.length); // no id stored twice
      for (const ack of acks) {
        const stored = byId.get(ack.id);
        expect(stored).toBeDefined();
        expect(stored!.stream).toBe(ack.stream);
        expect(stored!.revision).toBe(ack.revision);
        if (ack.position !== undefined) expect(stored!.position).toBe(ack.position);
      }
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      const streams = new Map<string, number[]>();
      for (const e of all) streams.set(e.stream, [...(streams.get(e.stream) ?? []), e.revision]);
      for (const revisions of streams.values()) expect(revisions).toEqual(revisions.map((_, i) => i));
      // The reopened store takes writes where the dead one stopped.
      const [stream, revisions] = [...streams.entries()][0]!;
      const next = await store.append(stream, [{ id: `after-${Math.random()}`, type: 'crash.after', data: null }], {
        expectedRevision: revisions.length - 1,
      });
      expect(next.nextRevision).toBe(revisions.length);
    } finally {
      await store.close();
    }
  });
});
