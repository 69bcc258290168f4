import Database from 'better-sqlite3';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { handlesEvent, type Feed, type ProjectedEvent, type Projection, type ReadModel } from './projection.js';

export type FileStatus = 'building' | 'live';

/**
 * Page cache of a file being built. A build appends rows and makes most indexes at its end, so
 * little more pays; five files build at once.
 */
const BUILD_CACHE_KIB = 8 * 1024;

/**
 * Page cache of a live file. better-sqlite3 builds SQLite with 16 MB a connection, which the five
 * live files filled under writes on the 1M-event store; the operating system caches the files too.
 */
const LIVE_CACHE_KIB = 2 * 1024;

/** How a live file is written, whether it went live in this process or is opened again after a restart. */
function setLive(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // Read models are derived: a crash loses at most the last batches, which the checkpoint replays.
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${LIVE_CACHE_KIB}`);
}

/**
 * One generation of one projection: `<dir>/<name>.g<generation>.sqlite`. A rebuild writes the next
 * generation beside the live one and marks it live when caught up; the old file is then removed.
 */
export class ReadModelFile {
  private db_: Database.Database | undefined;
  private saveCheckpoint: Database.Statement<[string]> | undefined;
  private walPages: number | undefined;

  private constructor(
    readonly projection: Projection,
    readonly generation: number,
    readonly path: string,
    public checkpoint: number,
    public status: FileStatus,
  ) {}

  /** A new, empty file to build (any earlier file of that generation is removed). */
  static create(dir: string, projection: Projection, generation: number): ReadModelFile {
    mkdirSync(dir, { recursive: true });
    const path = fileName(dir, projection.name, generation);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    const file = new ReadModelFile(projection, generation, path, -1, 'building');
    const db = file.db;
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const put = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      put.run('name', projection.name);
      put.run('version', String(projection.version));
      put.run('checkpoint', '-1');
      put.run('status', 'building');
    })();
    return file;
  }

  /** The newest live generation of this projection whose version matches the code, if any. */
  static openLive(dir: string, projection: Projection): ReadModelFile | undefined {
    for (const generation of generationsOf(dir, projection.name).reverse()) {
      const file = new ReadModelFile(projection, generation, fileName(dir, projection.name, generation), -1, 'live');
      const meta = readMeta(file.db);
      if (meta.status === 'live' && Number(meta.version) === projection.version) {
        file.checkpoint = Number(meta.checkpoint);
        return file;
      }
      file.close();
    }
    return undefined;
  }

  /** A file being built that another thread (build-thread.ts) writes and moves on. */
  static openBuilding(path: string, projection: Projection, generation: number): ReadModelFile {
    const file = new ReadModelFile(projection, generation, path, -1, 'building');
    file.checkpoint = Number(readMeta(file.db).checkpoint);
    return file;
  }

  /** The connection, opened on first use (and again after `close`, e.g. once a build thread is done with the file). */
  get db(): Database.Database {
    if (this.db_?.open) return this.db_;
    const db = new Database(this.path);
    if (this.status === 'building') {
      // A file being built is thrown away if the process dies before it is marked live (start()
      // only opens live generations), so until then it needs no fsync, and no WAL: writing every
      // page to the WAL and again into the file doubled a build's writes. The rollback journal
      // stays in memory, so a failed batch still rolls back. markLive() turns both back on.
      db.pragma('journal_mode = MEMORY');
      db.pragma('synchronous = OFF');
      db.pragma(`cache_size = -${BUILD_CACHE_KIB}`);
    } else {
      setLive(db);
      if (this.walPages !== undefined) db.pragma(`wal_autocheckpoint = ${this.walPages}`);
    }
    this.db_ = db;
    this.saveCheckpoint = undefined;
    if (this.status === 'building') this.checkpoint = Number(readMeta(db).checkpoint ?? -1);
    return db;
  }

  /** Pages the write-ahead log may hold before this connection checkpoints it (undefined: SQLite's default). */
  checkpointEvery(pages: number | undefined): void {
    this.walPages = pages;
    if (this.db_?.open && this.status === 'live') this.db_.pragma(`wal_autocheckpoint = ${pages ?? 1000}`);
  }

  /** This projection's read model on this file, fed by `feed`. */
  open(feed: Feed): ReadModel {
    const built = !feed.building || readMeta(this.db).built === 'true';
    return this.projection.open(this.db, { feed, checkpoint: () => this.checkpoint, built });
  }

  /** Records, in the transaction of its indexes, that the file's build has ended. */
  markBuilt(): void {
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('built', 'true')").run();
  }

  /** Applies the events after the checkpoint that the projection handles, and moves the checkpoint, in one transaction. */
  apply(model: ReadModel, batch: readonly ProjectedEvent[], lastPosition: number): void {
    const fresh = batch.filter((e) => e.recorded.position > this.checkpoint && handlesEvent(this.projection, e.recorded.type));
    this.saveCheckpoint ??= this.db.prepare("UPDATE meta SET value = ? WHERE key = 'checkpoint'");
    this.db.transaction(() => {
      if (fresh.length > 0) model.apply(fresh);
      this.saveCheckpoint!.run(String(lastPosition));
    })();
    this.checkpoint = lastPosition;
    if (fresh.length > 0) model.committed?.();
  }

  /**
   * Puts what was written so far on the disk without holding the event loop (a build's files are
   * written without fsyncs; markLive's own fsync then has little left to do).
   */
  async flush(): Promise<void> {
    const handle = await open(this.path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  markLive(): void {
    const db = this.db;
    // Everything built so far reaches the disk before the file says it is live.
    const fd = openSync(this.path, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    setLive(db);
    db.prepare("UPDATE meta SET value = 'live' WHERE key = 'status'").run();
    this.status = 'live';
  }

  close(): void {
    if (this.db_?.open) this.db_.close();
  }

  remove(): void {
    this.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.path}${suffix}`, { force: true });
  }
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
