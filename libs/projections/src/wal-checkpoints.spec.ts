import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpoints } from './wal-checkpoints.js';

describe(WalCheckpoints.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'claimline-wal-checkpoints-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the write-ahead logs of the files it watches into them, off the writer’s thread', async () => {
    const path = join(dir, 'model.sqlite');
    const writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE rows (n INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = writer.prepare('INSERT INTO rows (body) VALUES (?)');
    writer.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(1000));
    })();
    // Everything is in the log; the file itself holds almost nothing yet.
    expect(statSync(path).size).toBeLessThan(64 * 1024);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(1024 * 1024);

    const failures: Error[] = [];
    const checkpoints = new WalCheckpoints((error) => failures.push(error));
    try {
      checkpoints.watch([path]);
      const deadline = Date.now() + 20_000;
      while (statSync(path).size < 1024 * 1024 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(statSync(path).size).toBeGreaterThan(1024 * 1024);
      // The writer goes on as before, and reads see every row.
      insert.run('y');
      expect(writer.prepare('SELECT count(*) FROM rows').pluck().get()).toBe(2001);
    } finally {
      await checkpoints.stop();
      writer.close();
    }
    expect(failures).toEqual([]);
  });
});
