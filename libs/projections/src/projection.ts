import type Database from 'better-sqlite3';
import type { DomainEvent } from '#domain';
import type { RecordedEvent } from '#event-store';

/** A stored event with its domain reading (null for a type this code does not know). */
export interface ProjectedEvent {
  recorded: RecordedEvent;
  event: DomainEvent | null;
}

/**
 * One read model. It owns the tables of its own SQLite file; the runner calls `apply` inside the
 * transaction that also moves the file's checkpoint, so a batch is applied exactly once or not at all.
 */
export interface Projection {
  readonly name: ProjectionName;
  /** Bump when the code changes what the projection stores: a file of another version is rebuilt. */
  readonly version: number;
  migrate(db: Database.Database): void;
  apply(db: Database.Database, events: readonly ProjectedEvent[]): void;
}

export const PROJECTION_NAMES = ['claim-state', 'claim-timeline', 'discrepancies', 'sources', 'audit'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

export function isProjectionName(name: string): name is ProjectionName {
  return (PROJECTION_NAMES as readonly string[]).includes(name);
}

/** Caches prepared statements per connection, so each file generation gets its own. */
export function statementsFor<T>(cache: WeakMap<Database.Database, T>, db: Database.Database, prepare: (db: Database.Database) => T): T {
  let statements = cache.get(db);
  if (!statements) {
    statements = prepare(db);
    cache.set(db, statements);
  }
  return statements;
}
