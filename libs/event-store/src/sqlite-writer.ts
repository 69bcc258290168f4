/**
 * The write side of the SQLite adapter: one connection that writes a batch of appends in ONE
 * transaction (group commit). It runs on the caller's thread or in the writer thread
 * (sqlite-writer-thread.ts); commit-placement.ts decides which, batch by batch.
 */
import Database from 'better-sqlite3';
import { expectedRevisionHolds, type ExpectedRevision } from './event-store.js';

/** One append as sent to the writer: payloads already serialized on the caller's side. */
export interface WireAppend {
  stream: string;
  expected: ExpectedRevision;
  events: { id: string; type: string; data: string; metadata: string }[];
}

export type WireResult =
  | { ok: true; nextRevision: number; position: number }
  | { ok: false; kind: 'wrong'; actual: number }
  | { ok: false; kind: 'duplicate'; eventId: string }
  | { ok: false; kind: 'error'; message: string };

export const SCHEMA_SQL = `
  CREATE TABLE IF NOT EXISTS events (
    -- INTEGER PRIMARY KEY is the rowid: max+1 on insert, so it follows commit order (writers are
    -- serialized) without AUTOINCREMENT's extra sqlite_sequence write; rows are never deleted.
    position INTEGER PRIMARY KEY,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    id       TEXT    NOT NULL UNIQUE,
    type     TEXT    NOT NULL,
    data     TEXT    NOT NULL,
    metadata TEXT    NOT NULL,
    created  TEXT    NOT NULL,
    UNIQUE (stream, revision)
  ) STRICT;
`;

interface StoredRow {
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: string;
  metadata: string;
}

/**
 * Page cache of each connection to the log. better-sqlite3 builds SQLite with 16 MB a connection;
 * the log is read by position or by stream, mostly pages no cache would still hold on a long log,
 * and the operating system caches the file too.
 */
export const LOG_CACHE_KIB = 2 * 1024;

/** The write connection on `file` (schema already created by the opener). */
export class SqliteWriter {
  private readonly db: Database.Database;
  private readonly byId: Database.Statement<[string], StoredRow>;
  private readonly currentRevision: Database.Statement<[string], number>;
  private readonly insert: Database.Statement<[string, number, string, string, string, string, string]>;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;

  constructor(file: string, busyTimeoutMs: number) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so an acknowledged append survives power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma(`cache_size = -${LOG_CACHE_KIB}`);
    this.db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    this.byId = this.db.prepare('SELECT stream, revision, position, type, data, metadata FROM events WHERE id = ?');
    this.currentRevision = this.db.prepare<[string], number>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck();
    this.insert = this.db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.begin = this.db.prepare('BEGIN IMMEDIATE');
    this.commit = this.db.prepare('COMMIT');
    this.rollback = this.db.prepare('ROLLBACK');
  }

  /** Writes the appends in one transaction; each result is independent of the others'. */
  writeBatch(appends: readonly WireAppend[]): WireResult[] {
    // Appends that hit an unexpected constraint error; the batch is redone without them.
    const excluded = new Map<number, WireResult>();
    for (;;) {
      const created = new Date().toISOString();
      const results: WireResult[] = [];
      let failedAt = -1;
      let failure: unknown;
      this.begin.run();
      for (let i = 0; i < appends.length; i++) {
        const known = excluded.get(i);
        if (known !== undefined) {
          results.push(known);
          continue;
        }
        // Refusals are decided before an append writes anything, so they need no savepoint and
        // leave the rest of the batch intact.
        try {
          results.push(this.appendOne(appends[i]!, created));
        } catch (error) {
          failedAt = i;
          failure = error;
          break;
        }
      }
      if (failedAt < 0) {
        try {
          this.commit.run();
        } catch (error) {
          if (this.db.inTransaction) this.rollback.run();
          throw error; // the commit itself failed: no append of the batch is stored
        }
        return results;
      }
      if (this.db.inTransaction) this.rollback.run();
      const code = (failure as { code?: unknown } | undefined)?.code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_CONSTRAINT')) {
        throw failure; // not specific to one append (disk full, read-only, I/O): the batch fails
      }
      // Only that append fails; everything else is recomputed, since earlier appends' outcomes
      // were decided inside the transaction that was just rolled back.
      excluded.set(failedAt, { ok: false, kind: 'error', message: (failure as Error).message });
    }
  }

  close(): void {
    this.db.close();
  }

  private appendOne(a: WireAppend, created: string): WireResult {
    const events = a.events;
    // Idempotency first: a retry of an acknowledged append must succeed even though its
    // expectedRevision no longer holds.
    const found = events.map((e) => this.byId.get(e.id));
    const stored = found.filter((row) => row !== undefined).length;
    if (stored === events.length) {
      const first = found[0]!;
      for (let i = 0; i < events.length; i++) {
        const row = found[i]!;
        const e = events[i]!;
        const same =
          row.stream === a.stream && row.revision === first.revision + i && row.type === e.type && row.data === e.data && row.metadata === e.metadata;
        if (!same) return { ok: false, kind: 'duplicate', eventId: e.id };
      }
      const last = found[events.length - 1]!;
      return { ok: true, nextRevision: last.revision, position: last.position };
    }
    if (stored > 0) return { ok: false, kind: 'duplicate', eventId: events[found.findIndex((row) => row !== undefined)]!.id };

    const actual = this.currentRevision.get(a.stream) ?? -1;
    if (!expectedRevisionHolds(a.expected, actual)) return { ok: false, kind: 'wrong', actual };
    let position = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      position = Number(this.insert.run(a.stream, actual + 1 + i, e.id, e.type, e.data, e.metadata, created).lastInsertRowid);
    }
    return { ok: true, nextRevision: actual + events.length, position };
  }
}
