import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { claimStream, evolveSource, fromRecorded, initialSourceState, type SourceEvent, type SourceState, sourceStream } from '#domain';
import {
  type AppendOptions,
  EVENT_STORE,
  type EventStore,
  type EventToAppend,
  openEventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
} from '#event-store';
import { COMMAND_HANDLERS } from './claims.module.js';
import { OpenClaimCommand } from './open-claim.js';
import { RecordAssertionCommand } from './record-assertion.js';
import { RegisterSourceCommand } from './register-source.js';
import { ReviseSourceTextCommand } from './revise-source-text.js';
import { decideAndAppend, foldedStreams, load, type WriteContext } from './write-stream.js';

/** The real store, noting how many events each readStream returned. The fold cache keys on this object. */
class ReadRecordingStore implements EventStore {
  reads: Array<{ stream: string; from: ReadStreamOptions['from']; rows: number }> = [];
  /** Runs once, before the next append reaches the store: another process's write landing first. */
  beforeNextAppend: (() => Promise<unknown>) | undefined;

  constructor(private readonly inner: EventStore) {}

  async append(stream: string, events: readonly EventToAppend[], options?: AppendOptions) {
    const before = this.beforeNextAppend;
    this.beforeNextAppend = undefined;
    await before?.();
    return this.inner.append(stream, events, options);
  }

  async readStream(stream: string, options?: ReadStreamOptions) {
    const rows = await this.inner.readStream(stream, options);
    this.reads.push({ stream, from: options?.from, rows: rows.length });
    return rows;
  }

  readsOf(stream: string) {
    return this.reads.filter((r) => r.stream === stream);
  }

  readAll = (options?: ReadAllOptions) => this.inner.readAll(options);
  readPositions = (positions: readonly number[]) => this.inner.readPositions(positions);
  subscribe = (options?: SubscribeOptions) => this.inner.subscribe(options);
  headPosition = () => this.inner.headPosition();
  isReady = () => this.inner.isReady();
  close = () => this.inner.close();
}

const TEXT = 'The remaining S-400 units will be supplied by 2026-09-30, the ministry said.';

async function busOn(store: EventStore): Promise<{ bus: CommandBus; module: TestingModule }> {
  const module = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [...COMMAND_HANDLERS, { provide: EVENT_STORE, useValue: store }],
  }).compile();
  await module.init();
  return { bus: module.get(CommandBus), module };
}


let dir: string;
let store: ReadRecordingStore;
/** The command handlers on `store`: every write goes through decideAndAppend. */
let sut: CommandBus;
/** A second store instance on the same file, with its own handlers: another process. */
let elsewhere: { store: EventStore; bus: CommandBus };
const modules: TestingModule[] = [];
let n = 0;
const ctx = (extra: Partial<WriteContext> = {}): WriteContext => ({ actor: 'editor-1', correlationId: `req-${++n}`, ...extra });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claimline-write-stream-'));
  store = new ReadRecordingStore(await openEventStore({ kind: 'sqlite', dataDir: dir }));
  const here = await busOn(store);
  sut = here.bus;
  const otherStore = await openEventStore({ kind: 'sqlite', dataDir: dir });
  const there = await busOn(otherStore);
  elsewhere = { store: otherStore, bus: there.bus };
  modules.push(here.module, there.module);
});

afterAll(async () => {
  for (const module of modules) await module.close();
  await elsewhere.store.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  store.beforeNextAppend = undefined;
});

const registerSource = (bus = sut) =>
  bus.execute(new RegisterSourceCommand({ title: 'Deliveries', publisher: 'The Daily', language: 'en', publishedAt: '2025-12-04', text: TEXT }, ctx()));
