/**
 * The write side of the SQLite adapter: one function that owns a write connection and writes a
 * batch of appends in ONE transaction (group commit).
 *
 * It is deliberately self-contained (no imports, no closure over module scope): the same source runs
 * inline on the main thread and, through `Function.prototype.toString`, inside a worker thread.
 * That avoids shipping a separate worker file that would need a different path under jest (TS) and
 * under dist (JS). Keep it that way: only use its parameters and globals.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** One append as sent to the writer: payloads already serialized on the caller's side. */
export interface WireAppend {
  stream: string;
  /** number | 'any' | 'no_stream' | 'stream_exists' */
  expected: number | string;
  events: { id: string; type: string; data: string; metadata: string }[];
}

export type WireResult =
  | { ok: true; nextRevision: number; position: number }
  | { ok: false; kind: 'wrong'; actual: number }
  | { ok: false; kind: 'duplicate'; eventId: string }
  | { ok: false; kind: 'error'; message: string };

export interface SqliteWriter {
  /** Writes the appends in one transaction; each result is independent of the others'. */
  writeBatch(appends: WireAppend[]): WireResult[];
  close(): void;
}

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

/**
 * Opens the write connection on `file` (schema already created by the opener) and returns the writer.
 * `Database` is the better-sqlite3 constructor, passed in so this function needs no import.
 */
export function createSqliteWriter(Database: typeof BetterSqlite3, file: string, busyTimeoutMs: number): SqliteWriter {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so an acknowledged append survives power loss.
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${Number(busyTimeoutMs) | 0}`);

  const byId = db.prepare('SELECT stream, revision, position, type, data, metadata FROM events WHERE id = ?');
  const currentRevision = db.prepare('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck();
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');

  function appendOne(a: WireAppend, created: string): WireResult {
    const events = a.events;
    // Idempotency first: a retry of an acknowledged append must succeed even though its
    // expectedRevision no longer holds.
    let stored = 0;
    let firstStoredIndex = -1;
    const found: ({ stream: string; revision: number; position: number; type: string; data: string; metadata: string } | undefined)[] = [];
    for (let i = 0; i < events.length; i++) {
      const row = byId.get(events[i]!.id) as (typeof found)[number];
      found.push(row);
      if (row !== undefined) {
        stored++;
        if (firstStoredIndex < 0) firstStoredIndex = i;
      }
    }
    if (stored === events.length) {
      const first = found[0]!;
      for (let i = 0; i < events.length; i++) {
        const row = found[i]!;
        const e = events[i]!;
        const same =
          row.stream === a.stream && row.revision === first.revision + i &&
          row.type === e.type && row.data === e.data && row.metadata === e.metadata;
        if (!same) return { ok: false, kind: 'duplicate', eventId: e.id };
      }
      const last = found[events.length - 1]!;
      return { ok: true, nextRevision: last.revision, position: last.position };
    }
    if (stored > 0) return { ok: false, kind: 'duplicate', eventId: events[firstStoredIndex]!.id };

    const current = currentRevision.get(a.stream) as number | undefined;
    const actual = current === undefined ? -1 : current;
    const expected = a.expected;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && actual === -1) ||
      (expected === 'stream_exists' && actual !== -1) ||
      expected === actual;
    if (!ok) return { ok: false, kind: 'wrong', actual };

    let position = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      position = Number(insert.run(a.stream, actual + 1 + i, e.id, e.type, e.data, e.metadata, created).lastInsertRowid);
    }
    return { ok: true, nextRevision: actual + events.length, position };
  }

  function writeBatch(appends: WireAppend[]): WireResult[] {
    // Appends that hit an unexpected constraint error; the batch is redone without them.
    const excluded = new Map<number, WireResult>();
    for (;;) {
      const created = new Date().toISOString();
      const results: WireResult[] = [];
      let failedAt = -1;
      let failure: unknown;
      begin.run();
      for (let i = 0; i < appends.length; i++) {
        const known = excluded.get(i);
        if (known !== undefined) {
          results.push(known);
          continue;
        }
        // Refusals are decided before an append writes anything, so they need no savepoint and
        // leave the rest of the batch intact.
        try {
          results.push(appendOne(appends[i]!, created));
        } catch (error) {
          failedAt = i;
          failure = error;
          break;
        }
      }
      if (failedAt < 0) {
        try {
          commit.run();
        } catch (error) {
          if (db.inTransaction) rollback.run();
          throw error; // the commit itself failed: no append of the batch is stored
        }
        return results;
      }
      if (db.inTransaction) rollback.run();
      const code = (failure as { code?: unknown } | undefined)?.code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_CONSTRAINT')) {
        throw failure; // not specific to one append (disk full, read-only, I/O): the batch fails
      }
      // Only that append fails; everything else is recomputed, since earlier appends' outcomes
      // were decided inside the transaction that was just rolled back.
      excluded.set(failedAt, { ok: false, kind: 'error', message: (failure as Error).message });
    }
  }

  return {
    writeBatch,
    close() {
      db.close();
    },
  };
}
