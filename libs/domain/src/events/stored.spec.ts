import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import { parseDate, parseValue } from '../values/parse.js';
import type { AssertionRecorded } from './events.js';
import { EVENT_SCHEMAS, type EventSchemas, fromRecorded, metadataOf, type RecordingMetadata, toEventToAppend } from './stored.js';

const recorded: AssertionRecorded = {
  type: 'claimline.assertion-recorded',
  data: {
    claimId: 'c-1',
    assertionId: 'a-1',
    sourceId: 's-1',
    quote: { exact: 'by 2026-09-30', prefix: 'arrive ', suffix: '.', start: 7, end: 20 },
    sourceTextVersion: 1,
    value: parseValue({ type: 'date', text: '2026-09-30' }),
    saidAt: parseDate('2025-12-04'),
    speaker: 'Ministry',
    modality: 'reported',
  },
};

const meta: RecordingMetadata = {
  actor: 'editor',
  recordedAt: '2026-01-01T00:00:00.000Z',
  correlationId: 'req-1',
  causationId: 'req-1',
};

/** What a store hands back after appending `toEventToAppend(...)`. */
function asStored(type: string, data: unknown, metadata: Record<string, unknown>): RecordedEvent {
  return { id: 'e-1', stream: 'claim-c-1', revision: 1, position: 7, type, data, metadata, created: meta.recordedAt };
}

describe(toEventToAppend.name, () => {
  it('keeps the stable stored name, the data as is, and the schema version in the metadata', () => {
    const toAppend = toEventToAppend(recorded, 'e-1', { ...meta, idempotencyKey: undefined });
    expect(toAppend).toEqual({ id: 'e-1', type: 'claimline.assertion-recorded', data: recorded.data, metadata: { ...meta, schemaVersion: 1 } });
  });
});

describe(fromRecorded.name, () => {
  it('reads back what was written', () => {
    const toAppend = toEventToAppend(recorded, 'e-1', { ...meta, idempotencyKey: 'k-1' });
    const stored = asStored(toAppend.type, JSON.parse(JSON.stringify(toAppend.data)), toAppend.metadata!);
    expect(fromRecorded(stored)).toEqual(recorded);
    expect(metadataOf(stored)).toEqual({ ...meta, idempotencyKey: 'k-1', schemaVersion: 1 });
  });

  it('reads an event stored without a schema version as version 1', () => {
    expect(fromRecorded(asStored(recorded.type, recorded.data, {}))).toEqual(recorded);
  });

  // The mechanism, on a schema history made up for this test: suppose version 1 of
  // assertion-recorded had no modality and version 2 added it, defaulting old facts to 'reported'.
  const { modality: _modality, ...v1 } = recorded.data;
  const schemas: EventSchemas = {
    ...EVENT_SCHEMAS,
    'claimline.assertion-recorded': {
      version: 3,
      upcasters: {
        1: (data) => ({ ...(data as object), modality: 'reported' }),
        2: (data) => ({ ...(data as object), speaker: (data as { speaker: string }).speaker.toUpperCase() }),
      },
    },
  };

  it('upcasts old versions on read, one step at a time', () => {
    const event = fromRecorded(asStored(recorded.type, v1, { schemaVersion: 1 }), schemas);
    expect(event).toEqual({ ...recorded, data: { ...recorded.data, modality: 'reported', speaker: 'MINISTRY' } });
    expect(fromRecorded(asStored(recorded.type, recorded.data, { schemaVersion: 2 }), schemas).data).toMatchObject({ speaker: 'MINISTRY' });
    expect(fromRecorded(asStored(recorded.type, recorded.data, { schemaVersion: 3 }), schemas).data).toMatchObject({ speaker: 'Ministry' });
  });

  it('writes new events with the current version', () => {
    expect(toEventToAppend(recorded, 'e-2', meta, schemas).metadata).toMatchObject({ schemaVersion: 3 });
  });

  it('refuses an unknown type, a version newer than the build, and a gap in the upcasters', () => {
    expect(() => fromRecorded(asStored('claimline.unheard-of', {}, {}))).toThrow(/unknown event type/);
    expect(() => fromRecorded(asStored(recorded.type, recorded.data, { schemaVersion: 2 }))).toThrow(/newer than this build/);
    const gap: EventSchemas = { ...EVENT_SCHEMAS, 'claimline.assertion-recorded': { version: 2, upcasters: {} } };
    expect(() => fromRecorded(asStored(recorded.type, v1, {}), gap)).toThrow(/no upcaster from schema version 1/);
  });
});
