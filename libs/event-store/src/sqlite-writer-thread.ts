/**
 * The SQLite writer in a thread of its own, so that fsyncs do not hold the event loop. Both sides
 * are in this file: `WriterThread` runs on the caller's thread and starts this same module as the
 * worker, whose loop (`serve`, at the end) writes the batches it is sent.
 */
import { isMainThread, parentPort, receiveMessageOnPort, workerData, type Worker } from 'node:worker_threads';
import { startModuleThread } from './module-thread.js';
import { SqliteWriter, type WireAppend, type WireResult } from './sqlite-writer.js';

const ROLE = 'claimline-sqlite-writer';

/**
 * After a batch the thread spins this long for the next one before it sleeps: on a VM, waking a
 * sleeping thread costs tens of microseconds, a real share of a ~200 µs commit.
 */
const SPIN_MS = 0.05;

interface ThreadData {
  role: typeof ROLE;
  file: string;
  busyTimeoutMs: number;
  /** A shared flag set when a message is waiting: the loop sleeps on it (Atomics.wait), not in an event loop. */
  signal: SharedArrayBuffer;
}

type Reply = { results: WireResult[] } | { failure: { message: string; code?: string } } | { closed: true };

export class WriterThread {
  private readonly worker: Worker;
  private readonly flag: Int32Array;
  /** Replies come back in request order: one batch is in flight at a time. */
  private readonly waiting: { resolve: (results: WireResult[]) => void; reject: (error: Error) => void }[] = [];
  private exited = false;
  private closed: (() => void) | undefined;

  /** `onFatal`: the thread died. */
  constructor(file: string, busyTimeoutMs: number, onFatal: (error: Error) => void) {
    const signal = new SharedArrayBuffer(4);
    this.flag = new Int32Array(signal);
    this.worker = startModuleThread(new URL(import.meta.url), { workerData: { role: ROLE, file, busyTimeoutMs, signal } satisfies ThreadData });
    this.worker.on('message', (reply: Reply) => {
      if ('closed' in reply) return;
      const w = this.waiting.shift();
      if (this.waiting.length === 0) this.worker.unref();
      if ('results' in reply) {
        w?.resolve(reply.results);
        return;
      }
      const error = Object.assign(new Error(reply.failure.message), { code: reply.failure.code });
      if (w === undefined) onFatal(error);
      else w.reject(error);
    });
    this.worker.on('error', (error) => {
      this.failAll(error);
      onFatal(error);
    });
    this.worker.on('exit', (code) => {
      this.exited = true;
      const error = new Error(`SQLite writer thread exited (code ${code})`);
      this.failAll(error);
      if (this.closed !== undefined) this.closed();
      else onFatal(error);
    });
    // After the listeners (a 'message' listener refs the worker again): an idle store does not keep the process alive.
    this.worker.unref();
  }

  write(appends: readonly WireAppend[]): Promise<WireResult[]> {
    if (this.exited) return Promise.reject(new Error('SQLite writer thread is not running'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.ref(); // an append in flight keeps the process alive
      this.post(appends);
    });
  }

  close(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.closed = resolve;
      this.worker.ref();
      this.post('close');
    });
  }

  private post(message: readonly WireAppend[] | 'close'): void {
    this.worker.postMessage(message);
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }

  private failAll(error: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(error);
  }
}

function serve({ file, busyTimeoutMs, signal }: ThreadData): void {
  const port = parentPort!;
  const flag = new Int32Array(signal);
  const describe = (error: unknown) => ({ message: String((error as Error | undefined)?.message ?? error), code: (error as { code?: string } | undefined)?.code });
  // Opened now, else for each batch until it can be: a data dir no longer writable may be so again,
  // and each batch is answered with why it was not written (a reply no batch asked for would be
  // taken as the answer to the next one).
  let writer: SqliteWriter | undefined;
  const opened = (): SqliteWriter => (writer ??= new SqliteWriter(file, busyTimeoutMs));
  try {
    opened();
  } catch {
    // told with the first batch
  }
  for (let open = true; open; ) {
    if (Atomics.load(flag, 0) === 0) {
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(flag, 0) === 0 && performance.now() < until);
      while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
    }
    Atomics.store(flag, 0, 0);
    for (let m = receiveMessageOnPort(port); m !== undefined && open; m = receiveMessageOnPort(port)) {
      const message = m.message as WireAppend[] | 'close';
      if (message === 'close') {
        open = false;
        try {
          writer?.close();
        } finally {
          port.postMessage({ closed: true } satisfies Reply);
        }
      } else {
        try {
          port.postMessage({ results: opened().writeBatch(message) } satisfies Reply);
        } catch (error) {
          port.postMessage({ failure: describe(error) } satisfies Reply);
        }
      }
    }
  }
}

if (!isMainThread && (workerData as Partial<ThreadData> | null)?.role === ROLE) serve(workerData as ThreadData);
