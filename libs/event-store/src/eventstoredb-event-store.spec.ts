/**
 * What the shared contract cannot see: how the adapter maps EventStoreDB's behaviour, through the
 * real client, against the stand-in server (test/eventstoredb-stand-in) in its various modes.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MaxAppendSizeExceededError } from '@eventstore/db-client';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import { startStandIn, type StandInHandle, type StandInOptions } from '../../../test/eventstoredb-stand-in/stand-in-server.js';
import { DuplicateEventId, WrongExpectedRevision, type EventToAppend, type RecordedEvent } from './event-store.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

const events = (n: number, type = 'test.happened'): EventToAppend[] =>
  Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type, data: { i } }));
const stream = () => `spec-${randomUUID()}`;

const opened: { standIn: StandInHandle; stores: EventStoreDbEventStore[] }[] = [];
async function setUp(options: StandInOptions = {}) {
  const standIn = await startStandIn(options);
  const entry = { standIn, stores: [] as EventStoreDbEventStore[] };
  opened.push(entry);
  const open = (url = standIn.url) => {
    const store = new EventStoreDbEventStore(url);
    entry.stores.push(store);
    return store;
  };
  return { standIn, store: open(), open };
}

afterEach(async () => {
  for (const { standIn, stores } of opened.splice(0)) {
    for (const store of stores) await store.close();
    await standIn.stop();
  }
});

describe('EventStoreDbEventStore against the stand-in', () => {
  describe.each([
    ['BatchAppend, idempotent repeats without a position', { batchAppend: true, idempotentPosition: false }],
    ['BatchAppend, idempotent repeats with their position', { batchAppend: true, idempotentPosition: true }],
    ['the older Append call', { batchAppend: false, idempotentPosition: false }],
  ] as const)('appends over %s', (_name, options) => {
    it('maps revisions, positions, idempotency and conflicts the same way', async () => {
      const { store, standIn } = await setUp(options);
      const s = stream();
      const batch = events(3);
      const first = await store.append(s, batch, { expectedRevision: 'no_stream' });
      expect(first.nextRevision).toBe(2);
      // The port position is the server's prepare position of the last event of the write.
      const stored = standIn.log.events.filter((e) => e.stream === s);
      expect(first.position).toBe(Number(stored[2]!.position));
      expect(await store.append(s, batch, { expectedRevision: 'no_stream' })).toEqual(first);
      expect(await store.append(s, batch, { expectedRevision: 'any' })).toEqual(first);
      const error = await store.append(s, events(1), { expectedRevision: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ stream: s, expected: 5, actual: 2 });
      expect((await store.readStream(s)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
    });
  });

  describe('positions', () => {
    it('are log positions with gaps, and any position can be read or subscribed from', async () => {
      const { store } = await setUp();
      const s = stream();
      await store.append(s, events(4));
      const stored = await store.readStream(s);
      const positions = stored.map((e) => e.position);
      expect(positions[1]! - positions[0]!).toBeGreaterThan(1);

      const revisionsFrom = async (fromPosition: number) =>
        (await store.readAll({ fromPosition })).filter((e) => e.stream === s).map((e) => e.revision);
      expect(await revisionsFrom(positions[1]!)).toEqual([1, 2, 3]); // an event's own position
      expect(await revisionsFrom(positions[1]! + 1)).toEqual([2, 3]); // checkpoint + 1
      expect(await revisionsFrom(positions[1]! - 1)).toEqual([1, 2, 3]); // inside the previous record
      expect(await revisionsFrom(0)).toEqual([0, 1, 2, 3]);

      for (const [from, expected] of [
        [positions[2]!, [2, 3]],
        [positions[2]! + 1, [3]],
        [positions[2]! - 3, [2, 3]],
      ] as const) {
        const got = await firstValueFrom(
          store.subscribe({ fromPosition: from }).pipe(filter((e) => e.stream === s), take(expected.length), toArray()),
        );
        expect(got.map((e) => e.revision)).toEqual(expected);
      }
    });

    it('pages through $all past the page size', async () => {
      const { store, standIn } = await setUp();
      const s = stream();
      for (let i = 0; i < 12; i++) {
        await store.append(s, events(100));
        standIn.log.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected');
      }
      const all = await store.readAll();
      expect(all.map((e) => e.revision)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
      const limited = await store.readAll({ fromPosition: all[499]!.position, limit: 600 });
      expect(limited.map((e) => e.revision)).toEqual(Array.from({ length: 600 }, (_, i) => 499 + i));
    });
  });

  describe('system events (types starting with $)', () => {
    it('stay out of readAll, subscriptions and the head, like the id claims', async () => {
      const { store, standIn } = await setUp();
      expect(standIn.log.events.length).toBeGreaterThan(0); // the stand-in starts with system events
      expect(await store.headPosition()).toBe(-1);
      expect(await store.readAll()).toEqual([]);

      const s = stream();
      const feed = lastValueFrom(store.subscribe().pipe(take(3), toArray()));
      await store.append(s, events(1));
      standIn.log.writeSystemEvent('$scavenges', '$scavengeStarted');
      await store.append(s, events(2));
      standIn.log.writeSystemEvent('$scavenges', '$scavengeCompleted');

      const got = await feed;
      expect(got.map((e) => [e.stream, e.revision])).toEqual([[s, 0], [s, 1], [s, 2]]);
      expect((await store.readAll()).map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(await store.headPosition()).toBe(got[2]!.position);
      // Each event id was claimed in a stream of its own, with a $-typed claim.
      const claims = standIn.log.events.filter((e) => e.stream.startsWith('claimline-event-id-'));
      expect(claims).toHaveLength(3);
      expect(claims.every((e) => e.type.startsWith('$'))).toBe(true);
    });
  });

  describe('event ids', () => {
    it('refuses an id repeated with other content, or twice in one append', async () => {
      const { store } = await setUp();
      const s = stream();
      const [event] = events(1);
      await store.append(s, [event!]);
      await expect(store.append(s, [{ ...event!, data: { other: true } }])).rejects.toBeInstanceOf(DuplicateEventId);
      await expect(store.append(stream(), [event!, event!])).rejects.toBeInstanceOf(DuplicateEventId);
      expect(await store.readStream(s)).toHaveLength(1);
    });

    it('tells a partial repeat from a revision conflict when an exact revision was expected', async () => {
      const { store } = await setUp();
      const s = stream();
      const first = events(2);
      await store.append(s, first, { expectedRevision: 'no_stream' });
      await expect(store.append(s, [first[0]!, ...events(1)], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        name: 'DuplicateEventId',
        eventId: first[0]!.id,
      });
      await expect(store.append(s, events(1), { expectedRevision: 0 })).rejects.toMatchObject({
        name: 'WrongExpectedRevision',
        actual: 1,
      });
    });
  });

  describe('appends', () => {
    it('an empty append checks the expected revision and writes nothing', async () => {
      const { store, standIn } = await setUp();
      const s = stream();
      await expect(store.append(s, [], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(WrongExpectedRevision);
      const { position } = await store.append(s, events(2));
      const before = standIn.log.events.length;
      expect(await store.append(s, [], { expectedRevision: 1 })).toEqual({ nextRevision: 1, position });
      expect(standIn.log.events.length).toBe(before);
    });

    it("an append over the server's maximum size is refused and writes nothing", async () => {
      const { store } = await setUp({ maxAppendSize: 1024 });
      const s = stream();
      const big = { id: randomUUID(), type: 'test.big', data: { blob: 'x'.repeat(2000) } };
      await expect(store.append(s, [big])).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
      expect(await store.readStream(s)).toEqual([]);
    });

    it('keeps undefined data as null and metadata as given', async () => {
      const { store } = await setUp();
      const s = stream();
      await store.append(s, [{ id: randomUUID(), type: 'test.empty', data: undefined, metadata: { actor: 'a', n: 1 } }]);
      const [stored] = await store.readStream(s);
      expect(stored).toMatchObject({ data: null, metadata: { actor: 'a', n: 1 }, type: 'test.empty' });
    });
  });

  describe('readStream', () => {
    it('clamps a backwards read from past the end, which the server reads as an index range', async () => {
      const { store } = await setUp();
      const s = stream();
      await store.append(s, events(3));
      const revisions = (got: RecordedEvent[]) => got.map((e) => e.revision);
      expect(revisions(await store.readStream(s, { direction: 'backwards', from: 10, limit: 2 }))).toEqual([2, 1]);
      expect(revisions(await store.readStream(s, { direction: 'backwards', from: -1 }))).toEqual([]);
      expect(revisions(await store.readStream(s, { from: -5, limit: 1 }))).toEqual([0]);
      expect(await store.readStream(s, { limit: 0 })).toEqual([]);
    });
  });

  describe('connection', () => {
    it('names the server version it needs when stream reads carry no positions', async () => {
      const { store } = await setUp({ streamReadPositions: false });
      const s = stream();
      await store.append(s, events(1));
      await expect(store.readStream(s)).rejects.toThrow(/22\.x/);
    });

    it('connects through gossip discovery when given several hosts', async () => {
      const { standIn, open } = await setUp();
      const cluster = open(`esdb://127.0.0.1:${standIn.port},127.0.0.1:${standIn.port}?tls=false&nodePreference=leader`);
      const s = stream();
      await cluster.append(s, events(1));
      expect(await cluster.readStream(s)).toHaveLength(1);
    });

    it('is not ready once the server is gone, and a live feed errors instead of hanging', async () => {
      const { store, standIn } = await setUp();
      const feed = store.subscribe();
      const ended = new Promise<string>((resolve) =>
        feed.subscribe({ error: () => resolve('error'), complete: () => resolve('complete') }),
      );
      expect(await store.isReady()).toBe(true);
      await standIn.stop();
      expect(await ended).toBe('error');
      expect(await store.isReady()).toBe(false);
    });

    it('close completes live feeds, and a feed opened after close completes at once', async () => {
      const { store } = await setUp();
      const completed = new Promise<void>((resolve) => store.subscribe().subscribe({ complete: resolve }));
      await store.close();
      await completed;
      expect(await lastValueFrom(store.subscribe().pipe(toArray()))).toEqual([]);
    });
  });
});
