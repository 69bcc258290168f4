import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { claimStream, DomainError, fromRecorded, sourceStream } from '#domain';
import { EVENT_STORE, type EventStore, openEventStore, WrongExpectedRevision } from '#event-store';
import { COMMAND_HANDLERS } from './claims.module.js';
import { CorrectAssertionCommand } from './correct-assertion.js';
import { OpenClaimCommand } from './open-claim.js';
import { RecordAssertionCommand } from './record-assertion.js';
import { RecordVerdictCommand } from './record-verdict.js';
import { RegisterSourceCommand } from './register-source.js';
import { RetractAssertionCommand } from './retract-assertion.js';
import { ReviseSourceTextCommand } from './revise-source-text.js';
import type { WriteContext } from './write-stream.js';

// The handlers on a REAL store: the SQLite adapter on a file in a temp dir, behind the CommandBus.
const TEXT =
  'The remaining S-400 units will be supplied by 2026-09-30, the ministry said. ' +
  'An official repeated that the units are due by 2026-09-30.';
const REVISED = 'The remaining S-400 units will now be supplied by 2026-10-31, the ministry said.';

let dir: string;
let store: EventStore;
let bus: CommandBus;
let n = 0;
const ctx = (extra: Partial<WriteContext> = {}): WriteContext => ({ actor: 'editor-1', correlationId: `req-${++n}`, ...extra });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claimline-claims-'));
  store = await openEventStore({ kind: 'sqlite', dataDir: dir });
  const module = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [...COMMAND_HANDLERS, { provide: EVENT_STORE, useValue: store }],
  }).compile();
  await module.init();
  bus = module.get(CommandBus);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function registerSource(text = TEXT, sourceId?: string) {
  return bus.execute(
    new RegisterSourceCommand(
      { sourceId, title: 'Deliveries', publisher: 'The Daily', language: 'en', publishedAt: '2025-12-04', text },
      ctx(),
    ),
  );
}

