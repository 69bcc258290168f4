/**
 * The ONE contract suite for every EventStore adapter (DESIGN section 5).
 *
 * Adapter-neutral on purpose: it may run against a shared server, so every test writes to its own
 * fresh stream names, never assumes the log starts empty or that positions start at any value,
 * and only relies on positions being strictly increasing in commit order.
 *
 * Usage (one spec per adapter):
 *   describeEventStoreContract('sqlite', () => openFreshStore(), () => removeTempDir());
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import {
  DuplicateEventId,
  WrongExpectedRevision,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
} from '#event-store';

export type OpenStore = () => Promise<EventStore>;
/** Runs once after the whole suite (every store opened by it is already closed). */
export type Cleanup = () => Promise<void>;

const runId = randomUUID().slice(0, 8);
let streamCounter = 0;
/** A stream name no other test (or earlier run against the same server) uses. */
export function uniqueStream(prefix = 'contract'): string {
  streamCounter += 1;
  return `${prefix}-${runId}-${streamCounter}-${randomUUID().slice(0, 8)}`;
}

export function newEvent(type = 'contract.thing-happened', data: unknown = { n: 1 }, metadata?: Record<string, unknown>): EventToAppend {
  return metadata === undefined ? { id: randomUUID(), type, data } : { id: randomUUID(), type, data, metadata };
}

export function newEvents(count: number, type = 'contract.thing-happened'): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => newEvent(type, { i }));
}

/** Resolves with the rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

async function expectWrongRevision(
  promise: Promise<unknown>,
  stream: string,
  expected: ExpectedRevision,
  actual: number,
): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  const wrong = error as WrongExpectedRevision;
  expect(wrong.name).toBe('WrongExpectedRevision');
  expect(wrong.stream).toBe(stream);
  expect(wrong.expected).toBe(expected);
  expect(wrong.actual).toBe(actual);
}

/** Collects the events of `streams` from a feed until `count` of them arrived (or times out). */
function collect(feed: Observable<RecordedEvent>, streams: ReadonlySet<string>, count: number, ms = 10_000): Promise<RecordedEvent[]> {
  return new Promise((resolve, reject) => {
    const got: RecordedEvent[] = [];
    let subscription: Subscription | undefined = undefined;
    const timer = setTimeout(() => {
      subscription?.unsubscribe();
      reject(new Error(`timed out after ${ms} ms with ${got.length}/${count} events`));
    }, ms);
    subscription = feed.pipe(filter((e) => streams.has(e.stream))).subscribe({
      next: (event) => {
        got.push(event);
        if (got.length === count) {
          clearTimeout(timer);
          subscription?.unsubscribe();
          resolve(got);
        }
      },
      error: (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    });
    if (got.length === count) subscription.unsubscribe();
  });
}

function expectStrictlyIncreasing(positions: readonly number[]): void {
  for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]!);
}

async function readAllOf(store: EventStore, fromPosition: number, streams: ReadonlySet<string>, dataOf?: readonly string[]): Promise<RecordedEvent[]> {
  // Paged so an adapter with a default page size is still read to the end.
  const out: RecordedEvent[] = [];
  let from = fromPosition;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, limit: 500, ...(dataOf ? { dataOf } : {}) });
    if (page.length === 0) return out;
    for (const event of page) if (streams.has(event.stream)) out.push(event);
    from = page[page.length - 1]!.position + 1;
  }
}

