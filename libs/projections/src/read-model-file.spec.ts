import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditProjection } from './audit.js';
import { ReadModelFile } from './read-model-file.js';

describe(ReadModelFile.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'claimline-read-model-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pageCacheKib = (file: ReadModelFile) => -(file.db.pragma('cache_size', { simple: true }) as number);

  it('keeps a live file to the same small page cache whether it went live in this process or is opened again after a restart', () => {
    const built = ReadModelFile.create(dir, auditProjection, 1);
    expect(pageCacheKib(built)).toBeGreaterThan(2048);
    built.markLive();
    const afterBuild = pageCacheKib(built);
    built.close();

    const reopened = ReadModelFile.openLive(dir, auditProjection)!;
    try {
      expect(afterBuild).toBe(2048);
      // better-sqlite3's own default is 16 MB a connection.
      expect(pageCacheKib(reopened)).toBe(2048);
    } finally {
      reopened.close();
    }
  });
});
