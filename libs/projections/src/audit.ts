import type Database from 'better-sqlite3';
import { storedJsonOf } from '#event-store';
import { isClaimEvent } from './claim-folds.js';
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
export function auditEventOf({ recorded, event }: ProjectedEvent): AuditEvent {
  const { actor, recordedAt } = contextOf(recorded);
  const { position, id, stream, revision, type, data } = recorded;
  return { position, id, stream, revision, type, actor, recordedAt, claimId: isClaimEvent(event) ? event.data.claimId : null, data, metadata: recorded.metadata as Record<string, unknown> };
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

/** audit: the raw event feed with its metadata, filterable by stream, actor, type and time. */
export const auditProjection: Projection<AuditModel> = {
  name: 'audit',
  // 2: its indexes are made when a build ends.
  version: 2,
  // Events of types this code does not know too: the feed is the log as it is.
  handles: 'every event',
  open: (db, options) => new AuditModel(db, options),
};

export class AuditModel implements ReadModel {
  private readonly insert: Database.Statement<unknown[]>;
  private readonly listed = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    { built }: OpenOptions,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL,
        actor TEXT NOT NULL, recorded_at TEXT NOT NULL, claim_id TEXT, data TEXT NOT NULL, metadata TEXT NOT NULL)`);
    if (built) this.finishBuild();
    this.insert = db.prepare<unknown[]>(
      `INSERT OR IGNORE INTO events (position, event_id, stream, revision, type, actor, recorded_at, claim_id, data, metadata)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  apply(events: readonly ProjectedEvent[]): void {
    for (const { recorded, event } of events) {
      const ctx = contextOf(recorded);
      const json = storedJsonOf(recorded);
      this.insert.run(
        recorded.position, recorded.id, recorded.stream, recorded.revision, recorded.type, ctx.actor, ctx.recordedAt,
        isClaimEvent(event) ? event.data.claimId : null, json.data, json.metadata,
      );
    }
  }

  finishBuild(): void {
    this.db.exec(`CREATE INDEX IF NOT EXISTS events_by_stream ON events (stream, position);
      CREATE INDEX IF NOT EXISTS events_by_actor ON events (actor, position);
      CREATE INDEX IF NOT EXISTS events_by_time ON events (recorded_at, position);`);
  }

  // ---- queries ----

  events(filter: AuditFilter): { items: AuditEvent[]; next: number | null } {
    const where = ['position > @after'];
    if (filter.stream) where.push('stream = @stream');
    if (filter.actor) where.push('actor = @actor');
    if (filter.type) where.push('type = @type');
    if (filter.since) where.push('recorded_at >= @since');
    if (filter.until) where.push('recorded_at <= @until');
    const sql = `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT @limit`;
    let statement = this.listed.get(sql);
    if (!statement) this.listed.set(sql, (statement = this.db.prepare(sql)));
    const rows = statement.all({ ...filter, after: filter.after ?? -1, limit: filter.limit }) as AuditRow[];
    const items = rows.map((r) => ({
      position: r.position,
      id: r.event_id,
      stream: r.stream,
      revision: r.revision,
      type: r.type,
      actor: r.actor,
      recordedAt: r.recorded_at,
      claimId: r.claim_id,
      data: JSON.parse(r.data) as unknown,
      metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    }));
    return { items, next: items.length === filter.limit ? items.at(-1)!.position : null };
  }
}

interface AuditRow {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  actor: string;
  recorded_at: string;
  claim_id: string | null;
  data: string;
  metadata: string;
}
