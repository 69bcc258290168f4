import type Database from 'better-sqlite3';
import type { DomainEvent, DomainEventType } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';

/** A stored event with its domain reading (null for a type this code does not know). */
export interface ProjectedEvent {
  recorded: RecordedEvent;
  event: DomainEvent | null;
}

/**
 * What the read models fed by one read of the log share: the log itself, and stages such as the
 * claim folds (one instance per feed, made by the first model that asks for it). The live models
 * are one feed; a build is another.
 */
export interface Feed {
  readonly store: EventStore;
  readonly decode: (recorded: RecordedEvent) => DomainEvent | null;
  /** The models of this feed write files being built (not yet read by anyone). */
  readonly building: boolean;
  /**
   * A build from position 0 that reads each claim's stream whole at its opening covers every
   * claim event up to here (-1: none): those events come to the claim views with their stream.
   */
  readonly streamedTo: number;
  shared<T>(key: string, make: () => T): T;
}

export interface OpenOptions {
  feed: Feed;
  /** The file's checkpoint: `apply` is given the events after it. */
  checkpoint(): number;
  /**
   * The file is not being built, or its build has ended (a build thread hands its files back
   * built): the model makes the indexes a build leaves to its end (`finishBuild`) when it opens.
   */
  built: boolean;
}

/**
 * One read model: the events it handles and how to open it on its SQLite file. `open` creates the
 * tables of a new file and returns the object that owns its statements, caches, apply step and
 * queries; the runner calls `apply` inside the transaction that also moves the file's checkpoint,
 * so a batch is applied exactly once or not at all.
 */
export interface Projection<M extends ReadModel = ReadModel> {
  readonly name: ProjectionName;
  /** Bump when the code changes what the projection stores: a file of another version is rebuilt. */
  readonly version: number;
  /** The stored event types it reads (so "who reads X" is one grep): `apply` sees only these. */
  readonly handles: readonly DomainEventType[] | 'every event';
  /**
   * Set by projections that read each claim's stream whole while being built from position 0: of
   * the position-ordered log, such a build needs only these types, and a long build runs in a
   * thread of its own (build-thread.ts).
   */
  readonly buildReads?: readonly DomainEventType[];
  /**
   * False for a projection whose `apply` reads where each event is, its type and its metadata,
   * never its data: a build that feeds only such projections on the runner's thread reads the log
   * without the data (of the types its build threads need).
   */
  readonly readsData?: false;
  open(db: Database.Database, options: OpenOptions): M;
}

export interface ReadModel {
  /** Reads what `apply` will need from the log (outside the transaction); given the whole batch. */
  prepare?(batch: readonly ProjectedEvent[]): Promise<void>;
  /** Applies the events it handles that are after its checkpoint, synchronously, in the file's transaction. */
  apply(events: readonly ProjectedEvent[]): void;
  /** The transaction of the last `apply` has committed: what it wrote is on the file (not called when it rolled back). */
  committed?(): void;
  /** The file is complete up to its build's end: make the indexes its queries use (not kept up while building). */
  finishBuild?(): void;
}

export function handlesEvent(projection: Projection, type: string): boolean {
  return projection.handles === 'every event' || (projection.handles as readonly string[]).includes(type);
}

/**
 * What the claim views hold in memory: the folds kept between batches (a miss reads the claim's
 * stream from the log), at most this many, and at most this many entries between them: a fold's
 * assertions and its discrepancy pairs, about 1 KB each (a pair keeps both sides, its two values
 * and its place in the fold's indexes; ten disagreeing assertions make 45 pairs). Tests lower them to go past them.
 */
export const claimMemory = {
  foldsKept: 10_000,
  foldsKeptWhileBuilding: 2000,
  entriesKept: 16_000,
};

export const PROJECTION_NAMES = ['claim-state', 'claim-timeline', 'discrepancies', 'sources', 'audit'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

export function isProjectionName(name: string): name is ProjectionName {
  return (PROJECTION_NAMES as readonly string[]).includes(name);
}

/** Who recorded a stored event and when (the recorded-at axis), as its metadata says. */
export function contextOf(recorded: RecordedEvent): { revision: number; position: number; recordedAt: string; actor: string } {
  const meta = recorded.metadata as { recordedAt?: unknown; actor?: unknown };
  return {
    revision: recorded.revision,
    position: recorded.position,
    recordedAt: typeof meta.recordedAt === 'string' ? meta.recordedAt : recorded.created,
    actor: typeof meta.actor === 'string' ? meta.actor : 'unknown',
  };
}
