import type Database from 'better-sqlite3';
import { claimOfStream } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import { contextOf, type OpenOptions, type ProjectedEvent, type Projection, type ReadModel } from './projection.js';

export interface AuditEvent {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  actor: string;
  recordedAt: string;
  claimId: string | null;
  data: unknown;
  metadata: Record<string, unknown>;
}

/**
 * A stored event as the audit view serves it (GET /events), made from the event itself: for the
 * live feed, and for readers of the log that do not open the read models.
 */
export function auditEventOf({ recorded }: Pick<ProjectedEvent, 'recorded'>): AuditEvent {
  const { actor, recordedAt } = contextOf(recorded);
  const { position, id, stream, revision, type, data } = recorded;
  return { position, id, stream, revision, type, actor, recordedAt, claimId: claimOfStream(stream), data, metadata: recorded.metadata as Record<string, unknown> };
}

export interface AuditFilter {
  after?: number;
  limit: number;
  stream?: string;
  actor?: string;
  type?: string;
  since?: string;
  until?: string;
}

/**
 * audit: the raw event feed with its metadata, filterable by stream, actor, type and time. It keeps
 * where each event is and what filters find it; the events themselves are read from the log.
 */
export const auditProjection: Projection<AuditModel> = {
  name: 'audit',
  // 3: no copy of each event's data and metadata (they are read from the log).
  version: 3,
  // Events of types this code does not know too: the feed is the log as it is.
  handles: 'every event',
  readsData: false,
  open: (db, options) => new AuditModel(db, options),
};

export class AuditModel implements ReadModel {
  private readonly insert: Database.Statement<unknown[]>;
  private readonly listed = new Map<string, Database.Statement<Record<string, unknown>, number>>();
  private readonly store: EventStore;

  constructor(
    private readonly db: Database.Database,
    { built, feed }: OpenOptions,
  ) {
    this.store = feed.store;
    db.exec(`CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY, stream TEXT NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL, recorded_at TEXT NOT NULL)`);
    if (built) this.finishBuild();
    this.insert = db.prepare<unknown[]>('INSERT OR IGNORE INTO events (position, stream, type, actor, recorded_at) VALUES (?, ?, ?, ?, ?)');
  }

  apply(events: readonly ProjectedEvent[]): void {
    for (const { recorded } of events) {
      const { actor, recordedAt } = contextOf(recorded);
      this.insert.run(recorded.position, recorded.stream, recorded.type, actor, recordedAt);
    }
  }

  finishBuild(): void {
    this.db.exec(`CREATE INDEX IF NOT EXISTS events_by_stream ON events (stream, position);
      CREATE INDEX IF NOT EXISTS events_by_actor ON events (actor, position);
      CREATE INDEX IF NOT EXISTS events_by_time ON events (recorded_at, position);`);
  }

  // ---- queries ----

  async events(filter: AuditFilter): Promise<{ items: AuditEvent[]; next: number | null }> {
    const where = ['position > @after'];
    if (filter.stream) where.push('stream = @stream');
    if (filter.actor) where.push('actor = @actor');
    if (filter.type) where.push('type = @type');
    if (filter.since) where.push('recorded_at >= @since');
    if (filter.until) where.push('recorded_at <= @until');
    const sql = `SELECT position FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT @limit`;
    let statement = this.listed.get(sql);
    if (!statement) this.listed.set(sql, (statement = this.db.prepare<Record<string, unknown>, number>(sql).pluck()));
    const positions = statement.all({ ...filter, after: filter.after ?? -1, limit: filter.limit });
    const stored = new Map<number, RecordedEvent>();
    for (const event of await this.store.readPositions(positions)) stored.set(event.position, event);
    const items = positions.map((position) => {
      const recorded = stored.get(position);
      // The view is made from this log: a position it names that the log lacks is another log's.
      if (!recorded) throw new Error(`the audit view names position ${position}, which the event log does not hold`);
      return auditEventOf({ recorded });
    });
    return { items, next: items.length === filter.limit ? items.at(-1)!.position : null };
  }
}
