import type Database from 'better-sqlite3';
import { getHeapStatistics } from 'node:v8';
import type { DomainEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { ClaimFold } from './claim-view.js';

/** A stored event with its domain reading (null for a type this code does not know). */
export interface ProjectedEvent {
  recorded: RecordedEvent;
  event: DomainEvent | null;
  /** Claim events: the claim's fold right after this event (set by the runner before any apply). */
  fold?: ClaimFold | null;
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
  /** Writes what `apply` held back while the file was being built (see `isBuilding`). */
  finishBuild?(db: Database.Database): void;
}

/** Heap taken by a kept fold of a claim with ten assertions, measured on the benchmark's log. */
const FOLD_BYTES = 40 * 1024;

/**
 * What the claim projections hold in memory: the folds the runner keeps between batches (a miss
 * reads the claim's stream; a fold of ten assertions is ~40 KB of heap), more while files are being
 * built, and the claims whose views a file being built holds back. A build takes at most ~40% of
 * the heap the process may have (a server started with --max-old-space-size still builds, more
 * slowly). Tests lower them to go past them.
 */
export const claimMemory = {
  foldsKept: 250,
  foldsKeptWhileBuilding: Math.min(12_000, Math.max(500, Math.floor((0.25 * getHeapStatistics().heap_size_limit) / FOLD_BYTES))),
  heldClaims: Math.min(10_000, Math.max(500, Math.floor((0.15 * getHeapStatistics().heap_size_limit) / FOLD_BYTES))),
};

/**
 * Files being built, not yet served. A projection may hold writes back in memory for these (a
 * claim's view written once, not after every batch that touches it): nobody reads the file until
 * `finishBuild`, and a build interrupted by a crash is thrown away.
 */
const building = new WeakSet<Database.Database>();

export function setBuilding(db: Database.Database, on: boolean): void {
  if (on) building.add(db);
  else building.delete(db);
}

export function isBuilding(db: Database.Database): boolean {
  return building.has(db);
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
