/**
 * EventStore on one SQLite file (better-sqlite3, WAL, synchronous=FULL).
 *
 * Writes: appends are queued and written in group-commit batches, one transaction at a time:
 * everything that arrives while a transaction is being written goes into the next one, so N
 * concurrent writers pay about one fsync per batch instead of N. A batch is committed on the
 * calling thread or in a worker thread (so the fsync does not block the event loop), chosen per
 * batch by how busy the loop is (see `SqliteEventStoreOptions.writer`).
 *
 * Reads run on a separate read-only connection on the calling thread (WAL lets them proceed
 * while the writer commits).
 */
import { accessSync, constants as fsConstants, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Observable, type Subscriber } from 'rxjs';
import {
  DuplicateEventId,
  NO_STREAM_REVISION,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './event-store.js';
import { createSqliteWriter, SCHEMA_SQL, type SqliteWriter, type WireAppend, type WireResult } from './sqlite-writer.js';

export interface SqliteEventStoreOptions {
  /**
   * Where commits (and their fsyncs) run.
   * - `'auto'` (default): per batch. A lone append, while the event loop has little else to do and
   *   commits are quick, is committed on the calling thread (no thread hop, so a lone writer gets
   *   the disk's full speed, and nothing is waiting to be blocked); concurrent appends, a busy loop
   *   or a slow disk send the batch to the worker thread (so requests are not held up behind
   *   fsyncs). The two writers are never used at the same time.
   * - `'worker'`: always in a worker thread; the loop is never blocked by a commit.
   * - `'inline'`: always on the calling thread (which also waits there, up to `busyTimeoutMs`,
   *   when another process holds the write lock).
   */
  writer?: 'auto' | 'worker' | 'inline';
  /**
   * `'auto'` only: the share of event-loop time spent on work other than our own commits above
   * which batches go to the worker. Default 0.5.
   */
  autoBusyThreshold?: number;
  /**
   * `'auto'` only: commits slower than this (smoothed) go to the worker even on an idle loop: the
   * thread hop costs a fixed ~0.1 ms, while holding the loop grows with the disk's latency.
   * Default 2 ms.
   */
  autoSlowCommitMs?: number;
  /**
   * `'auto'` only: batches of more appends than this go to the worker: appends arriving together
   * mean concurrent requests, whose other work should not wait behind the fsync. Default 1.
   */
  autoInlineMaxAppends?: number;
  /**
   * Worker: how long the writer thread busy-waits for the next batch before sleeping. Saves a
   * thread wake-up per batch for back-to-back batches at the price of that much CPU. Default 50.
   */
  writerSpinMicros?: number;
  /**
   * Worker: how long the event loop is kept turning (without blocking it) while a batch is being
   * committed, so the reply does not wait for a sleeping thread to wake (~50 µs on a VM). Worth it
   * for latency with `writer: 'worker'` and an otherwise idle loop; burns that much CPU per batch.
   * Default 0 (off).
   */
  replySpinMicros?: number;
  /** How often live subscriptions look for commits made by another process. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Events read per page during subscription catch-up. Default 500. */
  pageSize?: number;
  /** At most this many appends go into one transaction. Default 1000. */
  maxBatchAppends?: number;
  /** A batch stops growing past this many payload bytes (one append may exceed it). Default 16 MiB. */
  maxBatchBytes?: number;
  /** How long a connection waits for another process's lock. Default 5000 ms. */
  busyTimeoutMs?: number;
}

interface EventRow {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: string;
  metadata: string;
  created: string;
}

interface PendingAppend {
  wire: WireAppend;
  bytes: number;
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: Error) => void;
}

/** How batches reach the writer: inline call or worker round trip. */
interface WriterTransport {
  write(appends: WireAppend[]): Promise<WireResult[]>;
  close(): Promise<void>;
}

