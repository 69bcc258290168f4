/**
 * The in-memory transaction log behind the EventStoreDB stand-in.
 *
 * It models what the claimline adapter can observe of a real EventStoreDB 24.x node, no more:
 * - every event is a self-committed record at a byte-like log position; records are contiguous, so
 *   a position is valid only at a record boundary (a read from inside a record is refused, as the
 *   real server refuses it with "Trying to read from an invalid position");
 * - an event's commit and prepare positions are both its own log position (what 22.x+ report for
 *   implicitly committed writes), and an append answers with the position of its last event;
 * - expected-revision checks and idempotency follow the server's commit check: with a revision (or
 *   no_stream) the stream itself is compared event by event; with any / stream_exists the event ids
 *   are looked up in the committed-events cache (unbounded here, a bounded LRU in the server);
 * - the log starts with a few system events (`$`-prefixed types), like a fresh node does.
 */

export type StandInExpected =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint };

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  stream: string;
  revision: bigint;
  /** Log position of the record (commit = prepare for a self-committed record). */
  position: bigint;
  /** Log position just after the record: where the next record starts. */
  postPosition: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as the server reports `created`. */
  createdTicks: bigint;
}

export type AppendOutcome =
  | {
      kind: 'success';
      /** Revision of the last event of the (original, when idempotent) write; -1n for an empty write to no stream. */
      currentRevision: bigint;
      /** Position of the last event written; null when the server would not report one. */
      position: bigint | null;
      idempotent: boolean;
    }
  | { kind: 'wrong_expected_version'; currentRevision: bigint /* -1n: no stream */ };

export type AllFrom = 'start' | 'end' | { commit: bigint; prepare: bigint };
export type Direction = 'forwards' | 'backwards';

export interface EventFilter {
  on: 'stream' | 'event_type';
  regex?: RegExp;
  prefixes?: string[];
}

export class InvalidPositionError extends Error {
  override readonly name = 'InvalidPositionError';
  constructor(position: bigint) {
    super(`Trying to read from an invalid position (${position}).`);
  }
}

export class InvalidEventIdError extends Error {
  override readonly name = 'InvalidEventIdError';
}

