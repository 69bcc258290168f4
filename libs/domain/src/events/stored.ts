import type { EventToAppend, RecordedEvent } from '#event-store';
import { type DomainEvent, type DomainEventType, isDomainEventType } from './events.js';

/**
 * How domain events meet the log. The schema version is kept in the stored event's METADATA, not its
 * data: data stays the fact exactly as the types above describe it, and the version says how to read
 * that data, which is a property of the encoding. An event stored without one is version 1.
 *
 * Old versions are upcast on read, one step at a time, and never rewritten in the log.
 */

/** Who recorded an event, when and why; set by the command handler, never by a decider. */
export interface RecordingMetadata {
  /** The API key's name (or `seed`, `cli`). */
  actor: string;
  /** Server clock, ISO 8601: the recorded-at axis. */
  recordedAt: string;
  /** Shared by everything one request caused. */
  correlationId: string;
  /** The message that directly caused this event (for a request: the request itself). */
  causationId: string;
  /** The client's Idempotency-Key, when it sent one. */
  idempotencyKey?: string;
  /** A digest of the request that key came with: the key reused for another request is refused. */
  requestFingerprint?: string;
}

export interface StoredMetadata extends RecordingMetadata {
  schemaVersion: number;
}

/** Turns data of version `n` into data of version `n + 1`. */
export type Upcaster = (data: unknown) => unknown;

export interface EventSchema {
  /** The version new events are written with. */
  version: number;
  /** `upcasters[n]` lifts version n to n + 1; every version below `version` needs one. */
  upcasters: Readonly<Record<number, Upcaster>>;
}

export type EventSchemas = Readonly<Record<DomainEventType, EventSchema>>;

/**
 * The current schema of every event type. All are at version 1: nothing has been written in an
 * older shape yet, so there is nothing to upcast (inventing a past version would only be noise).
 * When a shape changes: bump `version`, add `upcasters[old]`, and test it in stored.spec.ts.
 */
export const EVENT_SCHEMAS: EventSchemas = {
  'claimline.source-registered': { version: 1, upcasters: {} },
  'claimline.source-text-revised': { version: 1, upcasters: {} },
  'claimline.claim-opened': { version: 1, upcasters: {} },
  'claimline.assertion-recorded': { version: 1, upcasters: {} },
  'claimline.assertion-corrected': { version: 1, upcasters: {} },
  'claimline.assertion-retracted': { version: 1, upcasters: {} },
  'claimline.verdict-recorded': { version: 1, upcasters: {} },
};

/** A stored event this build cannot read: an unknown type, or a version newer than it knows. */
export class UnreadableEvent extends Error {
  override readonly name = 'UnreadableEvent';
  constructor(
    readonly eventId: string,
    readonly type: string,
    reason: string,
  ) {
    super(`event ${eventId} (${type}) cannot be read: ${reason}`);
  }
}

/** The ids are the caller's (the domain stays free of clocks and randomness). */
export function toEventToAppend(
  event: DomainEvent,
  id: string,
  metadata: RecordingMetadata,
  schemas: EventSchemas = EVENT_SCHEMAS,
): EventToAppend {
  const stored: StoredMetadata = { ...withoutUndefined(metadata), schemaVersion: schemas[event.type].version };
  return { id, type: event.type, data: event.data, metadata: { ...stored } };
}

/** Reads a stored event back as the current shape of its domain event. */
export function fromRecorded(recorded: RecordedEvent, schemas: EventSchemas = EVENT_SCHEMAS): DomainEvent {
  const { id, type } = recorded;
  if (!isDomainEventType(type)) throw new UnreadableEvent(id, type, 'unknown event type');
  const schema = schemas[type];
  let version = schemaVersionOf(recorded);
  if (version > schema.version) {
    throw new UnreadableEvent(id, type, `schema version ${version} is newer than this build reads (${schema.version})`);
  }
  let data = recorded.data;
  for (; version < schema.version; version += 1) {
    const up = schema.upcasters[version];
    if (!up) throw new UnreadableEvent(id, type, `no upcaster from schema version ${version}`);
    data = up(data);
  }
  return { type, data } as DomainEvent;
}

export function schemaVersionOf(recorded: Pick<RecordedEvent, 'metadata'>): number {
  const version = recorded.metadata?.schemaVersion;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
}

/** The recording metadata of a stored event, as far as it holds one. */
export function metadataOf(recorded: Pick<RecordedEvent, 'metadata'>): Partial<StoredMetadata> {
  return { ...(recorded.metadata as Partial<StoredMetadata>), schemaVersion: schemaVersionOf(recorded) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
