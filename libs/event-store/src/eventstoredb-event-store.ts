/**
 * The EventStoreDB / KurrentDB adapter of the EventStore port, over `@eventstore/db-client`.
 *
 * Everything client-specific is in this one file, so a swap to `@kurrent/kurrentdb-client` (the
 * renamed successor, same shapes) is an import change here.
 *
 * Positions: the port's position of an event is its **prepare position** in the transaction log,
 * the byte offset of the event's own record. EventStoreDB orders `$all` by (commit, prepare); the
 * commit position is shared by all events of a transaction committed by a separate commit record
 * (the legacy TCP transactions), while the prepare position is per event and strictly increasing
 * in `$all` order. For the self-committed writes the gRPC API makes, current servers report
 * commit = prepare anyway. Positions have gaps (they are byte offsets). The port needs a plain
 * number: offsets stay below 2^53 (8 PiB of log), checked on conversion.
 *
 * A port position `p` is not always a valid place to start a read in EventStoreDB (a reader resumes
 * at `checkpoint + 1`, which is inside a record, and the server refuses such reads as an invalid
 * position). So reads and subscriptions start from an anchor at or before `p` that the server
 * accepts, and events before `p` are dropped here; see `anchorFor`.
 *
 * Needs a server that reports event positions on stream reads (EventStoreDB 22.x and later; 20.6.0
 * also reported a write's first position as every event's prepare position).
 */