export class MaxAppendSizeExceededError extends Error {
  override readonly name = 'MaxAppendSizeExceededError';
  constructor(readonly maxAppendSize: number) {
    super(`Maximum Append Size of ${maxAppendSize} Exceeded.`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TICKS_PER_MS = 10_000n;
/** The first bytes of a real chunk hold the epoch record, which is not an event. */
const FIRST_RECORD_POSITION = 128n;
/** Fixed part of a prepare record on disk (header, ids, length prefix and suffix), roughly. */
const RECORD_OVERHEAD = 90n;

export interface StandInLogOptions {
  /** System events written at start, like a fresh node's `$`-streams. Default true. */
  seedSystemEvents?: boolean;
  /** Whether an idempotent re-append reports the original position (true) or none (false, the default). */
  idempotentPosition?: boolean;
  /** Largest append in bytes of data and metadata; the server's default (`MaxAppendSize`) is 1 MiB. */
  maxAppendSize?: number;
  now?: () => number;
}

export class StandInLog {
  readonly events: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byId = new Map<string, StoredEvent>();
  private readonly boundaries = new Set<bigint>([0n, FIRST_RECORD_POSITION]);
  private writer = FIRST_RECORD_POSITION;
  private readonly listeners = new Set<(events: readonly StoredEvent[]) => void>();
  private readonly now: () => number;
  private readonly idempotentPosition: boolean;
  readonly maxAppendSize: number;

  constructor(options: StandInLogOptions = {}) {
    this.now = options.now ?? Date.now;
    this.idempotentPosition = options.idempotentPosition ?? false;
    this.maxAppendSize = options.maxAppendSize ?? 1024 * 1024;
    if (options.seedSystemEvents ?? true) {
      const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
      this.writeSystemEvent('$epoch-information', '$epoch-information', json({ epochNumber: 0 }));
      this.writeSystemEvent('$settings', '$settings', json({ $userStreamAcl: {}, $systemStreamAcl: {} }));
    }
  }

  /** End of the log: where the next record will be written. */
  get writerPosition(): bigint {
    return this.writer;
  }

  /** Appends a `$`-typed event the way the server's own subsystems do (stats, scavenges, ...). */
  writeSystemEvent(stream: string, type: string, data: Uint8Array = new Uint8Array()): StoredEvent {
    const current = this.currentRevision(stream);
    return this.write(stream, current, [
      { id: crypto.randomUUID(), type, contentType: 'application/json', data, metadata: new Uint8Array() },
    ])[0]!;
  }

  currentRevision(stream: string): bigint {
    const events = this.streams.get(stream);
    return events ? BigInt(events.length - 1) : -1n;
  }

  append(stream: string, expected: StandInExpected, proposed: readonly ProposedEvent[]): AppendOutcome {
    let size = 0;
    for (const event of proposed) {
      if (!UUID.test(event.id)) throw new InvalidEventIdError(`"${event.id}" is not a UUID`);
      size += event.data.length + event.metadata.length;
    }
    if (size > this.maxAppendSize) throw new MaxAppendSizeExceededError(this.maxAppendSize);
    const current = this.currentRevision(stream);
    const check = this.checkCommit(stream, expected, current, proposed);
    if (check.kind === 'wrong') return { kind: 'wrong_expected_version', currentRevision: current };
    if (check.kind === 'idempotent') {
      return {
        kind: 'success',
        currentRevision: check.last.revision,
        position: this.idempotentPosition ? check.last.position : null,
        idempotent: true,
      };
    }
    if (proposed.length === 0) {
      // The server writes an empty prepare for an empty append: a record, but no event.
      this.writer += RECORD_OVERHEAD;
      this.boundaries.add(this.writer);
      return { kind: 'success', currentRevision: current, position: this.writer - RECORD_OVERHEAD, idempotent: false };
    }
    const written = this.write(stream, current, proposed);
    const last = written[written.length - 1]!;
    return { kind: 'success', currentRevision: last.revision, position: last.position, idempotent: false };
  }

  /** Mirrors the server's commit check: ok, idempotent (all ids already there), or wrong expected version. */
  private checkCommit(
    stream: string,
    expected: StandInExpected,
    current: bigint,
    proposed: readonly ProposedEvent[],
  ): { kind: 'ok' } | { kind: 'wrong' } | { kind: 'idempotent'; last: StoredEvent } {
    if (expected.kind === 'stream_exists' && current < 0n) return { kind: 'wrong' };
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      let last: StoredEvent | undefined;
      for (const [index, event] of proposed.entries()) {
        const known = this.byId.get(event.id);
        if (!known || known.stream !== stream) {
          // The first id unknown: a new write. A later one unknown: a corrupted retry, refused.
          return index === 0 ? { kind: 'ok' } : { kind: 'wrong' };
        }
        last = known;
      }
      return last ? { kind: 'idempotent', last } : { kind: 'ok' };
    }
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < current) {
      const events = this.streams.get(stream) ?? [];
      let last: StoredEvent | undefined;
      for (const [index, event] of proposed.entries()) {
        const atRevision = events[Number(expectedRevision) + 1 + index];
        if (!atRevision || atRevision.id !== event.id) return { kind: 'wrong' };
        last = atRevision;
      }
      return last ? { kind: 'idempotent', last } : { kind: 'wrong' };
    }
    if (expectedRevision > current) return { kind: 'wrong' };
    return { kind: 'ok' };
  }

  private write(stream: string, current: bigint, proposed: readonly ProposedEvent[]): StoredEvent[] {
    const events = this.streams.get(stream) ?? [];
    this.streams.set(stream, events);
    const createdTicks = BigInt(this.now()) * TICKS_PER_MS;
    const written = proposed.map((event, index) => {
      const size =
        RECORD_OVERHEAD +
        BigInt(Buffer.byteLength(stream) + Buffer.byteLength(event.type) + event.data.length + event.metadata.length);
      const stored: StoredEvent = {
        ...event,
        stream,
        revision: current + 1n + BigInt(index),
        position: this.writer,
        postPosition: this.writer + size,
        createdTicks,
      };
      this.writer += size;
      this.boundaries.add(this.writer);
      events.push(stored);
      this.events.push(stored);
      this.byId.set(event.id, stored);
      return stored;
    });
    for (const listener of this.listeners) listener(written);
    return written;
  }

  readStream(
    stream: string,
    from: 'start' | 'end' | bigint,
    direction: Direction,
    count: bigint,
  ): StoredEvent[] | 'stream_not_found' {
    const events = this.streams.get(stream);
    if (!events) return 'stream_not_found';
    const n = Number(count > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : count);
    if (direction === 'forwards') {
      const start = from === 'start' ? 0 : from === 'end' ? events.length : Number(from);
      return events.slice(start, start + n);
    }
    // Backwards from a revision past the end reads the index range [from - count + 1, from], as the
    // server's index reader does: it does not clamp to the last event.
    const end = from === 'end' || from === 'start' ? (from === 'end' ? events.length - 1 : 0) : Number(from);
    const low = Math.max(0, end - n + 1);
    return events.slice(low, Math.min(end, events.length - 1) + 1).reverse();
  }

  /** Reads `$all`. Forwards is inclusive of `from`, backwards exclusive (records ending at or before it). */
  readAll(from: AllFrom, direction: Direction, count: bigint, filter?: EventFilter): StoredEvent[] {
    const limit = Number(count > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : count);
    const out: StoredEvent[] = [];
    if (direction === 'forwards') {
      const startAt = from === 'start' ? 0n : from === 'end' ? this.writer : this.validated(from.commit);
      for (let i = this.firstIndexAtOrAfter(startAt); i < this.events.length && out.length < limit; i++) {
        const event = this.events[i]!;
        if (matches(event, filter)) out.push(event);
      }
      return out;
    }
    const endAt = from === 'end' ? this.writer : from === 'start' ? 0n : this.validated(from.commit);
    for (let i = this.firstIndexAtOrAfter(endAt) - 1; i >= 0 && out.length < limit; i--) {
      const event = this.events[i]!;
      if (event.postPosition <= endAt && matches(event, filter)) out.push(event);
    }
    return out;
  }

  /** Events strictly after `position` (a subscription's start is exclusive). */
  eventsAfter(position: bigint): StoredEvent[] {
    this.validated(position);
    let i = this.firstIndexAtOrAfter(position);
    if (this.events[i]?.position === position) i++;
    return this.events.slice(i);
  }

  onWrite(listener: (events: readonly StoredEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private validated(position: bigint): bigint {
    // Past the end is not an error for the server: the read just finds nothing yet.
    if (position > this.writer || this.boundaries.has(position)) return position;
    throw new InvalidPositionError(position);
  }

  private firstIndexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.events[mid]!.position < position) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

export function matches(event: StoredEvent, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  const subject = filter.on === 'stream' ? event.stream : event.type;
  if (filter.prefixes && filter.prefixes.length > 0) return filter.prefixes.some((p) => subject.startsWith(p));
  if (filter.regex) return filter.regex.test(subject);
  return true;
}