const openClaim = (bus = sut, context = ctx()) =>
  bus.execute(new OpenClaimCommand({ subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', valueType: 'date' }, context));
const record = (claimId: string, sourceId: string, context = ctx(), assertionId?: string, bus = sut) =>
  bus.execute(new RecordAssertionCommand(claimId, { sourceId, assertionId, quote: { exact: 'supplied by 2026-09-30' }, value: { text: '2026-09-30' } }, context));

describe(decideAndAppend.name, () => {
  it('given streams written through this store, when written again, then only the events after the folded revision are read, and none are', async () => {
    const source = await registerSource();
    const claim = await openClaim();
    await record(claim.claimId, source.sourceId);
    store.reads = [];

    const second = await record(claim.claimId, source.sourceId);

    expect(second.revision).toBe(2);
    expect(store.readsOf(claimStream(claim.claimId))).toEqual([{ stream: claimStream(claim.claimId), from: 2, rows: 0 }]);
    // The quoted source (a whole article in real use) is not read again either.
    expect(store.readsOf(sourceStream(source.sourceId))).toEqual([{ stream: sourceStream(source.sourceId), from: 1, rows: 0 }]);
  });

  it('given another store instance appended to a folded stream, when written here, then the decision sees its event', async () => {
    const source = await registerSource();
    const claim = await openClaim();
    await record(claim.claimId, source.sourceId);
    const there = await record(claim.claimId, source.sourceId, ctx(), 'recorded-elsewhere', elsewhere.bus);
    expect(there.revision).toBe(2);
    store.reads = [];

    await expect(record(claim.claimId, source.sourceId, ctx(), 'recorded-elsewhere')).rejects.toMatchObject({ kind: 'conflict', field: 'assertionId' });
    expect(store.readsOf(claimStream(claim.claimId))).toEqual([{ stream: claimStream(claim.claimId), from: 2, rows: 1 }]);
    expect((await record(claim.claimId, source.sourceId)).revision).toBe(3);
  });

  it('given another process appends between the load and the append, when the append loses, then the retry decides on the state with that event', async () => {
    const source = await registerSource();
    const claim = await openClaim();
    await record(claim.claimId, source.sourceId);
    store.beforeNextAppend = () => record(claim.claimId, source.sourceId, ctx(), 'raced-in', elsewhere.bus);

    // Without If-Match the loser decides again: now the assertion id is taken.
    await expect(record(claim.claimId, source.sourceId, ctx(), 'raced-in')).rejects.toMatchObject({ kind: 'conflict', field: 'assertionId' });
    const landed = await record(claim.claimId, source.sourceId);
    expect(landed.revision).toBe(3);
    expect(await store.readStream(claimStream(claim.claimId))).toHaveLength(4);
  });

  it('given a write with an Idempotency-Key, when retried on a folded stream and again after the stream was evicted, then both return the first result', async () => {
    // A store object of its own keeps streams up to the bound in force when it first keeps one.
    const bound = foldedStreams.maxEvents;
    foldedStreams.maxEvents = 500;
    const small = new ReadRecordingStore(await openEventStore({ kind: 'sqlite', dataDir: dir }));
    const { bus, module } = await busOn(small);
    modules.push(module);
    try {
      const source = await registerSource(bus);
      const claim = await openClaim(bus);
      const key = ctx({ idempotencyKey: 'retry-me' });
      const first = await record(claim.claimId, source.sourceId, key, undefined, bus);
      await record(claim.claimId, source.sourceId, ctx(), undefined, bus); // the key's event is no longer the last

      small.reads = [];
      const warm = await record(claim.claimId, source.sourceId, { ...key, correlationId: 'another-request' }, undefined, bus);
      expect(warm).toEqual({ ...first, replayed: true });
      // Folded: only the (empty) tail is read, then the event the key wrote, to answer with it.
      expect(small.readsOf(claimStream(claim.claimId))).toEqual([
        { stream: claimStream(claim.claimId), from: 3, rows: 0 },
        { stream: claimStream(claim.claimId), from: 1, rows: 1 },
      ]);

      // Every other stream written since is more recently used: this many more evict the claim.
      for (let i = 0; i < 500; i += 250) {
        await Promise.all(Array.from({ length: 250 }, () => openClaim(bus, { actor: 'filler' })));
      }
      small.reads = [];
      const cold = await record(claim.claimId, source.sourceId, { ...key, correlationId: 'a-third-request' }, undefined, bus);
      expect(cold).toEqual({ ...first, replayed: true });
      expect(small.readsOf(claimStream(claim.claimId))[0]).toEqual({ stream: claimStream(claim.claimId), from: 0, rows: 3 });
      expect(await small.readStream(claimStream(claim.claimId))).toHaveLength(3);
    } finally {
      foldedStreams.maxEvents = bound;
      await small.close();
    }
  });
});

describe(load.name, () => {
  it('given overlapping loads of a stream that another process writes, when they read the same tail, then each returns the full fold at its revision', async () => {
    const source = await registerSource();
    const stream = sourceStream(source.sourceId);
    const loads: Array<Promise<{ state: SourceState; revision: number }>> = [];
    for (let i = 1; i <= 5; i++) {
      await elsewhere.bus.execute(new ReviseSourceTextCommand(source.sourceId, { text: `${TEXT} Revision ${i}.` }, ctx()));
      // Not awaited: all four read the new event, the first to resume folds it, the others find it folded.
      loads.push(...Array.from({ length: 4 }, () => load(store, stream, initialSourceState, evolveSource)));
    }
    const recorded = await store.readStream(stream);
    const fullFold = (revision: number) =>
      recorded.slice(0, revision + 1).reduce((state, r) => evolveSource(state, fromRecorded(r) as SourceEvent), initialSourceState());

    for (const loaded of await Promise.all(loads)) expect(loaded.state).toEqual(fullFold(loaded.revision));
    expect(await load(store, stream, initialSourceState, evolveSource)).toEqual({ state: fullFold(5), revision: 5 });
  });
});