export function describeEventStoreContract(adapterName: string, openStore: OpenStore, cleanup?: Cleanup): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await openStore();
    });

    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    describe('append and expectedRevision', () => {
      it('appends to a new stream from revision 0 and reports the last revision and position', async () => {
        const stream = uniqueStream();
        const first = await store.append(stream, newEvents(3), { expectedRevision: 'no_stream' });
        expect(first.nextRevision).toBe(2);
        const events = await store.readStream(stream);
        expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(events[2]!.position).toBe(first.position);
        const second = await store.append(stream, newEvents(1), { expectedRevision: 2 });
        expect(second.nextRevision).toBe(3);
        expect(second.position).toBeGreaterThan(first.position);
      });

      it("defaults to 'any'", async () => {
        const stream = uniqueStream();
        expect((await store.append(stream, newEvents(1))).nextRevision).toBe(0);
        expect((await store.append(stream, newEvents(1))).nextRevision).toBe(1);
      });

      it("'any' is accepted on a new and on an existing stream", async () => {
        const stream = uniqueStream();
        expect((await store.append(stream, newEvents(1), { expectedRevision: 'any' })).nextRevision).toBe(0);
        expect((await store.append(stream, newEvents(2), { expectedRevision: 'any' })).nextRevision).toBe(2);
      });

      it("'no_stream' is accepted on a new stream and refused on an existing one", async () => {
        const stream = uniqueStream();
        await store.append(stream, newEvents(2), { expectedRevision: 'no_stream' });
        await expectWrongRevision(store.append(stream, newEvents(1), { expectedRevision: 'no_stream' }), stream, 'no_stream', 1);
      });

      it("'stream_exists' is refused on a new stream (actual -1) and accepted on an existing one", async () => {
        const stream = uniqueStream();
        await expectWrongRevision(store.append(stream, newEvents(1), { expectedRevision: 'stream_exists' }), stream, 'stream_exists', -1);
        expect(await store.readStream(stream)).toEqual([]);
        await store.append(stream, newEvents(1));
        expect((await store.append(stream, newEvents(1), { expectedRevision: 'stream_exists' })).nextRevision).toBe(1);
      });

      it('an exact revision is accepted when it is the current one and refused with the real revision otherwise', async () => {
        const stream = uniqueStream();
        await expectWrongRevision(store.append(stream, newEvents(1), { expectedRevision: 0 }), stream, 0, -1);
        await store.append(stream, newEvents(3), { expectedRevision: 'no_stream' });
        await expectWrongRevision(store.append(stream, newEvents(1), { expectedRevision: 1 }), stream, 1, 2);
        await expectWrongRevision(store.append(stream, newEvents(1), { expectedRevision: 3 }), stream, 3, 2);
        expect((await store.append(stream, newEvents(1), { expectedRevision: 2 })).nextRevision).toBe(3);
      });

      it('an exact revision of -1 means the stream must not exist', async () => {
        const stream = uniqueStream();
        expect((await store.append(stream, newEvents(1), { expectedRevision: -1 })).nextRevision).toBe(0);
        await expectWrongRevision(store.append(stream, newEvents(1), { expectedRevision: -1 }), stream, -1, 0);
      });

      it('a refused append writes nothing', async () => {
        const stream = uniqueStream();
        await store.append(stream, newEvents(2));
        const before = await store.readStream(stream);
        const refused = newEvents(3);
        await rejectionOf(store.append(stream, refused, { expectedRevision: 0 }));
        expect(await store.readStream(stream)).toEqual(before);
        // The refused ids are not burnt: the same events can be appended properly afterwards.
        expect((await store.append(stream, refused, { expectedRevision: 1 })).nextRevision).toBe(4);
      });

      it('50 concurrent appends expecting the same revision: exactly one wins, 49 get WrongExpectedRevision', async () => {
        const stream = uniqueStream();
        await store.append(stream, newEvents(1), { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, () => store.append(stream, newEvents(1), { expectedRevision: 0 })),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const o of lost) {
          expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
          expect((o.reason as WrongExpectedRevision).actual).toBe(1);
        }
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1]);
      });

      it('one failing append does not fail other appends made at the same time', async () => {
        const streams = Array.from({ length: 20 }, () => uniqueStream());
        const outcomes = await Promise.allSettled(
          // Even streams expect 'no_stream' (fine), odd ones 'stream_exists' (refused).
          streams.map((s, i) => store.append(s, newEvents(1), { expectedRevision: i % 2 === 0 ? 'no_stream' : 'stream_exists' })),
        );
        outcomes.forEach((o, i) => expect(o.status).toBe(i % 2 === 0 ? 'fulfilled' : 'rejected'));
      });
    });

    describe('idempotency', () => {
      it('re-appending the same ids to the same stream returns the original result and writes nothing', async () => {
        const stream = uniqueStream();
        const events = newEvents(3);
        const original = await store.append(stream, events, { expectedRevision: 'no_stream' });
        await store.append(uniqueStream(), newEvents(1)); // moves the head on
        const again = await store.append(stream, events, { expectedRevision: 'no_stream' });
        expect(again).toEqual(original);
        const stored = await store.readStream(stream);
        expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
      });

      it('is idempotent for an exact expected revision and for any after later appends', async () => {
        const stream = uniqueStream();
        await store.append(stream, newEvents(2));
        const events = newEvents(2);
        const original = await store.append(stream, events, { expectedRevision: 1 });
        await store.append(stream, newEvents(1), { expectedRevision: 3 });
        expect(await store.append(stream, events, { expectedRevision: 1 })).toEqual(original);
        expect(await store.append(stream, events, { expectedRevision: 'any' })).toEqual(original);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      });

      it('a concurrent burst of the same append writes it once and tells every caller the same result', async () => {
        const stream = uniqueStream();
        const events = newEvents(2);
        const results = await Promise.all(Array.from({ length: 10 }, () => store.append(stream, events, { expectedRevision: 'any' })));
        for (const r of results) expect(r).toEqual(results[0]);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('a partial overlap with stored ids is refused with DuplicateEventId', async () => {
        const stream = uniqueStream();
        const events = newEvents(2);
        await store.append(stream, events);
        const overlapping = [events[1]!, newEvent()];
        const error = await rejectionOf(store.append(stream, overlapping));
        expect(error).toBeInstanceOf(DuplicateEventId);
        expect((error as DuplicateEventId).eventId).toBe(events[1]!.id);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('the same id in another stream is refused with DuplicateEventId', async () => {
        const first = uniqueStream();
        const other = uniqueStream();
        const event = newEvent();
        await store.append(first, [event]);
        const error = await rejectionOf(store.append(other, [event]));
        expect(error).toBeInstanceOf(DuplicateEventId);
        expect(await store.readStream(other)).toEqual([]);
      });
    });

    describe('positions', () => {
      it('are strictly increasing across streams in acknowledgement order', async () => {
        const streams = [uniqueStream(), uniqueStream(), uniqueStream()];
        const positions: number[] = [];
        for (let i = 0; i < 12; i++) positions.push((await store.append(streams[i % 3]!, newEvents(1 + (i % 2)))).position);
        expectStrictlyIncreasing(positions);
        const all = await readAllOf(store, (await store.readStream(streams[0]!))[0]!.position, new Set(streams));
        expectStrictlyIncreasing(all.map((e) => e.position));
        expect(all).toHaveLength(18);
      });

      it('headPosition is at least the position of the last acknowledged append', async () => {
        const head0 = await store.headPosition();
        expect(Number.isInteger(head0)).toBe(true);
        const { position } = await store.append(uniqueStream(), newEvents(1));
        expect(await store.headPosition()).toBeGreaterThanOrEqual(position);
        expect(position).toBeGreaterThan(head0);
      });
    });

    describe('readStream', () => {
      let stream: string;
      let appended: EventToAppend[];

      beforeAll(async () => {
        stream = uniqueStream();
        appended = newEvents(10);
        await store.append(stream, appended.slice(0, 4));
        await store.append(uniqueStream(), newEvents(2)); // interleave another stream
        await store.append(stream, appended.slice(4));
      });

      const revisions = (events: RecordedEvent[]) => events.map((e) => e.revision);

      it('reads forwards from the start by default, with every field', async () => {
        const events = await store.readStream(stream);
        expect(revisions(events)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(events.map((e) => e.id)).toEqual(appended.map((e) => e.id));
        for (const [i, e] of events.entries()) {
          expect(e.stream).toBe(stream);
          expect(e.type).toBe(appended[i]!.type);
          expect(e.data).toEqual(appended[i]!.data);
          expect(e.metadata).toEqual({});
          expect(Number.isNaN(Date.parse(e.created))).toBe(false);
        }
        expectStrictlyIncreasing(events.map((e) => e.position));
      });

      it('reads forwards from a revision, with a limit', async () => {
        expect(revisions(await store.readStream(stream, { from: 3 }))).toEqual([3, 4, 5, 6, 7, 8, 9]);
        expect(revisions(await store.readStream(stream, { from: 3, limit: 2 }))).toEqual([3, 4]);
        expect(revisions(await store.readStream(stream, { from: 'start', limit: 3 }))).toEqual([0, 1, 2]);
        expect(await store.readStream(stream, { from: 10 })).toEqual([]);
      });

      it('reads backwards from the end or from a revision, with a limit', async () => {
        expect(revisions(await store.readStream(stream, { direction: 'backwards' }))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', from: 'end', limit: 3 }))).toEqual([9, 8, 7]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', from: 5 }))).toEqual([5, 4, 3, 2, 1, 0]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', from: 5, limit: 2 }))).toEqual([5, 4]);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(uniqueStream())).toEqual([]);
        expect(await store.readStream(uniqueStream(), { direction: 'backwards' })).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('reads in global order from a position (inclusive) with a limit', async () => {
        const streams = [uniqueStream(), uniqueStream()];
        const acks: AppendResult[] = [];
        for (let i = 0; i < 6; i++) acks.push(await store.append(streams[i % 2]!, newEvents(1)));
        const from = acks[0]!.position;

        const page = await store.readAll({ fromPosition: from, limit: 4 });
        expect(page.length).toBeLessThanOrEqual(4);
        expect(page[0]!.position).toBe(from);
        expectStrictlyIncreasing(page.map((e) => e.position));

        const ours = await readAllOf(store, from, new Set(streams));
        expect(ours.map((e) => e.position)).toEqual(acks.map((a) => a.position));
        expect(ours.map((e) => e.stream)).toEqual(acks.map((_, i) => streams[i % 2]));

        const rest = await store.readAll({ fromPosition: acks[3]!.position + 1 });
        expect(rest.filter((e) => streams.includes(e.stream)).map((e) => e.position)).toEqual(acks.slice(4).map((a) => a.position));
      });

      it('reads nothing past the head', async () => {
        const { position } = await store.append(uniqueStream(), newEvents(1));
        const head = await store.headPosition();
        expect(head).toBeGreaterThanOrEqual(position);
        const after = await store.readAll({ fromPosition: head + 1 });
        // Another client might append meanwhile on a shared server; whatever comes is past the head.
        for (const e of after) expect(e.position).toBeGreaterThan(head);
      });
    });

    describe('readAll with dataOf', () => {
      it('gives the events of the listed types their data, and every event its place, type and metadata', async () => {
        const stream = uniqueStream();
        const meta = { actor: 'contract', recordedAt: '2026-01-01T00:00:00.000Z' };
        const events = [newEvent('contract.kept', { n: 1 }, meta), newEvent('contract.left-out', { n: 2, text: 'x'.repeat(2000) }, meta), newEvent('contract.kept', { n: 3 }, meta)];
        await store.append(stream, events);
        const whole = await store.readStream(stream);
        const page = await readAllOf(store, whole[0]!.position, new Set([stream]), ['contract.kept']);
        expect(page).toHaveLength(3);
        expect(page.map(({ data: _, ...place }) => place)).toEqual(whole.map(({ data: _, ...place }) => place));
        expect([page[0]!.data, page[2]!.data]).toEqual([{ n: 1 }, { n: 3 }]);
        // An adapter may read every event's data anyway; it never gives other data.
        expect([undefined, whole[1]!.data]).toContainEqual(page[1]!.data);
      });
    });

    describe('readPositions', () => {
      it('reads the events at the given positions, in global order, leaving out positions that hold none', async () => {
        const streams = [uniqueStream(), uniqueStream()];
        const acks: AppendResult[] = [];
        for (let i = 0; i < 5; i++) acks.push(await store.append(streams[i % 2]!, [newEvent('contract.thing-happened', { i })]));
        const [p0, , p2, p3, p4] = acks.map((a) => a.position);
        const head = await store.headPosition();
        const read = await store.readPositions([p4!, p0!, p3!, p0!, head + 1_000_000]);
        expect(read.map((e) => [e.position, e.stream, e.data])).toEqual([
          [p0, streams[0], { i: 0 }],
          [p3, streams[1], { i: 3 }],
          [p4, streams[0], { i: 4 }],
        ]);
        expect(read[1]).toEqual((await store.readStream(streams[1]!))[1]);
        expect(await store.readPositions([p2!])).toEqual([(await store.readStream(streams[0]!))[1]]);
        expect(await store.readPositions([])).toEqual([]);
      });
    });

    describe('subscribe', () => {
      it('catches up, then goes live, in order, without gaps or repeats', async () => {
        const stream = uniqueStream();
        await store.append(stream, newEvents(3));
        // Just before our first event: positions may have gaps (EventStoreDB's are byte offsets).
        const from = (await store.readStream(stream))[0]!.position - 1;
        const seen: RecordedEvent[] = [];
        const ours = collect(store.subscribe({ fromPosition: from }).pipe(filter((e) => (seen.push(e), true))), new Set([stream]), 8);
        await new Promise((r) => setTimeout(r, 50));
        await store.append(stream, newEvents(2));
        await store.append(uniqueStream(), newEvents(1));
        await store.append(stream, newEvents(3));
        const got = await ours;
        expect(got.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(seen[0]!.position).toBeGreaterThanOrEqual(from);
        expectStrictlyIncreasing(seen.map((e) => e.position));
        // No gaps: what the feed delivered is exactly what readAll has over the same range.
        const inLog = await store.readAll({ fromPosition: seen[0]!.position, limit: seen.length });
        expect(inLog.map((e) => e.position)).toEqual(seen.map((e) => e.position));
      });

      it('resumes from a checkpoint with checkpoint + 1', async () => {
        const stream = uniqueStream();
        await store.append(stream, newEvents(3));
        const [, , third] = await store.readStream(stream);
        const checkpoint = third!.position;
        await store.append(stream, newEvents(2));
        const got = await collect(store.subscribe({ fromPosition: checkpoint + 1 }), new Set([stream]), 2);
        expect(got.map((e) => e.revision)).toEqual([3, 4]);
      });

      it('delivers concurrent appends live, in position order, each once', async () => {
        const streams = Array.from({ length: 8 }, () => uniqueStream());
        const start = await store.headPosition();
        const feed = collect(store.subscribe({ fromPosition: start + 1 }), new Set(streams), 40);
        await new Promise((r) => setTimeout(r, 20));
        const acks = await Promise.all(Array.from({ length: 40 }, (_, i) => store.append(streams[i % 8]!, newEvents(1))));
        const got = await feed;
        expect(got.map((e) => e.position)).toEqual(acks.map((a) => a.position).sort((a, b) => a - b));
      });

      it('stops delivering after unsubscribe and can be subscribed to again', async () => {
        const stream = uniqueStream();
        await store.append(stream, newEvents(1));
        const received: RecordedEvent[] = [];
        const sub = store
          .subscribe({ fromPosition: (await store.headPosition()) + 1 })
          .pipe(filter((e) => e.stream === stream))
          .subscribe((e) => received.push(e));
        sub.unsubscribe();
        await store.append(stream, newEvents(2));
        await new Promise((r) => setTimeout(r, 100));
        expect(received).toEqual([]);
        const firstPosition = (await store.readStream(stream, { limit: 1 }))[0]!.position;
        const again = await firstValueFrom(store.subscribe({ fromPosition: firstPosition }).pipe(filter((e) => e.stream === stream), take(3), toArray()));
        expect(again.map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('completes when the store closes, and close is idempotent', async () => {
        const own = await openStore();
        try {
          const from = (await own.headPosition()) + 1;
          const completed = new Promise<void>((resolve, reject) => {
            own.subscribe({ fromPosition: from }).subscribe({ complete: resolve, error: reject });
          });
          await new Promise((r) => setTimeout(r, 20));
          await own.close();
          await completed;
          expect(await own.isReady()).toBe(false);
        } finally {
          await own.close();
        }
      });
    });

    describe('health', () => {
      it('is ready while open', async () => {
        expect(await store.isReady()).toBe(true);
      });
    });

    describe('payloads', () => {
      it('round-trips unicode in stream names, types, data and metadata', async () => {
        const stream = uniqueStream('contract-ünïcødé-日本語-🙂');
        const text = 'héllo wörld — ünïcødé 日本語 العربية עברית 🙂👩🏽‍🚀 \u0301e\u200d "quotes" \\ back\nslash\ttab \u2028\u2029';
        const event = newEvent('contract.ünïcødé-🙂', { text, nested: { arr: [text, 1.5, null, true] } }, { note: text, n: 42 });
        await store.append(stream, [event]);
        const [stored] = await store.readStream(stream);
        expect(stored!.stream).toBe(stream);
        expect(stored!.type).toBe(event.type);
        expect(stored!.data).toEqual(event.data);
        expect(stored!.metadata).toEqual(event.metadata);
      });

      it('round-trips a 1 MiB event', async () => {
        const stream = uniqueStream();
        const blob = 'x€🙂'.repeat(1024 * 1024 / 8); // > 1 MiB of UTF-8
        const event = newEvent('contract.big', { blob });
        const { position } = await store.append(stream, [event]);
        const [stored] = await store.readStream(stream);
        expect((stored!.data as { blob: string }).blob).toBe(blob);
        const [fromAll] = await store.readAll({ fromPosition: position, limit: 1 });
        expect((fromAll!.data as { blob: string }).blob.length).toBe(blob.length);
      });
    });

    describe('properties', () => {
      it('random interleaved appends: readAll order equals ack order and per-stream revisions are dense', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 3 }), fc.boolean()), { minLength: 1, maxLength: 25 }),
            async (ops) => {
              const streams = Array.from({ length: 4 }, () => uniqueStream('prop'));
              const acks: { stream: string; result: AppendResult; count: number }[] = [];
              // Some ops wait for the previous ones (sequential), others run concurrently with them.
              let inFlight: Promise<void>[] = [];
              for (const [s, count, concurrent] of ops) {
                if (!concurrent) {
                  await Promise.all(inFlight);
                  inFlight = [];
                }
                const stream = streams[s]!;
                inFlight.push(store.append(stream, newEvents(count)).then((result) => void acks.push({ stream, result, count })));
              }
              await Promise.all(inFlight);

              acks.sort((a, b) => a.result.position - b.result.position);
              const firstPos = Math.min(...(await Promise.all(streams.map((s) => store.readStream(s, { limit: 1 })))).flat().map((e) => e.position));
              const all = await readAllOf(store, firstPos, new Set(streams));
              // The last event of each append sits exactly at the acknowledged position, in ack order.
              const lastOfEach = acks.map((a) => a.result.position);
              expect(lastOfEach.every((p) => all.some((e) => e.position === p))).toBe(true);
              expect(all).toHaveLength(acks.reduce((n, a) => n + a.count, 0));
              expectStrictlyIncreasing(all.map((e) => e.position));
              // An append's events are contiguous in its stream and end at nextRevision.
              for (const a of acks) {
                const mine = all.filter((e) => e.stream === a.stream && e.position <= a.result.position).slice(-a.count);
                expect(mine.map((e) => e.revision)).toEqual(Array.from({ length: a.count }, (_, i) => a.result.nextRevision - a.count + 1 + i));
              }
              for (const s of streams) {
                const revs = all.filter((e) => e.stream === s).map((e) => e.revision);
                expect(revs).toEqual(revs.map((_, i) => i));
              }
            },
          ),
          { numRuns: 15 },
        );
      });

      it('expectedRevision behaves like the model, in any order of sentinels', async () => {
        const expectedArb = fc.constantFrom<ExpectedRevision | 'current' | 'stale'>(
          'any', 'no_stream', 'stream_exists', 'current', 'stale', -1, 0, 1,
        );
        await fc.assert(
          fc.asyncProperty(fc.array(expectedArb, { minLength: 1, maxLength: 12 }), async (plan) => {
            const stream = uniqueStream('model');
            let revision = -1;
            for (const step of plan) {
              // 'stale' is a revision the stream has passed (or, while it is empty, one it has not reached).
              const stale = revision >= 0 ? revision - 1 : 3;
              const expected: ExpectedRevision = step === 'current' ? revision : step === 'stale' ? stale : step;
              const ok =
                expected === 'any' ||
                (expected === 'no_stream' && revision === -1) ||
                (expected === 'stream_exists' && revision !== -1) ||
                expected === revision;
              const attempt = store.append(stream, newEvents(1), { expectedRevision: expected });
              if (ok) {
                const result = await attempt;
                revision += 1;
                expect(result.nextRevision).toBe(revision);
              } else {
                await expectWrongRevision(attempt, stream, expected, revision);
              }
            }
            expect((await store.readStream(stream)).length).toBe(revision + 1);
          }),
          { numRuns: 25 },
        );
      });
    });
  });
}
