/**
 * One lock per data dir, held by the one process that writes it (the API server, or a CLI command
 * that appends or builds read models), taken before the store or any read model is opened.
 *
 * The lock is SQLite's exclusive lock on `claimline.lock`, a POSIX advisory lock the kernel drops
 * when its process ends however it ends, so the lock of a process that died (kill -9, power loss)
 * is simply taken by the next one. Who holds it is written beside it, for the refusal message.
 */
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = 'claimline.lock';
export const HOLDER_FILE = 'claimline.lock.json';

/** Who holds a data dir. */
export interface LockHolder {
  pid: number;
  /** What it is, e.g. `claimline API server` or `claimline replay`. */
  role: string;
  /** Its command line. */
  command: string;
  startedAt: string;
  host: string;
}

export class DataDirLocked extends Error {
  override readonly name = 'DataDirLocked';
  readonly code = 'CLAIMLINE_DATA_DIR_LOCKED';

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `the data dir ${dataDir} is in use by ${holder.role} (pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}, \`${holder.command}\`, since ${holder.startedAt})`
        : `the data dir ${dataDir} is in use by another claimline process (it did not say which)`,
    );
  }
}

export interface DataDirLock {
  readonly dataDir: string;
  /** Lets the next process in; idempotent. */
  release(): void;
}

/** Takes the data dir's lock for this process, or throws DataDirLocked naming who holds it. */
export function lockDataDir(dataDir: string, role: string): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, LOCK_FILE), { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new DataDirLocked(dir, holderOf(dir));
    throw error;
  }
  const holder: LockHolder = { pid: process.pid, role, command: process.argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' '), startedAt: new Date().toISOString(), host: hostname() };
  const temp = join(dir, `${HOLDER_FILE}.${process.pid}.tmp`);
  writeFileSync(temp, `${JSON.stringify(holder, null, 2)}\n`);
  renameSync(temp, join(dir, HOLDER_FILE));
  let released = false;
  return {
    dataDir: dir,
    release() {
      if (released) return;
      released = true;
      rmSync(join(dir, HOLDER_FILE), { force: true });
      db.close();
    },
  };
}

/** Who holds the lock of `dataDir`, as it wrote itself down (undefined if it could not be read). */
export function holderOf(dataDir: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
