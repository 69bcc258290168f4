import { createHash, randomUUID } from 'node:crypto';
// Time-ordered event ids grow the store's id index at its end, not at random leaves: 1.43x
// events/s for 32 writers per commit on SQLite.
import { v7 as uuidv7 } from 'uuid';
import {
  DomainError,
  type DomainEvent,
  fromRecorded,
  metadataOf,
  type RecordingMetadata,
  toEventToAppend,
} from '#domain';
import { type AppendResult, type EventStore, type EventToAppend, type RecordedEvent, WrongExpectedRevision } from '#event-store';

/** Who is writing and under which guarantees; the API fills it from the request. */
export interface WriteContext {
  /** The API key's name (or `seed`, `cli`). */
  actor: string;
  /** Defaults to a fresh UUID. */
  correlationId?: string;
  /** Defaults to the correlation id (a request causes its own events). */
  causationId?: string;
  /** The client's Idempotency-Key: a retry of a write that succeeded returns its first result. */
  idempotencyKey?: string;
  /** From If-Match: the revision the client last read; a stale one fails with WrongExpectedRevision. */
  expectedRevision?: number;
  /**
   * Makes event ids deterministic (derived from this seed, the stream and the event's place), so a
   * retry that somehow gets past the idempotency check still cannot append the same events twice.
   */
  eventIdSeed?: string;
}

/** What every write answers with; each command adds what its caller needs. */
export interface WriteResult {
  /** The stream's revision after the write: the next If-Match. */
  revision: number;
  /** Global position of the event written: wait for projections to pass it to read your write. */
  position: number;
  /** The event as written (the store's own clock is not known here). */
  event: WrittenEvent;
  /** True when the Idempotency-Key matched an earlier write: nothing was appended, this is its result. */
  replayed: boolean;
}

/** A stored event as the writer knows it right after the append (the store's clock is not known). */
export interface WrittenEvent {
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

export interface Written {
  stream: string;
  /** The stream's revision after the write: the next If-Match. */
  revision: number;
  /** Global position of the last event written: a reader can wait for projections to pass it. */
  position: number;
  events: WrittenEvent[];
  /** True when an Idempotency-Key matched an earlier write and nothing was appended. */
  replayed: boolean;
}

export interface Loaded<S> {
  state: S;
  /** -1 when the stream does not exist. */
  revision: number;
  recorded: RecordedEvent[];
}

/** Reads a stream and folds it. A stream only holds its own kind of events (one decider writes it). */
export async function load<S, E extends DomainEvent>(
  store: EventStore,
  stream: string,
  initial: () => S,
  evolve: (state: S, event: E) => S,
): Promise<Loaded<S>> {
  const recorded = await store.readStream(stream);
  const state = recorded.reduce((s, r) => evolve(s, fromRecorded(r) as E), initial());
  return { state, revision: recorded.at(-1)?.revision ?? -1, recorded };
}

/**
 * How often a write without If-Match is decided again after losing a race to another writer before
 * it gives up with a conflict (each lost race means some other write landed, so this only runs out
 * under extreme contention on one stream).
 */
export const UNCONDITIONAL_WRITE_ATTEMPTS = 100;

/**
 * The one write path: load, decide, append at exactly the revision that was decided on, so two
 * writers racing on one stream cannot both win. With If-Match the loser gets WrongExpectedRevision
 * (412): the client decided on a state that is gone. Without If-Match the client set no
 * precondition, so the loser decides again on the new state and appends after it.
 */
export async function decideAndAppend<S, E extends DomainEvent>(
  store: EventStore,
  args: {
    stream: string;
    initial: () => S;
    evolve: (state: S, event: E) => S;
    /** The one event type this command records (an idempotency key reused for another kind of write is refused). */
    records: E['type'];
    /** May load more (the quoted source) before deciding. */
    decide: (state: S) => E[] | Promise<E[]>;
    context: WriteContext;
    /** Set when the command creates the stream: losing a creation race is then a conflict on this field. */
    creates?: { field: string; what: string };
  },
): Promise<Written> {
  return inTurn(store, args.stream, () => decideAndAppendNow(store, args));
}

/**
 * Writes to one stream from this process take turns: each decides on the state the previous one
 * left, so they never lose a race to each other (100 writers on one claim would otherwise decide
 * about 5,000 times between them). Writers in other processes can still race; the retry handles them.
 */
const turns = new WeakMap<EventStore, Map<string, Promise<void>>>();

async function inTurn<T>(store: EventStore, stream: string, work: () => Promise<T>): Promise<T> {
  let queues = turns.get(store);
  if (!queues) turns.set(store, (queues = new Map()));
  const previous = queues.get(stream);
  const mine = previous ? previous.then(work) : work();
  const done = mine.then(
    () => undefined,
    () => undefined,
  );
  queues.set(stream, done);
  try {
    return await mine;
  } finally {
    if (queues.get(stream) === done) queues.delete(stream);
  }
}

async function decideAndAppendNow<S, E extends DomainEvent>(store: EventStore, args: Parameters<typeof decideAndAppend<S, E>>[1]): Promise<Written> {
  const { stream, context } = args;
  for (let attempt = 1; ; attempt++) {
    const loaded = await load(store, stream, args.initial, args.evolve);
    const earlier = replay(stream, loaded.recorded, context, args.records);
    if (earlier) return earlier;
    if (context.expectedRevision !== undefined && context.expectedRevision !== loaded.revision) {
      // Refuse before deciding: the client decided on a state it no longer sees.
      throw new WrongExpectedRevision(stream, context.expectedRevision, loaded.revision);
    }

    const events = await args.decide(loaded.state);
    const metadata = recordingMetadata(context);
    const toAppend = events.map((event, i) =>
      toEventToAppend(event, context.eventIdSeed === undefined ? uuidv7() : uuidFrom(`${context.eventIdSeed}\u0000${stream}\u0000${i}`), metadata),
    );
    let result;
    try {
      result = await store.append(stream, toAppend, {
        expectedRevision: loaded.revision === -1 ? 'no_stream' : loaded.revision,
      });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevision)) throw error;
      // A retry racing its own first attempt: the winner may be that attempt.
      const again = replay(stream, (await load(store, stream, args.initial, args.evolve)).recorded, context, args.records);
      if (again) return again;
      if (args.creates && loaded.revision === -1) {
        throw new DomainError('conflict', `${args.creates.what} was created by another request just now`, args.creates.field);
      }
      if (context.expectedRevision !== undefined) throw error;
      if (attempt < UNCONDITIONAL_WRITE_ATTEMPTS) continue;
      throw new DomainError('conflict', `${stream} changed ${attempt} times while this write was being decided; send it again`);
    }
    return written(stream, toAppend, result);
  }
}

