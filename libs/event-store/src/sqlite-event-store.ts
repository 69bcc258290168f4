/**
 * EventStore on one SQLite file (better-sqlite3, WAL, synchronous=FULL).
 *
 * Writes: appends are queued and written in group-commit batches, one transaction at a time:
 * everything that arrives while a transaction is being written goes into the next one, so N
 * concurrent writers pay about one fsync per batch instead of N. Each batch is committed on the
 * calling thread or in the writer thread, as commit-placement.ts decides.
 *
 * Reads run on a separate read-only connection on the calling thread (WAL lets them proceed
 * while the writer commits).
 */
import { accessSync, constants as fsConstants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Observable, type Subscriber } from 'rxjs';
import { CommitPlacement, type LoopTime, type WriterPlacement } from './commit-placement.js';
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
import { LOG_CACHE_KIB, SCHEMA_SQL, SqliteWriter, type WireAppend, type WireResult } from './sqlite-writer.js';
import { WriterThread } from './sqlite-writer-thread.js';

export interface SqliteEventStoreOptions {
  /** Where commits (and their fsyncs) run; see commit-placement.ts. Default `'auto'`. */
  writer?: WriterPlacement;
  /** `'auto'` only: commits slower than this (smoothed) go to the writer thread even on an idle loop. Default 2 ms. */
  autoSlowCommitMs?: number;
  /** `'auto'` only: where the event loop's busy and idle time are read. Default: this thread's (`performance.eventLoopUtilization()`). */
  autoLoopTime?: LoopTime;
  /** How often live subscriptions look for commits made by another process. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Events read per page during subscription catch-up. Default 500. */
  pageSize?: number;
  /** At most this many appends go into one transaction. Default 1000. */
  maxBatchAppends?: number;
}

/** A batch stops growing past this many payload bytes (one append may exceed it). */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** How long a connection waits for another process's write lock. */
const BUSY_TIMEOUT_MS = 5000;

interface EventRow {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: string | null;
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

const COLUMNS = 'position, stream, revision, id, type, data, metadata, created';

const SELECTS = {
  forwards: `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC`,
  backwards: `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC`,
  all: `SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position ASC`,
  positions: `SELECT ${COLUMNS} FROM events WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position ASC`,
};

/** `all` with the data of events of `count` types only (ReadAllOptions.dataOf): the others' is never read. */
function allWithDataOf(count: number): string {
  const data = count === 0 ? 'NULL' : `CASE WHEN type IN (${Array.from({ length: count }, () => '?').join(', ')}) THEN data END`;
  return SELECTS.all.replace('data,', `${data} AS data,`);
}

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly placement: CommitPlacement;
  /** Opened on first use, so a store that is only read holds no write connection or thread. */
  private inlineWriter: SqliteWriter | undefined;
  private writerThread: WriterThread | undefined;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly maxBatchAppends: number;

  private readonly statements: { head: Database.Statement<[], number | null> };
  /** Reads by their SQL (see `select`). */
  private readonly selects = new Map<string, Database.Statement<unknown[], EventRow>>();

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
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.pageSize = options.pageSize ?? 500;
    this.maxBatchAppends = options.maxBatchAppends ?? 1000;
    this.placement = new CommitPlacement(options.writer ?? 'auto', options.autoSlowCommitMs, options.autoLoopTime);

    // The schema is created here, synchronously, so `open` can return a ready store.
    const setup = new Database(file);
    try {
      setup.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      setup.pragma('journal_mode = WAL');
      setup.exec(SCHEMA_SQL);
    } finally {
      setup.close();
    }

