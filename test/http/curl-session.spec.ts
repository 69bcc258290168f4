/**
 * The README's "A session with curl" is examples/s400-session.sh: this runs it against a live
 * server seeded as `npm start` seeds, and checks that the README quotes the file as it is and
 * shows what it prints (ids, hashes and positions aside, which differ from run to run).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_KEYS } from '../support/app.js';
import { compileServer, ROOT, startServer, type CompiledServer, type ServerProcess } from '../support/server-process.js';

const SCRIPT = join(ROOT, 'examples', 's400-session.sh');

/** The fenced block of `language` in the README section `heading`, the n-th of them. */
function readmeBlock(heading: string, language: string, n = 0): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`## ${heading}\n`));
  const blocks = [...section.slice(0, section.indexOf('\n## ', 3) === -1 ? undefined : section.indexOf('\n## ', 3)).matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\n`, 'g'))];
  return blocks[n]?.[1] ?? '';
}

/** What differs from one run to the next: ids, content hashes, global positions. */
function runIndependent(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/"position":\d+/g, '"position":<n>');
}

describe('the README session with curl (examples/s400-session.sh)', () => {
  let compiled: CompiledServer;
  let server: ServerProcess;
  let dataDir: string;
  let ran: { status: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    compiled = await compileServer();
    dataDir = mkdtempSync(join(tmpdir(), 'claimline-session-'));
    server = await startServer(compiled, { dataDir, env: { CLAIMLINE_SEED: 'true', CLAIMLINE_SEED_DIR: join(ROOT, 'seeds'), LOG_LEVEL: 'info' } });
    ran = spawnSync('bash', [SCRIPT], {
      cwd: tmpdir(), // the script finds the repository itself
      env: { PATH: process.env.PATH, CLAIMLINE_URL: server.url, CLAIMLINE_EDITOR_KEY: TEST_KEYS.editor },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    compiled?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs to the end against a live server, with curl and node only', () => {
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    const code = readFileSync(SCRIPT, 'utf8').split('\n').filter((line) => !line.trim().startsWith('#'));
    expect(code.filter((line) => /\bjq\b/.test(line))).toEqual([]);
  });

  it('prints what the README shows it prints', () => {
    expect(runIndependent(ran.stdout)).toBe(runIndependent(readmeBlock('A session with curl', 'text')));
  });

  it('is what the README quotes', () => {
    expect(readmeBlock('A session with curl', 'sh')).toBe(readFileSync(SCRIPT, 'utf8'));
  });

  it('leaves the session as the story tells it: contested now, settled by 4 December, and a 412 for the stale write', () => {
    expect(ran.stdout).toContain('"status":412');
    expect(ran.stdout).toMatch(/\{"status":"contested","current\.value\.text":"2026–27"/);
    expect(ran.stdout).toMatch(/\{"status":"settled","current\.value\.text":"by September 2026"\}/);
  });

  it('started with no warning (Fastify deprecations or otherwise)', () => {
    expect(server.output()).not.toMatch(/FSTDEP|FSTWRN|Warning/);
    expect(server.output()).toContain('Loaded the seeds: 5 sources, 26 claims, 52 assertions.');
  });
});