function written(stream: string, toAppend: readonly EventToAppend[], result: AppendResult): Written {
  const first = result.nextRevision - toAppend.length + 1;
  return {
    stream,
    revision: result.nextRevision,
    position: result.position,
    events: toAppend.map((e, i) => ({ id: e.id, stream, revision: first + i, type: e.type, data: e.data, metadata: e.metadata ?? {} })),
    replayed: false,
  };
}

/** The earlier write this idempotency key made by this actor, if any. */
function replay(stream: string, recorded: RecordedEvent[], context: WriteContext, records: string): Written | undefined {
  const key = context.idempotencyKey;
  if (key === undefined) return undefined;
  const mine = recorded.filter((r) => {
    const m = metadataOf(r);
    return m.idempotencyKey === key && m.actor === context.actor;
  });
  const last = mine.at(-1);
  if (!last) return undefined;
  if (mine.some((r) => r.type !== records)) {
    throw new DomainError('unprocessable', 'this Idempotency-Key was already used for a different request', 'Idempotency-Key');
  }
  return {
    stream,
    revision: last.revision,
    position: last.position,
    events: mine.map((r) => ({ id: r.id, stream, revision: r.revision, type: r.type, data: fromRecorded(r).data, metadata: r.metadata })),
    replayed: true,
  };
}

function recordingMetadata(context: WriteContext): RecordingMetadata {
  const correlationId = context.correlationId ?? randomUUID();
  return {
    actor: context.actor,
    recordedAt: new Date().toISOString(),
    correlationId,
    causationId: context.causationId ?? correlationId,
    ...(context.idempotencyKey === undefined ? {} : { idempotencyKey: context.idempotencyKey }),
  };
}

/**
 * The id of what a command creates: the given one, else one derived from the idempotency key (so a
 * retry lands on the same stream and finds its first write), else a fresh UUID.
 */
export function newId(given: string | undefined, context: WriteContext, purpose: string, field: string): string {
  if (given !== undefined) {
    // The id becomes part of a stream name and a URL path: keep it to a safe alphabet.
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(given)) {
      throw new DomainError('invalid', `${field} must be 1-128 letters, digits, '.', '_', ':' or '-'`, field);
    }
    return given;
  }
  if (context.idempotencyKey === undefined) return randomUUID();
  return uuidFrom(`${purpose}\u0000${context.actor}\u0000${context.idempotencyKey}`);
}

/** An RFC 9562 version-8 (custom) UUID derived from `name`: same name, same id. */
function uuidFrom(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The result common to every write, with the single event the command recorded (each records one). */
export function writeResult<E extends DomainEvent>(written: Written): WriteResult & { event: { type: E['type']; data: E['data'] } } {
  const event = written.events.at(-1) as WrittenEvent & { type: E['type']; data: E['data'] };
  return { revision: written.revision, position: written.position, event, replayed: written.replayed };
}

