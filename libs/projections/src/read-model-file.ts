import Database from 'better-sqlite3';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setBuilding, type Projection } from './projection.js';

export type FileStatus = 'building' | 'live';

/** Page cache of a file being built (the default is 2 MB; five files build at once); back to the default once live. */
const BUILD_CACHE_KIB = 32 * 1024;

/**
 * One generation of one projection: `<dir>/<name>.g<generation>.sqlite`. A rebuild writes the next
 * generation beside the live one and marks it live when caught up; the old file is then removed.
 */
export class ReadModelFile {
  private saveCheckpoint: Database.Statement<[string]> | undefined;

  private constructor(
    readonly projection: Projection,
    readonly generation: number,
    readonly path: string,
    readonly db: Database.Database,
    public checkpoint: number,
    public status: FileStatus,
  ) {}

  static create(dir: string, projection: Projection, generation: number, status: FileStatus): ReadModelFile {
    mkdirSync(dir, { recursive: true });
    const path = fileName(dir, projection.name, generation);
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    const db = openDb(path);
    // A file being built is thrown away if the process dies before it is marked live (start()
    // only opens live generations), so until then it needs no fsync, and no WAL: writing every page
    // to the WAL and again into the file doubled a build's writes. The rollback journal stays in
    // memory, so a failed batch still rolls back. markLive() turns both back on.
    if (status === 'building') {
      db.pragma('journal_mode = MEMORY');
      db.pragma('synchronous = OFF');
      // A build inserts all over its indexes (citations by source, events by stream): with the
      // default 2 MB page cache most inserts read their page back from the OS first.
      db.pragma(`cache_size = -${BUILD_CACHE_KIB}`);
      setBuilding(db, true);
    }
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    projection.migrate(db);
    const put = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      put.run('name', projection.name);
      put.run('version', String(projection.version));
      put.run('checkpoint', '-1');
      put.run('status', status);
    })();
    return new ReadModelFile(projection, generation, path, db, -1, status);
  }

  /** The newest live generation of this projection whose version matches the code, if any. */
  static openLive(dir: string, projection: Projection): ReadModelFile | undefined {
    for (const generation of generationsOf(dir, projection.name).reverse()) {
      const path = fileName(dir, projection.name, generation);
      const db = openDb(path);
      const meta = readMeta(db);
      if (meta.status === 'live' && Number(meta.version) === projection.version) {
        return new ReadModelFile(projection, generation, path, db, Number(meta.checkpoint), 'live');
      }
      db.close();
    }
    return undefined;
  }

  /** Applies a batch and moves the checkpoint in one transaction. */
  apply(batch: Parameters<Projection['apply']>[1], lastPosition: number): void {
    this.saveCheckpoint ??= this.db.prepare("UPDATE meta SET value = ? WHERE key = 'checkpoint'");
    this.db.transaction(() => {
      if (batch.length > 0) this.projection.apply(this.db, batch);
      this.saveCheckpoint!.run(String(lastPosition));
    })();
    this.checkpoint = lastPosition;
  }

  markLive(): void {
    if (this.projection.finishBuild) this.db.transaction(() => this.projection.finishBuild!(this.db))();
    setBuilding(this.db, false);
    // Everything built so far reaches the disk before the file says it is live.
    const fd = openSync(this.path, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -2000');
    this.db.prepare("UPDATE meta SET value = 'live' WHERE key = 'status'").run();
    this.status = 'live';
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  remove(): void {
    this.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.path}${suffix}`, { force: true });
  }
}

function openDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Read models are derived: a crash loses at most the last batches, which the checkpoint replays.
  db.pragma('synchronous = NORMAL');
  return db;
}

function readMeta(db: Database.Database): Record<string, string> {
  try {
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  } catch {
    return {};
  }
}

function fileName(dir: string, name: string, generation: number): string {
  return join(dir, `${name}.g${generation}.sqlite`);
}

export function generationsOf(dir: string, name: string): number[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${name.replace(/[-]/g, '\\-')}\\.g(\\d+)\\.sqlite$`);
  return entries
    .map((f) => pattern.exec(f)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Removes every file of a projection other than the given generation (leftover or unfinished builds). */
export function removeOtherGenerations(dir: string, name: string, keep: number): void {
  for (const generation of generationsOf(dir, name)) {
    if (generation === keep) continue;
    const path = fileName(dir, name, generation);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  }
}