const COLUMNS = 'position, stream, revision, id, type, data, metadata, created';

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly inlineWriter: WriterTransport | undefined;
  private readonly workerWriter: WriterTransport | undefined;
  private readonly autoBusyThreshold: number;
  private readonly autoSlowCommitMs: number;
  private readonly autoInlineMaxAppends: number;
  /** Smoothed duration of a commit (as seen from this thread), whichever writer ran it. */
  private commitMs = 0;
  /** For 'auto': event-loop time not spent in our own inline commits, smoothed. */
  private otherLoad = 0;
  private lastElu: ReturnType<typeof performance.eventLoopUtilization>;
  private ownCommitMs = 0;
  private lastOwnCommitMs = 0;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly maxBatchAppends: number;
  private readonly maxBatchBytes: number;

  private readonly statements: {
    forwards: Database.Statement<[string, number, number], EventRow>;
    backwards: Database.Statement<[string, number, number], EventRow>;
    all: Database.Statement<[number, number], EventRow>;
    head: Database.Statement<[], number | null>;
  };

  private pending: PendingAppend[] = [];
  private inFlight = false;
  private flushScheduled = false;
  private closing: Promise<void> | undefined;
  private closed = false;
  private writerFailure: Error | undefined;
  /** Woken after each commit of ours, on the poll timer, and on close. */
  private readonly listeners = new Set<() => void>();
  private pollTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly stats = { transactions: 0, appends: 0, largestBatch: 0, inWorker: 0 };

  private constructor(
    readonly file: string,
    options: SqliteEventStoreOptions,
  ) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.pageSize = options.pageSize ?? 500;
    this.maxBatchAppends = options.maxBatchAppends ?? 1000;
    this.maxBatchBytes = options.maxBatchBytes ?? 16 * 1024 * 1024;

    // The schema is created here, synchronously, so `open` can return a ready store.
    const setup = new Database(file);
    try {
      setup.pragma(`busy_timeout = ${busyTimeoutMs}`);
      setup.pragma('journal_mode = WAL');
      setup.exec(SCHEMA_SQL);
    } finally {
      setup.close();
    }

    this.db = new Database(file, { readonly: true });
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    this.statements = {
      forwards: this.db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
      ),
      backwards: this.db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
      all: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?`),
      head: this.db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
    };

    // Load is measured from here on, not over the time it took to open.
    this.lastElu = performance.eventLoopUtilization();
    const mode = options.writer ?? 'auto';
    this.autoBusyThreshold = options.autoBusyThreshold ?? 0.5;
    this.autoSlowCommitMs = options.autoSlowCommitMs ?? 2;
    this.autoInlineMaxAppends = options.autoInlineMaxAppends ?? 1;
    try {
      // In 'auto' the inline writer never waits for another process's lock (that would hold the
      // event loop for up to busyTimeoutMs): it gives up at once and the batch goes to the worker.
      const inlineBusyTimeoutMs = mode === 'auto' ? 0 : busyTimeoutMs;
      this.inlineWriter =
        mode === 'worker'
          ? undefined
          : inlineTransport(createSqliteWriter(Database, file, inlineBusyTimeoutMs), (ms) => (this.ownCommitMs += ms));
      this.workerWriter =
        mode === 'inline'
          ? undefined
          : workerTransport(file, busyTimeoutMs, options.writerSpinMicros ?? 50, options.replySpinMicros ?? 0, (error) =>
              this.onWriterFailure(error),
            );
    } catch (error) {
      void this.inlineWriter?.close();
      this.db.close();
      throw error;
    }
  }

  /** Opens (creating if needed, with its parent directory) the event log at `file`. */
  static open(file: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    const path = resolve(file);
    mkdirSync(dirname(path), { recursive: true });
    return new SqliteEventStore(path, options);
  }

  append(stream: string, events: readonly EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    try {
      if (this.closing !== undefined) throw new Error(`event store ${this.file} is closed`);
      if (this.writerFailure !== undefined) throw this.writerFailure;
      const wire = toWire(stream, events, expected);
      let bytes = 0;
      for (const e of wire.events) bytes += e.data.length + e.metadata.length;
      return new Promise<AppendResult>((resolve, reject) => {
        this.pending.push({ wire, bytes, expected, resolve, reject });
        this.scheduleFlush();
      });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? -1; // -1: no limit in SQLite
    if (limit === 0) return [];
    const backwards = options.direction === 'backwards';
    const from = options.from;
    if (backwards) {
      const start = from === undefined || from === 'end' ? Number.MAX_SAFE_INTEGER : from === 'start' ? 0 : from;
      return this.statements.backwards.all(stream, start, limit).map(toRecorded);
    }
    const start = from === undefined || from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : from;
    return this.statements.forwards.all(stream, start, limit).map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? -1;
    if (limit === 0) return [];
    return this.statements.all.all(options.fromPosition ?? 0, limit).map(toRecorded);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.statements.head.get() ?? -1;
  }

  async isReady(): Promise<boolean> {
    if (this.closing !== undefined || this.writerFailure !== undefined) return false;
    try {
      // A read-only directory or file cannot take appends (the WAL and its index live beside it).
      accessSync(dirname(this.file), fsConstants.W_OK);
      accessSync(this.file, fsConstants.W_OK);
      this.statements.head.get();
      return true;
    } catch {
      return false;
    }
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => this.feed(subscriber, options.fromPosition ?? 0));
  }

  /**
   * Group-commit counters since open: how many write transactions carried how many appends, and
   * how many of the transactions ran in the worker thread.
   */
  get writeStats(): Readonly<{ transactions: number; appends: number; largestBatch: number; inWorker: number }> {
    return { ...this.stats };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // --- writes -------------------------------------------------------------------------------

  private scheduleFlush(): void {
    if (this.inFlight || this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate rather than a microtask: every writer that resumes in this turn of the loop
    // (e.g. the 32 whose previous batch just committed) joins the same batch.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.pending.length === 0) return;
    let count = 0;
    let bytes = 0;
    while (count < this.pending.length && count < this.maxBatchAppends) {
      if (count > 0 && bytes + this.pending[count]!.bytes > this.maxBatchBytes) break;
      bytes += this.pending[count]!.bytes;
      count++;
    }
    const batch = this.pending.splice(0, count);
    this.inFlight = true;
    try {
      const wires = batch.map((p) => p.wire);
      let writer = this.pickWriter(batch.length);
      const started = performance.now();
      let results: WireResult[];
      try {
        results = await writer.write(wires);
      } catch (error) {
        // Another process holds the write lock: BEGIN failed before anything was written, so the
        // same batch can go to the worker, which waits for the lock off the event loop.
        if (writer !== this.inlineWriter || this.workerWriter === undefined || (error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
        writer = this.workerWriter;
        results = await writer.write(wires);
      }
      if (writer === this.workerWriter) this.stats.inWorker++;
      this.commitMs = (this.commitMs * 3 + (performance.now() - started)) / 4;
      this.stats.transactions++;
      this.stats.appends += batch.length;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
      let committed = false;
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i]!;
        const r = results[i]!;
        if (r.ok) {
          committed = true;
          p.resolve({ nextRevision: r.nextRevision, position: r.position });
        } else if (r.kind === 'wrong') {
          p.reject(new WrongExpectedRevision(p.wire.stream, p.expected, r.actual));
        } else if (r.kind === 'duplicate') {
          p.reject(new DuplicateEventId(r.eventId, p.wire.stream));
        } else {
          p.reject(new Error(`append to ${p.wire.stream} failed: ${r.message}`));
        }
      }
      if (committed) this.wake();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(failure);
    } finally {
      this.inFlight = false;
      if (this.pending.length > 0) this.scheduleFlush();
      else for (const done of this.idleWaiters.splice(0)) done();
    }
  }

  /**
   * 'auto': inline for a lone append while the loop is mostly idle apart from our own commits and
   * commits are quick; worker when appends arrive together (concurrent requests, whose other work
   * should not wait behind the fsync), when other work takes more than `autoBusyThreshold` of the
   * loop (measured over windows of at least 20 ms), or when commits take longer than
   * `autoSlowCommitMs`.
   */
  private pickWriter(appends: number): WriterTransport {
    if (this.workerWriter === undefined) return this.inlineWriter!;
    if (this.inlineWriter === undefined) return this.workerWriter;
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.lastElu);
    const windowMs = delta.active + delta.idle;
    if (windowMs >= 20) {
      const other = Math.max(0, delta.active - (this.ownCommitMs - this.lastOwnCommitMs)) / windowMs;
      this.otherLoad = (this.otherLoad + other) / 2;
      this.lastElu = now;
      this.lastOwnCommitMs = this.ownCommitMs;
    }
    const inline =
      appends <= this.autoInlineMaxAppends && this.otherLoad < this.autoBusyThreshold && this.commitMs < this.autoSlowCommitMs;
    return inline ? this.inlineWriter : this.workerWriter;
  }

  private onWriterFailure(error: Error): void {
    this.writerFailure = error;
    for (const p of this.pending.splice(0)) p.reject(error);
  }

  private async shutdown(): Promise<void> {
    // Appends accepted before close are still written; nothing new is accepted.
    if (this.inFlight || this.pending.length > 0 || this.flushScheduled) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    try {
      await Promise.all([this.inlineWriter?.close(), this.workerWriter?.close()]);
    } finally {
      this.closed = true;
      if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
      this.pollTimer = undefined;
      for (const listener of [...this.listeners]) listener();
      this.listeners.clear();
      this.db.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`event store ${this.file} is closed`);
  }

  // --- subscriptions ------------------------------------------------------------------------

  private wake(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * One subscriber: pages through the log from `next`, delivering in position order. It is woken
   * after each commit of this store and on a slow timer (for other processes writing the file),
   * and reads until it finds nothing new, so no commit is ever skipped.
   */
  private feed(subscriber: Subscriber<RecordedEvent>, fromPosition: number): () => void {
    let next = fromPosition;
    let scheduled = false;

    const pump = (): void => {
      scheduled = false;
      if (subscriber.closed) return;
      if (this.closed) {
        subscriber.complete();
        return;
      }
      let page: RecordedEvent[];
      try {
        page = this.statements.all.all(next, this.pageSize).map(toRecorded);
      } catch (error) {
        subscriber.error(error);
        return;
      }
      for (const event of page) {
        if (subscriber.closed) return;
        next = event.position + 1;
        subscriber.next(event);
      }
      // A full page means there may be more: yield to the loop between pages so a long catch-up
      // does not starve other work. (A wake-up during this pump has already scheduled the next.)
      if (page.length === this.pageSize) schedule();
    };
    const schedule = (): void => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(pump);
    };
    const listener = (): void => {
      if (this.closed) {
        this.listeners.delete(listener);
        if (!subscriber.closed) subscriber.complete();
        return;
      }
      schedule();
    };

    if (this.closed) {
      subscriber.complete();
      return () => undefined;
    }
    this.listeners.add(listener);
    this.ensurePolling();
    schedule();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.pollTimer !== undefined) {
        clearInterval(this.pollTimer);
        this.pollTimer = undefined;
      }
    };
  }

  private ensurePolling(): void {
    if (this.pollTimer !== undefined) return;
    let lastHead = -1;
    this.pollTimer = setInterval(() => {
      if (this.closed) return;
      try {
        const head = this.statements.head.get() ?? -1;
        if (head !== lastHead) {
          lastHead = head;
          this.wake();
        }
      } catch {
        // The next commit or poll tries again; a broken file shows up in isReady().
      }
    }, this.pollIntervalMs);
    // Live feeds should not keep a process alive on their own.
    this.pollTimer.unref();
  }
}

function toWire(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): WireAppend {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('stream must be a non-empty string');
  if (!Array.isArray(events) || events.length === 0) throw new TypeError('append needs at least one event');
  if (typeof expected === 'number' ? !Number.isInteger(expected) || expected < NO_STREAM_REVISION : !['any', 'no_stream', 'stream_exists'].includes(expected)) {
    throw new TypeError(`invalid expectedRevision ${String(expected)}`);
  }
  const seen = new Set<string>();
  const wireEvents = events.map((e) => {
    if (typeof e.id !== 'string' || e.id.length === 0) throw new TypeError('every event needs an id');
    if (typeof e.type !== 'string' || e.type.length === 0) throw new TypeError(`event ${e.id} needs a type`);
    // The same id twice in one append can never be stored once each: refuse it like any duplicate.
    if (seen.has(e.id)) throw new DuplicateEventId(e.id, stream);
    seen.add(e.id);
    // Serialized here, not in the writer: a bad payload fails only its own append, and the
    // worker receives plain strings.
    return { id: e.id, type: e.type, data: toJson(e.data ?? null, e.id), metadata: toJson(e.metadata ?? {}, e.id) };
  });
  return { stream, expected, events: wireEvents };
}

function toJson(value: unknown, eventId: string): string {
  const json = JSON.stringify(value) as string | undefined; // throws TypeError for BigInt and cycles
  if (json === undefined) throw new TypeError(`event ${eventId}: data and metadata must be JSON values`);
  return json;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    created: row.created,
  };
}

function inlineTransport(writer: SqliteWriter, onCommitted: (ms: number) => void): WriterTransport {
  return {
    write: async (appends) => {
      const started = performance.now();
      try {
        return writer.writeBatch(appends);
      } finally {
        onCommitted(performance.now() - started);
      }
    },
    close: async () => writer.close(),
  };
}

type WorkerReply = { results: WireResult[] } | { failure: { message: string; code?: string } } | { closed: true };

/**
 * The worker evaluates the writer's own source (see sqlite-writer.ts), so the same code runs here
 * under jest (TypeScript) and from dist (JavaScript) without a separate worker file.
 */
function workerTransport(
  file: string,
  busyTimeoutMs: number,
  spinMicros: number,
  replySpinMicros: number,
  onFatal: (error: Error) => void,
): WriterTransport {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  // The worker loop is synchronous: it sleeps on a shared flag (Atomics.wait) rather than in an
  // event loop, and after each batch spins briefly for the next one, because on a VM waking a
  // sleeping thread costs tens of microseconds, a real share of a ~200 µs commit.
  const source = `
    const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
    const { performance } = require('node:perf_hooks');
    const createSqliteWriter = (${createSqliteWriter.toString()});
    const flag = new Int32Array(workerData.signal);
    const spinMs = workerData.spinMicros / 1000;
    const describe = (error) => ({ message: String((error && error.message) || error), code: error && error.code });
    let writer;
    try {
      writer = createSqliteWriter(require(workerData.driverPath), workerData.file, workerData.busyTimeoutMs);
    } catch (error) {
      parentPort.postMessage({ failure: describe(error) });
    }
    for (let open = true; open; ) {
      if (Atomics.load(flag, 0) === 0) {
        const until = performance.now() + spinMs;
        while (Atomics.load(flag, 0) === 0 && performance.now() < until);
        while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
      }
      Atomics.store(flag, 0, 0);
      for (let m = receiveMessageOnPort(parentPort); m !== undefined && open; m = receiveMessageOnPort(parentPort)) {
        const message = m.message;
        if (message === 'close') {
          open = false;
          try { if (writer) writer.close(); } finally { parentPort.postMessage({ closed: true }); }
        } else if (!writer) {
          parentPort.postMessage({ failure: { message: 'the SQLite writer did not open' } });
        } else {
          try {
            parentPort.postMessage({ results: writer.writeBatch(message) });
          } catch (error) {
            parentPort.postMessage({ failure: describe(error) });
          }
        }
      }
    }
  `;
  // While a batch is in flight the event loop is kept turning (setImmediate, never blocking) for
  // up to replySpinMicros, so the reply is picked up by a loop that is awake: an idle loop asleep
  // in epoll takes ~50 µs to wake on this kind of VM, a quarter of a commit. Under load the loop is
  // awake anyway and this costs nothing; when idle it trades that much CPU for latency.
  let spinUntil = 0;
  let spinning = false;
  const spin = (): void => {
    if (waiting.length > 0 && performance.now() < spinUntil) setImmediate(spin);
    else spinning = false;
  };
  const keepLoopAwake = (): void => {
    spinUntil = performance.now() + replySpinMicros / 1000;
    if (spinning) return;
    spinning = true;
    setImmediate(spin);
  };
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const post = (message: unknown): void => {
    worker.postMessage(message);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const worker = new Worker(source, {
    eval: true,
    // The writer is plain CommonJS and needs none of the host's flags; inheriting them fails the
    // start on V8 flags (--max-old-space-size: ERR_WORKER_INVALID_EXEC_ARGV) and --input-type.
    execArgv: [],
    workerData: { driverPath, file, busyTimeoutMs, signal, spinMicros },
  });
  worker.unref();
  // Replies come back in request order: one batch is in flight at a time.
  const waiting: { resolve: (results: WireResult[]) => void; reject: (error: Error) => void }[] = [];
  let exited = false;
  let closeResolve: (() => void) | undefined;

  const failAll = (error: Error): void => {
    for (const w of waiting.splice(0)) w.reject(error);
  };
  worker.on('message', (reply: WorkerReply) => {
    if ('closed' in reply) return;
    const w = waiting.shift();
    if (waiting.length === 0) worker.unref();
    if ('results' in reply) {
      w?.resolve(reply.results);
      return;
    }
    const error = Object.assign(new Error(reply.failure.message), { code: reply.failure.code });
    if (w === undefined) onFatal(error); // the writer could not even open
    else w.reject(error);
  });
  worker.on('error', (error) => {
    failAll(error);
    onFatal(error);
  });
  worker.on('exit', (code) => {
    exited = true;
    const error = new Error(`SQLite writer thread exited (code ${code})`);
    failAll(error);
    if (closeResolve !== undefined) closeResolve();
    else onFatal(error);
  });

  return {
    write(appends) {
      if (exited) return Promise.reject(new Error('SQLite writer thread is not running'));
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.ref(); // an append in flight keeps the process alive; an idle store does not
        post(appends);
        if (replySpinMicros > 0) keepLoopAwake();
      });
    },
    close() {
      if (exited) return Promise.resolve();
      return new Promise<void>((resolve) => {
        closeResolve = resolve;
        worker.ref();
        post('close');
      });
    },
  };
}