    this.db = new Database(file, { readonly: true });
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma(`cache_size = -${LOG_CACHE_KIB}`);
    this.statements = { head: this.db.prepare<[], number | null>('SELECT max(position) FROM events').pluck() };
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
      return this.read(SELECTS.backwards, limit, stream, start);
    }
    const start = from === undefined || from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : from;
    return this.read(SELECTS.forwards, limit, stream, start);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? -1;
    if (limit === 0) return [];
    const from = options.fromPosition ?? 0;
    if (options.dataOf === undefined) return this.read(SELECTS.all, limit, from);
    const types = [...new Set(options.dataOf)];
    return this.read(allWithDataOf(types.length), limit, ...types, from);
  }

  async readPositions(positions: readonly number[]): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (positions.length === 0) return [];
    return this.read(SELECTS.positions, -1, JSON.stringify(positions));
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
      if (count > 0 && bytes + this.pending[count]!.bytes > MAX_BATCH_BYTES) break;
      bytes += this.pending[count]!.bytes;
      count++;
    }
    const batch = this.pending.splice(0, count);
    this.inFlight = true;
    try {
      const wires = batch.map((p) => p.wire);
      let where = this.placement.choose(batch.length);
      const started = performance.now();
      let results: WireResult[];
      try {
        results = await this.writeOn(where, wires);
      } catch (error) {
        const instead = this.placement.mode === 'auto' ? insteadOf(where, error) : undefined;
        if (instead === undefined) throw error;
        where = instead;
        results = await this.writeOn(where, wires);
      }
      if (where === 'worker') this.stats.inWorker++;
      this.placement.committed(performance.now() - started, where === 'inline');
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

  private async writeOn(where: 'inline' | 'worker', wires: WireAppend[]): Promise<WireResult[]> {
    return where === 'inline' ? this.inline().writeBatch(wires) : this.thread().write(wires);
  }

  private inline(): SqliteWriter {
    // In 'auto' the inline writer never waits for another process's lock (that would hold the
    // event loop for up to the busy timeout): it gives up at once and the batch goes to the thread.
    this.inlineWriter ??= new SqliteWriter(this.file, this.placement.mode === 'auto' ? 0 : BUSY_TIMEOUT_MS);
    return this.inlineWriter;
  }

  private thread(): WriterThread {
    this.writerThread ??= new WriterThread(this.file, BUSY_TIMEOUT_MS, (error) => this.onWriterFailure(error));
    return this.writerThread;
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
      this.inlineWriter?.close();
      await this.writerThread?.close();
    } finally {
      this.closed = true;
      if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
      this.pollTimer = undefined;
      for (const listener of [...this.listeners]) listener();
      this.listeners.clear();
      this.db.close();
    }
  }

  /** `limit` < 0: all rows. */
  private read(select: string, limit: number, ...params: (string | number)[]): RecordedEvent[] {
    if (!Number.isSafeInteger(limit)) return this.select(`${select} LIMIT ?`).all(...params, limit).map(toRecorded);
    // A LIMIT bound as a parameter made each run cost ~20 µs more (25 against 6 µs for a stream's
    // empty tail, the read every write makes): each limit gets a statement of its own instead.
    return this.select(limit < 0 ? select : `${select} LIMIT ${limit}`).all(...params).map(toRecorded);
  }

  private select(sql: string): Database.Statement<unknown[], EventRow> {
    let statement = this.selects.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], EventRow>(sql);
      // Callers use a handful of limits; beyond that a limit's statement is prepared for its read.
      if (this.selects.size < 32) this.selects.set(sql, statement);
    }
    return statement;
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
        page = this.read(SELECTS.all, this.pageSize, next);
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

/**
 * Where a batch that failed without writing anything goes instead ('auto' only): to the thread when
 * another process holds the write lock (BEGIN failed; the thread waits for the lock off the event
 * loop), and to the other connection when this one cannot write the file: a data dir made
 * read-only after start still takes writes on a connection opened before (Unix checks modes at
 * open), and either connection may be the one opened then.
 */
function insteadOf(where: 'inline' | 'worker', error: unknown): 'inline' | 'worker' | undefined {
  const code = String((error as { code?: unknown }).code ?? '');
  if (where === 'inline' && code === 'SQLITE_BUSY') return 'worker';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES' || code === 'EPERM') return where === 'inline' ? 'worker' : 'inline';
  return undefined;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    // NULL only where a read left the data out (ReadAllOptions.dataOf): stored data is JSON text.
    data: row.data === null ? undefined : (JSON.parse(row.data) as unknown),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    created: row.created,
  };
}