import { createHash } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { Observable, type Subscriber } from 'rxjs';
import {
  DuplicateEventId,
  NO_STREAM_REVISION,
  WrongExpectedRevision,
  checkExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './event-store.js';

type EsdbRecordedEvent = NonNullable<ResolvedEvent['event']>;

/** Reads of single positions in flight at once (readPositions). */
const POSITION_READS_AT_ONCE = 8;

/** How the server writes "no position": -1 as an unsigned 64-bit integer. */
const NO_POSITION = 2n ** 64n - 1n;
const GRPC_INVALID_ARGUMENT = 3;
const READ_PAGE = 500;
const READY_TIMEOUT_MS = 3000;
/** One stream per event id binds the id to the stream (and content) it was first appended to. */
const ID_CLAIM_STREAM_PREFIX = 'claimline-event-id-';
/** `$`-typed, so the claims stay out of reads and feeds like the server's own records. */
const ID_CLAIM_TYPE = '$claimline.event-id-claimed';

export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly live = new Set<{ subscriber: Subscriber<RecordedEvent>; stop: () => void }>();
  private closed = false;

  /** @param connectionString e.g. `esdb://localhost:2113?tls=false`, or several hosts for a cluster. */
  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async append(stream: string, events: readonly EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) return this.appendNothing(stream, expected);
    await this.claimIds(stream, events);
    let result;
    try {
      result = await this.client.appendToStream(
        stream,
        events.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            // JSON has no undefined; the client would otherwise fail to encode it.
            data: (event.data === undefined ? null : event.data) as never,
            metadata: (event.metadata ?? {}) as never,
          }),
        ),
        { expectedRevision: toEsdbExpected(expected) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === 'no_stream' ? NO_STREAM_REVISION : Number(error.actualVersion);
        if (await this.isPartialRepeat(stream, expected, actual, events)) throw new DuplicateEventId(events[0]!.id, stream);
        throw new WrongExpectedRevision(stream, expected, actual);
      }
      throw error;
    }
    const nextRevision = Number(result.nextExpectedRevision);
    // The append answer carries the position of the write's last event; an idempotent repeat may
    // come back without one (the server recognised the ids), so then the event is read back.
    const position = result.position
      ? toPortPosition(result.position.commit > result.position.prepare ? result.position.commit : result.position.prepare)
      : await this.positionOfRevision(stream, nextRevision);
    return { nextRevision, position };
  }

  /**
   * EventStoreDB only recognises a repeated id within the same stream; the port refuses an id that
   * is reused for another stream or other content. So before the append, each id is claimed in its
   * own stream (`claimline-event-id-<id>`) with a claim whose event id is derived from (id, stream,
   * content): repeating an identical append repeats identical claims, which the server accepts as
   * idempotent, while a different stream or content collides with the first claim. Claims are not
   * undone when the append itself is refused: such an id stays bound to its first stream.
   * The cost is one small extra write per event, made concurrently.
   */
  private async claimIds(stream: string, events: readonly EventToAppend[]): Promise<void> {
    const seen = new Set<string>();
    for (const event of events) {
      if (seen.has(event.id)) throw new DuplicateEventId(event.id, stream);
      seen.add(event.id);
    }
    await Promise.all(
      events.map(async (event) => {
        const digest = contentDigest(event);
        const claim = jsonEvent({ id: derivedUuid(`${event.id}\n${stream}\n${digest}`), type: ID_CLAIM_TYPE, data: { stream, digest } });
        try {
          await this.client.appendToStream(`${ID_CLAIM_STREAM_PREFIX}${event.id}`, claim, { expectedRevision: 'no_stream' });
        } catch (error) {
          if (error instanceof WrongExpectedVersionError) throw new DuplicateEventId(event.id, stream);
          throw error;
        }
      }),
    );
  }

  /**
   * The server also answers "wrong expected version" to a partial repeat: an append whose first
   * ids are stored in the stream but which does not repeat the stored write exactly. Tells that
   * apart from a real revision conflict (at most one small read).
   */
  private async isPartialRepeat(
    stream: string,
    expected: ExpectedRevision,
    actual: number,
    events: readonly EventToAppend[],
  ): Promise<boolean> {
    if (actual === NO_STREAM_REVISION) return false;
    // On an existing stream these are refused for a partial repeat only.
    if (expected === 'any' || expected === 'stream_exists') return true;
    const expectedRevision = expected === 'no_stream' ? NO_STREAM_REVISION : expected;
    if (expectedRevision >= actual) return false;
    // Past the expected revision, the server compared the stored events with ours: it went on only
    // if the first one matched.
    const [next] = await this.readStreamRaw(stream, expectedRevision + 1, 'forwards', 1);
    return next?.id === events[0]!.id;
  }

  /** An empty append writes nothing; EventStoreDB's answer to one is version-dependent, so it is checked here. */
  private async appendNothing(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.readStream(stream, { direction: 'backwards', limit: 1 });
    const actual = last ? last.revision : NO_STREAM_REVISION;
    checkExpectedRevision(stream, expected, actual);
    return { nextRevision: actual, position: last ? last.position : await this.headPosition() };
  }

  private async positionOfRevision(stream: string, revision: number): Promise<number> {
    const [event] = await this.readStream(stream, { from: revision, direction: 'backwards', limit: 1 });
    if (!event || event.revision !== revision) {
      throw new Error(`EventStoreDB acknowledged ${stream}@${revision} but it cannot be read back`);
    }
    return event.position;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (limit <= 0) return [];
    let from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
    if (typeof from === 'number') {
      if (from < 0) {
        if (direction === 'backwards') return [];
        from = 'start';
      } else if (direction === 'backwards') {
        // The server reads the revision range [from - limit + 1, from] backwards without clamping
        // `from` to the stream's end, so clamp it here.
        const [last] = await this.readStreamRaw(stream, 'end', 'backwards', 1);
        if (!last) return [];
        if (from > last.revision) from = last.revision;
      }
    }
    return this.readStreamRaw(stream, from, direction, limit);
  }

  private async readStreamRaw(
    stream: string,
    from: number | 'start' | 'end',
    direction: 'forwards' | 'backwards',
    limit: number,
  ): Promise<RecordedEvent[]> {
    let page: ResolvedEvent[];
    try {
      page = await collect(
        this.client.readStream(stream, {
          fromRevision: from === 'start' ? START : from === 'end' ? END : BigInt(from),
          direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
          maxCount: limit,
        }),
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return page.flatMap((resolved) => (resolved.event ? [toRecorded(resolved.event)] : []));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const out: RecordedEvent[] = [];
    if (limit <= 0) return out;
    for await (const event of this.allForwards(options.fromPosition ?? 0, Math.min(limit + 1, READ_PAGE))) {
      out.push(event);
      if (out.length >= limit) break;
    }
    return out;
  }

  async readPositions(positions: readonly number[]): Promise<RecordedEvent[]> {
    const wanted = [...new Set(positions)].sort((a, b) => a - b);
    const found: (RecordedEvent | undefined)[] = new Array(wanted.length);
    // One read of $all each (the server has no read by position): a few at a time.
    let next = 0;
    const reader = async (): Promise<void> => {
      for (let i = next++; i < wanted.length; i = next++) {
        const [event] = await this.readAll({ fromPosition: wanted[i]!, limit: 1 });
        if (event?.position === wanted[i]) found[i] = event;
      }
    };
    await Promise.all(Array.from({ length: Math.min(POSITION_READS_AT_ONCE, wanted.length) }, reader));
    return found.filter((event): event is RecordedEvent => event !== undefined);
  }

  /** User events of `$all` from port position `from` (inclusive), in global order, paged. */
  private async *allForwards(from: number, pageSize: number): AsyncGenerator<RecordedEvent> {
    let anchor: Position | 'start' = from <= 0 ? 'start' : { commit: BigInt(from - 1), prepare: BigInt(from - 1) };
    let page: AllStreamResolvedEvent[];
    try {
      page = await this.readAllPage(anchor, pageSize);
    } catch (error) {
      if (!isInvalidPosition(error)) throw error;
      anchor = await this.anchorFor(from, true);
      page = await this.readAllPage(anchor, pageSize);
    }
    for (;;) {
      let last: Position | undefined;
      for (const resolved of page) {
        const event = resolved.event;
        if (!event?.position) continue;
        last = event.position;
        // A forwards read includes its start, which is the anchor (already seen or before `from`).
        if (anchor !== 'start' && event.position.prepare === anchor.prepare && event.position.commit === anchor.commit) continue;
        if (isSystemEvent(event)) continue;
        const recorded = toRecorded(event);
        if (recorded.position >= from) yield recorded;
      }
      if (page.length < pageSize || !last) return;
      anchor = last;
      page = await this.readAllPage(anchor, pageSize);
    }
  }

  private readAllPage(from: Position | 'start', maxCount: number): Promise<AllStreamResolvedEvent[]> {
    return collect(this.client.readAll({ fromPosition: from === 'start' ? START : from, direction: FORWARDS, maxCount }));
  }

  /**
   * A place the server accepts to start from, at or before port position `from`: everything from
   * `from` on comes after it. Tries `from - 1` (a reader resuming after a checkpoint), then the event
   * just before `from` (when `from` is itself an event's position), then the start of the log.
   */
  private async anchorFor(from: number, previousRefused = false): Promise<Position | 'start'> {
    if (from <= 0) return 'start';
    const previous = { commit: BigInt(from - 1), prepare: BigInt(from - 1) };
    if (!previousRefused) {
      try {
        await this.readAllPage(previous, 1);
        return previous;
      } catch (error) {
        if (!isInvalidPosition(error)) throw error;
      }
    }
    try {
      const at = { commit: BigInt(from), prepare: BigInt(from) };
      const [before] = await collect(this.client.readAll({ fromPosition: at, direction: BACKWARDS, maxCount: 1 }));
      return before?.event?.position ?? 'start';
    } catch (error) {
      if (!isInvalidPosition(error)) throw error;
      // Neither is a record boundary (a position this store never handed out): scan from the start.
      return 'start';
    }
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    const from = options.fromPosition ?? 0;
    return new Observable<RecordedEvent>((subscriber) => {
      if (this.closed) {
        subscriber.complete();
        return undefined;
      }
      let subscription: AllStreamSubscription | undefined;
      let stopped = false;
      const entry = {
        subscriber,
        stop: () => {
          stopped = true;
          this.live.delete(entry);
          void subscription?.unsubscribe();
        },
      };
      this.live.add(entry);
      this.anchorFor(from)
        .then((anchor) => {
          if (stopped) return;
          // Catch-up then live from just after the anchor; the filter keeps `$` events on the server.
          subscription = this.client.subscribeToAll({
            fromPosition: anchor === 'start' ? START : anchor,
            filter: excludeSystemEvents(),
          });
          let last = -1;
          subscription.on('data', (resolved: AllStreamResolvedEvent) => {
            const event = resolved.event;
            if (stopped || !event || isSystemEvent(event)) return;
            const recorded = toRecorded(event);
            // No repeats, and nothing before `from` (the anchor may lie before it).
            if (recorded.position < from || recorded.position <= last) return;
            last = recorded.position;
            subscriber.next(recorded);
          });
          subscription.on('error', (error: unknown) => {
            if (stopped) return;
            entry.stop();
            subscriber.error(error);
          });
        })
        .catch((error: unknown) => {
          if (stopped) return;
          entry.stop();
          subscriber.error(error);
        });
      return () => entry.stop();
    });
  }

  async headPosition(): Promise<number> {
    let from: Position | typeof END = END;
    for (;;) {
      const page = await collect(this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: READ_PAGE }));
      let last: Position | undefined;
      for (const resolved of page) {
        const event = resolved.event;
        if (!event?.position) continue;
        last = event.position;
        if (!isSystemEvent(event)) return toPortPosition(event.position.prepare);
      }
      // A backwards read excludes its start, so the last position seen is the next page's start.
      if (page.length < READ_PAGE || !last) return -1;
      from = last;
    }
  }

  async isReady(): Promise<boolean> {
    if (this.closed) return false;
    let timer: NodeJS.Timeout | undefined;
    const probe = collect(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })).then(() => true);
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    });
    try {
      return await Promise.race([probe, timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      probe.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const entry of [...this.live]) {
      entry.stop();
      entry.subscriber.complete();
    }
    await this.client.dispose();
  }
}

