/**
 * One process at a time writes a data dir: the API server (a child process here, compiled by
 * test/support/server-process.ts) and the CLI commands (run in this process) take its lock before
 * they open anything, a second one is refused naming the holder, a dead holder's lock is taken over,
 * and `seed` beside a running server checks the log read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DataDirLocked, lockDataDir, openEventStore } from '#event-store';
import { run } from '../../apps/cli/src/cli.js';
import { compileServer, startServer, type CompiledServer } from '../support/server-process.js';

const SEEDS = join(process.cwd(), 'seeds');

async function cli(dataDir: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const chunks = { stdout: '', stderr: '' };
  const sink = (name: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks[name] += chunk.toString('utf8');
        callback();
      },
    });
  const code = await run(argv, { stdout: sink('stdout'), stderr: sink('stderr'), env: { CLAIMLINE_DATA_DIR: dataDir, CI: 'true' }, cwd: process.cwd() });
  return { code, ...chunks };
}

async function logLength(dataDir: string): Promise<number> {
  const store = await openEventStore({ kind: 'sqlite', dataDir });
  try {
    return (await store.readAll({ limit: 100_000 })).length;
  } finally {
    await store.close();
  }
}

describe('the data dir lock', () => {
  let compiled: CompiledServer;
  const dirs: string[] = [];
  const freshDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'claimline-lock-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    compiled = await compileServer();
  }, 60_000);
  afterAll(() => {
    compiled?.remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is held by one holder at a time, even in one process, and the refusal names it', () => {
    const dataDir = freshDir();
    const first = lockDataDir(dataDir, 'the first holder');
    try {
      expect(() => lockDataDir(dataDir, 'the second')).toThrow(DataDirLocked);
      expect(() => lockDataDir(dataDir, 'the second')).toThrow(new RegExp(`in use by the first holder \\(pid ${process.pid}, \`.+\`, since \\d{4}-\\d{2}-\\d{2}T`));
    } finally {
      first.release();
    }
    lockDataDir(dataDir, 'the second').release();
  });

  it('beside a running server (seeded as npm start seeds): a second server, replay and export are refused naming it; seed finds every seed in its log and exits 0 appending nothing; events and verify read the log', async () => {
    const dataDir = freshDir();
    const server = await startServer(compiled, { dataDir, env: { CLAIMLINE_SEED: 'true', CLAIMLINE_SEED_DIR: SEEDS } });
    try {
      const holder = new RegExp(`in use by the claimline API server \\(pid ${server.child.pid}, `);
      const second = await startServer(compiled, { dataDir, timeoutMs: 20_000 }).then(
        async (s) => (await s.stop(), 'it started'),
        (error: Error) => error.message,
      );
      expect(second).toMatch(/exited before listening \(code 1/);
      expect(second).toMatch(holder);

      const replay = await cli(dataDir, ['replay']);
      expect([replay.code, replay.stdout]).toEqual([1, '']);
      expect(replay.stderr).toMatch(holder);
      expect(replay.stderr).toContain('POST /admin/projections/rebuild');
      const csv = await cli(dataDir, ['export', 'csv']);
      expect(csv.code).toBe(1);
      expect(csv.stderr).toMatch(holder);

      const before = await logLength(dataDir);
      const seed = await cli(dataDir, ['seed', SEEDS]);
      expect(seed.stderr).toBe('');
      expect(seed.code).toBe(0);
      expect(seed.stdout).toMatch(/already loaded \(5 sources, 26 claims, 52 assertions\): nothing appended \(checked the log read-only: the data dir .* is in use by the claimline API server/);
      expect(await logLength(dataDir)).toBe(before);

      const events = await cli(dataDir, ['events']);
      expect(events.code).toBe(0);
      expect(events.stdout.trimEnd().split('\n')).toHaveLength(before);
      expect(JSON.parse(events.stdout.split('\n')[0]!)).toMatchObject({ type: 'claimline.source-registered', actor: 'seed' });
      expect((await cli(dataDir, ['verify'])).code).toBe(0);

      // Once it has stopped, the same commands run, and seed still appends nothing.
      await server.stop();
      const again = await cli(dataDir, ['seed', SEEDS]);
      expect([again.code, again.stdout]).toEqual([0, `seeds from ${SEEDS} already loaded (5 sources, 26 claims, 52 assertions): nothing appended\n`]);
      expect(await logLength(dataDir)).toBe(before);
      expect((await cli(dataDir, ['replay'])).code).toBe(0);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('refuses to seed beside a running server when seeds are missing, naming it and how many', async () => {
    const dataDir = freshDir();
    const server = await startServer(compiled, { dataDir });
    try {
      const seed = await cli(dataDir, ['seed', SEEDS]);
      expect(seed.code).toBe(1);
      expect(seed.stderr).toMatch(new RegExp(`in use by the claimline API server \\(pid ${server.child.pid}, .*, and 83 of the seed writes from .* are not in its log .*Stop it and run claimline seed again`));
      expect(await logLength(dataDir)).toBe(0);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("is taken over from a holder that died (SIGKILL) without letting it go", async () => {
    const dataDir = freshDir();
    const server = await startServer(compiled, { dataDir });
    await server.kill();
    const seed = await cli(dataDir, ['seed', SEEDS]);
    expect(seed.code).toBe(0);
    expect(seed.stderr).not.toMatch(/in use/);
    expect(seed.stdout).toMatch(/^seeded 5 sources, 26 claims, 52 assertions from .*: \d+ events appended\n$/);
  }, 60_000);
});