async function openClaim() {
  return bus.execute(new OpenClaimCommand({ subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', valueType: 'date' }, ctx()));
}

const assertion = (sourceId: string, extra: object = {}) => ({
  sourceId,
  quote: { exact: 'supplied by 2026-09-30' },
  value: { text: '2026-09-30' },
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('command handlers on the SQLite store', () => {
  it('registers a source, opens a claim and records an assertion, with metadata on every event', async () => {
    const source = await registerSource();
    expect(source).toMatchObject({ revision: 0, textVersion: 1, replayed: false, publishedAt: { bounds: { lo: '2025-12-04', hi: '2025-12-04' } } });
    expect(source.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const claim = await openClaim();
    expect(claim).toMatchObject({ revision: 0 });

    const recorded = await bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), ctx({ idempotencyKey: 'k-1' })));
    expect(recorded).toMatchObject({
      claimId: claim.claimId,
      revision: 1,
      value: { type: 'date', bounds: { lo: '2026-09-30', hi: '2026-09-30' } },
      saidAt: source.publishedAt,
      quote: { exact: 'supplied by 2026-09-30', start: TEXT.indexOf('supplied by') },
      sourceTextVersion: 1,
      event: { type: 'claimline.assertion-recorded', revision: 1 },
    });
    expect(recorded.position).toBeGreaterThan(claim.position);

    const [, stored] = await store.readStream(claimStream(claim.claimId));
    expect(stored).toMatchObject({ id: recorded.event.id, position: recorded.position, revision: 1 });
    expect(stored!.metadata).toEqual({
      actor: 'editor-1',
      recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      correlationId: expect.stringMatching(/^req-/),
      causationId: stored!.metadata.correlationId,
      idempotencyKey: 'k-1',
      schemaVersion: 1,
    });
    expect(fromRecorded(stored!)).toEqual({ type: recorded.event.type, data: recorded.event.data });
  });

  it('appends nothing when the decider refuses, and names the field', async () => {
    const source = await registerSource();
    const claim = await openClaim();
    const error = await rejection(bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId, { quote: { exact: 'by September' } }), ctx())));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'unprocessable', field: 'quote' });
    expect(await store.readStream(claimStream(claim.claimId))).toHaveLength(1);

    expect(await rejection(bus.execute(new RecordAssertionCommand('no-such-claim', assertion(source.sourceId), ctx())))).toMatchObject({ kind: 'not-found', field: 'claimId' });
    expect(await rejection(bus.execute(new RecordAssertionCommand(claim.claimId, assertion('no-such-source'), ctx())))).toMatchObject({ kind: 'not-found', field: 'sourceId' });
    expect(await rejection(bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId, { value: { text: 'someday' } }), ctx())))).toMatchObject({
      name: 'UnparseableValue',
      field: 'value.text',
    });
  });

  it('refuses a stale If-Match with the current revision, and accepts the current one', async () => {
    const source = await registerSource();
    const claim = await openClaim();
    const error = await rejection(bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), ctx({ expectedRevision: 5 }))));
    expect(error).toBeInstanceOf(WrongExpectedRevision);
    expect(error).toMatchObject({ expected: 5, actual: 0 });
    const ok = await bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), ctx({ expectedRevision: 0 })));
    expect(ok.revision).toBe(1);
  });

  it('lets exactly one of two racing writers with the same expected revision win', async () => {
    const source = await registerSource();
    const claim = await openClaim();
    const results = await Promise.allSettled([
      bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), ctx({ expectedRevision: 0 }))),
      bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId, { quote: { exact: 'due by 2026-09-30' } }), ctx({ expectedRevision: 0 }))),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [lost] = results.filter((r) => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(WrongExpectedRevision);
    expect(await store.readStream(claimStream(claim.claimId))).toHaveLength(2);
  });

  it('lands every write that races without If-Match: the losers decide again on the new state', async () => {
    const source = await registerSource();
    const claim = await openClaim();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), ctx()))),
    );
    expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await store.readStream(claimStream(claim.claimId))).toHaveLength(9);
  });

  it('returns the first result for a retried Idempotency-Key and appends nothing', async () => {
    const source = await registerSource();
    const claim = await openClaim();
    const first = await bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), ctx({ idempotencyKey: 'retry-me' })));
    const again = await bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), ctx({ idempotencyKey: 'retry-me', expectedRevision: 0 })));
    expect(again).toMatchObject({ replayed: true, assertionId: first.assertionId, revision: first.revision, position: first.position });
    expect(await store.readStream(claimStream(claim.claimId))).toHaveLength(2);
    // Another actor's key is theirs alone.
    const other = await bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), { actor: 'editor-2', idempotencyKey: 'retry-me' }));
    expect(other.replayed).toBe(false);
    // The same key for a different kind of write is refused.
    const reused = await rejection(bus.execute(new RetractAssertionCommand(claim.claimId, first.assertionId, { reason: 'x' }, ctx({ idempotencyKey: 'retry-me' }))));
    expect(reused).toMatchObject({ kind: 'unprocessable', field: 'Idempotency-Key' });
  });

  it('creates a stream once: a second registration, or a lost creation race, is a conflict on the id', async () => {
    const source = await registerSource(TEXT, 'fixed-source');
    expect(source.sourceId).toBe('fixed-source');
    expect(await rejection(registerSource(TEXT, 'fixed-source'))).toMatchObject({ kind: 'conflict', field: 'sourceId' });
    const open = () => bus.execute(new OpenClaimCommand({ claimId: 'racing-claim', subject: 's', predicate: 'p', valueType: 'date' }, ctx()));
    const results = await Promise.allSettled([open(), open()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toMatchObject({ kind: 'conflict', field: 'claimId' });
    expect(await rejection(registerSource(TEXT, 'no spaces allowed'))).toMatchObject({ kind: 'invalid', field: 'sourceId' });
  });

  it('derives the ids of what it creates from an idempotency key, so a retry lands on the same stream', async () => {
    const command = () =>
      bus.execute(new OpenClaimCommand({ subject: 's', predicate: 'p', valueType: 'text' }, ctx({ idempotencyKey: 'open-once' })));
    const first = await command();
    const again = await command();
    expect(again).toMatchObject({ claimId: first.claimId, replayed: true });
  });

  it('makes event ids deterministic from an event id seed', async () => {
    const first = await bus.execute(new OpenClaimCommand({ claimId: 'seeded-1', subject: 's', predicate: 'p', valueType: 'text' }, ctx({ eventIdSeed: 'seed' })));
    const second = await bus.execute(new OpenClaimCommand({ claimId: 'seeded-2', subject: 's', predicate: 'p', valueType: 'text' }, ctx({ eventIdSeed: 'seed' })));
    expect(first.event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.event.id).not.toBe(first.event.id); // the stream is part of the name
  });

  it('quotes only the current text of a revised source', async () => {
    const source = await registerSource();
    const revised = await bus.execute(new ReviseSourceTextCommand(source.sourceId, { text: REVISED, reason: 'outlet update' }, ctx()));
    expect(revised).toMatchObject({ textVersion: 2, revision: 1 });
    expect(await store.readStream(sourceStream(source.sourceId))).toHaveLength(2);
    expect(await rejection(bus.execute(new ReviseSourceTextCommand(source.sourceId, { text: REVISED }, ctx())))).toMatchObject({ kind: 'conflict', field: 'text' });

    const claim = await openClaim();
    expect(await rejection(bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId), ctx())))).toMatchObject({ field: 'quote' });
    const ok = await bus.execute(
      new RecordAssertionCommand(claim.claimId, assertion(source.sourceId, { quote: { exact: 'supplied by 2026-10-31' }, value: { text: '2026-10-31' } }), ctx()),
    );
    expect(ok.sourceTextVersion).toBe(2);
  });

  it('corrects, retracts and records a verdict, keeping each rule', async () => {
    const source = await registerSource();
    const wire = await registerSource('The wire said the units come by 2026-09-30.');
    const claim = await openClaim();
    const recorded = await bus.execute(new RecordAssertionCommand(claim.claimId, assertion(source.sourceId, { quote: { exact: '2026-09-30', occurrence: 2 } }), ctx()));

    const corrected = await bus.execute(
      new CorrectAssertionCommand(claim.claimId, recorded.assertionId, { changes: { sourceId: wire.sourceId, quote: { exact: 'come by 2026-09-30' }, modality: 'reported' }, reason: 'it was the wire story' }, ctx()),
    );
    expect(corrected).toMatchObject({
      revision: 2,
      changes: { sourceId: wire.sourceId, modality: 'reported', quote: { exact: 'come by 2026-09-30' } },
      previous: { sourceId: source.sourceId, modality: 'stated' },
    });
    expect(await rejection(bus.execute(new CorrectAssertionCommand(claim.claimId, recorded.assertionId, { changes: { modality: 'reported' }, reason: 'again' }, ctx())))).toMatchObject({
      kind: 'conflict',
      field: 'changes',
    });

    const retracted = await bus.execute(new RetractAssertionCommand(claim.claimId, recorded.assertionId, { reason: 'duplicate entry' }, ctx({ expectedRevision: 2 })));
    expect(retracted).toMatchObject({ revision: 3, event: { data: { kind: 'recorded-in-error', reason: 'duplicate entry' } } });
    expect(await rejection(bus.execute(new RetractAssertionCommand(claim.claimId, recorded.assertionId, { kind: 'withdrawn-by-source', reason: 'r' }, ctx())))).toMatchObject({
      kind: 'conflict',
      field: 'assertionId',
    });

    const verdict = await bus.execute(new RecordVerdictCommand(claim.claimId, { ratingValue: 2, alternateName: 'Mostly false', reasoning: 'It slipped.' }, ctx()));
    expect(verdict).toMatchObject({ revision: 4, rating: { ratingValue: 2, bestRating: 5, worstRating: 1 }, event: { data: { reviewer: 'editor-1' } } });
  });
});