/** The stored form the port compares for "the same event": type, data and metadata as JSON. */
function contentDigest(event: EventToAppend): string {
  const content = JSON.stringify([event.type, event.data === undefined ? null : event.data, event.metadata ?? {}]);
  return createHash('sha256').update(content).digest('hex');
}

/** A UUID (version 8, name-based) derived from `name`: the same name gives the same id. */
function derivedUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Reads a client stream to its end. Every read is bounded by its count and drained: a read left
 * half-consumed keeps its gRPC call open, and the client's dispose() then waits for it forever.
 */
async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return 'any';
    case 'no_stream':
      return 'no_stream';
    case 'stream_exists':
      return 'stream_exists';
    default:
      if (!Number.isSafeInteger(expected) || expected < -1) throw new RangeError(`invalid expected revision ${expected}`);
      // The client has no numeric form of "no stream"; -1 means exactly that in the port.
      return expected === NO_STREAM_REVISION ? 'no_stream' : BigInt(expected);
  }
}

function isSystemEvent(event: EsdbRecordedEvent): boolean {
  return event.type.startsWith('$');
}

function isInvalidPosition(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === GRPC_INVALID_ARGUMENT;
}

function toPortPosition(value: bigint): number {
  if (value < 0n || value === NO_POSITION) {
    throw new Error('EventStoreDB did not report a position for this event (stream reads carry positions from 22.x on)');
  }
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`log position ${value} exceeds 2^53`);
  return Number(value);
}

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.position) {
    throw new Error('EventStoreDB did not report a position for this event (stream reads carry positions from 22.x on)');
  }
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position: toPortPosition(event.position.prepare),
    type: event.type,
    data: event.data,
    metadata: isPlainObject(event.metadata) ? (event.metadata as EventMetadata) : {},
    created: event.created.toISOString(),
  };
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
