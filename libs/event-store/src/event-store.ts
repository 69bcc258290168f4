import type { Observable } from 'rxjs';

/**
 * The one contract every event-store adapter meets (DESIGN section 5).
 *
 * Revisions count from 0 within a stream; a stream with no events is at revision -1.
 * Positions are integers that strictly increase in global (commit) order across all streams.
 * They are opaque: an adapter may leave gaps, so a checkpoint is "the position of the last event
 * handled" and a reader resumes with `fromPosition: checkpoint + 1`.
 */
export type ExpectedRevision = number | 'any' | 'no_stream' | 'stream_exists';

export const NO_STREAM_REVISION = -1;

export type EventMetadata = Record<string, unknown>;

export interface EventToAppend {
  /** A UUID chosen by the writer; re-appending the same ids to the same stream is a no-op. */
  id: string;
  /** The stable stored name, e.g. `claimline.assertion-recorded`. */
  type: string;
  data: unknown;
  metadata?: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  /** When the store wrote it (store clock, ISO 8601). */
  created: string;
}

export interface AppendOptions {
  /** Defaults to `'any'`. */
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the last event now in the stream. */
  nextRevision: number;
  /** The global position of the last event appended. */
  position: number;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Defaults to the start (forwards) or the end (backwards). */
  from?: number | 'start' | 'end';
  direction?: 'forwards' | 'backwards';
  limit?: number;
}

export interface ReadAllOptions {
  /** First global position to read (inclusive). Defaults to the beginning of the log. */
  fromPosition?: number;
  limit?: number;
  /**
   * Only events of these types come with their data; the others have `data: undefined`. For a
   * reader that needs where each event is, what type and who recorded it, but not what it says (an
   * index of the log): reading and parsing the data is most of a read. An adapter may ignore it.
   */
  dataOf?: readonly string[];
}

export interface SubscribeOptions {
  /** First global position to deliver (inclusive); catch-up runs from here, then the feed goes live. */
  fromPosition?: number;
}

export interface EventStore {
  /**
   * Appends atomically (all events or none). Resolves only once the events are durable.
   * Idempotent: if every id is already stored, in this stream, in this order and with the same
   * content, nothing is written and the original result is returned, whatever `expectedRevision`
   * says now (so a writer can retry after a lost acknowledgement). Rejects with
   * `WrongExpectedRevision` or `DuplicateEventId`; a rejected append writes nothing.
   */
  append(stream: string, events: readonly EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream; an unknown stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of all streams in global order; without `limit`, to the end of the log. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The events at these positions, in global order; a position that holds no event is left out. */
  readPositions(positions: readonly number[]): Promise<RecordedEvent[]>;
  /** Catch-up then live, in global order, without gaps or repeats. Completes when the store closes. */
  subscribe(options?: SubscribeOptions): Observable<RecordedEvent>;
  /** The position of the newest event in the log, or -1 when the log is empty. */
  headPosition(): Promise<number>;
  /** Whether the store can take writes right now (used by /health). */
  isReady(): Promise<boolean>;
  /** Finishes appends already accepted, completes live subscriptions; idempotent. */
  close(): Promise<void>;
}

/** Thrown when `expectedRevision` does not hold; carries the stream's real current revision. */
export class WrongExpectedRevision extends Error {
  override readonly name = 'WrongExpectedRevision';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, but it is at ${actual}`);
  }
}

/**
 * Thrown when an event id is already stored and the append does not repeat it exactly: another
 * stream, other content, another place in the stream, or only some of the append's ids stored.
 */
export class DuplicateEventId extends Error {
  override readonly name = 'DuplicateEventId';
  constructor(readonly eventId: string, readonly stream: string) {
    super(`event ${eventId} is already stored and this append does not repeat it exactly (stream ${stream})`);
  }
}

/** Whether a stream at revision `actual` may take an append that expects `expected`: the one copy of this rule. */
export function expectedRevisionHolds(expected: ExpectedRevision, actual: number): boolean {
  return (
    expected === 'any' ||
    (expected === 'no_stream' && actual === NO_STREAM_REVISION) ||
    (expected === 'stream_exists' && actual !== NO_STREAM_REVISION) ||
    expected === actual
  );
}

export function checkExpectedRevision(stream: string, expected: ExpectedRevision, actual: number): void {
  if (!expectedRevisionHolds(expected, actual)) throw new WrongExpectedRevision(stream, expected, actual);
}

/** Injection token under which the configured adapter is provided (a plain value: no framework here). */
export const EVENT_STORE = 'claimline.EventStore';
