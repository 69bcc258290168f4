/**
 * Checkpoints of the live read-model files, in a thread of their own. A write's read-your-writes
 * wait needs its batch in each file's write-ahead log, where reads see it; copying the log into the
 * file, with its fsyncs, is not part of that, and SQLite's own checkpoints would do it on the event
 * loop every thousand pages (on a busy disk, for tens of milliseconds each time).
 *
 * Both sides are in this file: `WalCheckpoints` runs in the runner and starts this same module as
 * the worker, whose loop (`serve`, at the end) checkpoints the files it was last told about.
 */
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { startModuleThread } from '#event-store';

const ROLE = 'claimline-wal-checkpoints';

/**
 * How often the thread checkpoints each file. After a checkpoint has copied the whole log, the
 * writer's next commit starts the log again and fsyncs its header on the event loop (SQLite does so
 * at synchronous = NORMAL). Every 200 ms that was up to 25 fsyncs a second over five files, and the
 * four small files' commits took 0.3-0.9 ms a batch instead of 0.04-0.3 (`node bench/http.mjs --only
 * post`, three alternating runs: server CPU 2.10, 1.86, 2.38 against 1.71, 1.73, 1.98 ms a POST).
 */
const EVERY_MS = 2000;

/**
 * The pages a live file's log may reach before SQLite checkpoints on the writer's connection
 * anyway: a bound should the thread fall behind or stop (SQLite's own default is 1,000).
 */
export const BACKSTOP_PAGES = 16_384;

export class WalCheckpoints {
  private readonly worker: Worker;
  private failed = false;

  constructor(onFailure: (error: Error) => void) {
    this.worker = startModuleThread(new URL(import.meta.url), { workerData: { role: ROLE } });
    const fail = (error: Error): void => {
      if (this.failed) return;
      this.failed = true;
      onFailure(error);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the read models' checkpoint thread exited (code ${code})`)));
    this.worker.unref();
  }

  /** The files to checkpoint from now on (the live generation of each projection). */
  watch(paths: readonly string[]): void {
    if (!this.failed) this.worker.postMessage([...paths]);
  }

  async stop(): Promise<void> {
    this.failed = true;
    await this.worker.terminate();
  }
}

function serve(): void {
  const connections = new Map<string, Database.Database>();
  parentPort!.on('message', (paths: string[]) => {
    for (const [path, db] of connections) {
      if (paths.includes(path)) continue;
      db.close();
      connections.delete(path);
    }
    for (const path of paths) {
      if (connections.has(path)) continue;
      const db = new Database(path);
      db.pragma('busy_timeout = 1000');
      connections.set(path, db);
    }
  });
  setInterval(() => {
    for (const db of connections.values()) {
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // A file swapped out or a full disk: the next round, or the writer's backstop, tries again.
      }
    }
  }, EVERY_MS);
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) serve();
