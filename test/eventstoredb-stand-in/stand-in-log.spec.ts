/** The stand-in's log keeps the EventStoreDB behaviours the adapter has to cope with; pinned here. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { InvalidPositionError, MaxAppendSizeExceededError, StandInLog, type ProposedEvent } from './stand-in-log.js';

const proposed = (n: number): ProposedEvent[] =>
  Array.from({ length: n }, () => ({
    id: randomUUID(),
    type: 'test.happened',
    contentType: 'application/json',
    data: new TextEncoder().encode('{"n":1}'),
    metadata: new Uint8Array(),
  }));

describe('stand-in log', () => {
  it('starts with system events only', () => {
    const log = new StandInLog();
    expect(log.events.length).toBeGreaterThan(0);
    expect(log.events.every((e) => e.type.startsWith('$'))).toBe(true);
  });

  it('gives each event its own record position, with gaps, and answers with the last one', () => {
    const log = new StandInLog({ seedSystemEvents: false });
    const outcome = log.append('s', { kind: 'no_stream' }, proposed(3));
    const [a, b, c] = log.events;
    expect(b!.position).toBe(a!.postPosition);
    expect(b!.position - a!.position).toBeGreaterThan(1n);
    expect(outcome).toEqual({ kind: 'success', currentRevision: 2n, position: c!.position, idempotent: false });
  });

  describe('commit check', () => {
    it('with a revision: an exact repeat is idempotent, a partial one is a wrong expected version', () => {
      const log = new StandInLog({ idempotentPosition: true });
      const events = proposed(2);
      const first = log.append('s', { kind: 'no_stream' }, events);
      log.append('s', { kind: 'any' }, proposed(1));
      expect(log.append('s', { kind: 'no_stream' }, events)).toEqual({ ...first, idempotent: true });
      expect(log.append('s', { kind: 'no_stream' }, [events[0]!, ...proposed(1)])).toEqual({
        kind: 'wrong_expected_version',
        currentRevision: 2n,
      });
      expect(log.append('s', { kind: 'revision', revision: 5n }, proposed(1)).kind).toBe('wrong_expected_version');
    });

    it('with any: ids are looked up per stream, so the same id in another stream is written again', () => {
      const log = new StandInLog();
      const events = proposed(2);
      log.append('s', { kind: 'any' }, events);
      expect(log.append('s', { kind: 'any' }, events)).toMatchObject({ kind: 'success', idempotent: true, position: null });
      expect(log.append('s', { kind: 'any' }, [events[1]!, ...proposed(1)]).kind).toBe('wrong_expected_version');
      expect(log.append('other', { kind: 'any' }, [events[0]!])).toMatchObject({ kind: 'success', idempotent: false });
    });

    it('stream_exists is refused on a missing stream', () => {
      const log = new StandInLog();
      expect(log.append('s', { kind: 'stream_exists' }, proposed(1))).toEqual({
        kind: 'wrong_expected_version',
        currentRevision: -1n,
      });
    });

    it('refuses an append over the maximum size', () => {
      const log = new StandInLog({ maxAppendSize: 10 });
      expect(() => log.append('s', { kind: 'any' }, proposed(2))).toThrow(MaxAppendSizeExceededError);
    });
  });

  describe('reads', () => {
    it('refuses a read of $all from inside a record, but not from past the end', () => {
      const log = new StandInLog();
      log.append('s', { kind: 'any' }, proposed(2));
      const [, second] = log.events.filter((e) => e.stream === 's');
      const at = { commit: second!.position, prepare: second!.position };
      expect(log.readAll(at, 'forwards', 10n).map((e) => e.revision)).toEqual([1n]);
      expect(log.readAll(at, 'backwards', 10n)[0]!.stream).toBe('s');
      const inside = { commit: second!.position + 1n, prepare: second!.position + 1n };
      expect(() => log.readAll(inside, 'forwards', 10n)).toThrow(InvalidPositionError);
      expect(() => log.eventsAfter(inside.commit)).toThrow(InvalidPositionError);
      const past = log.writerPosition + 1000n;
      expect(log.readAll({ commit: past, prepare: past }, 'forwards', 10n)).toEqual([]);
    });

    it('reads a stream backwards from a revision as the index range [from - count + 1, from]', () => {
      const log = new StandInLog();
      log.append('s', { kind: 'any' }, proposed(3));
      expect(log.readStream('s', 10n, 'backwards', 2n)).toEqual([]);
      const wide = log.readStream('s', 10n, 'backwards', 100n);
      expect(wide === 'stream_not_found' ? wide : wide.map((e) => e.revision)).toEqual([2n, 1n, 0n]);
      expect(log.readStream('missing', 'start', 'forwards', 1n)).toBe('stream_not_found');
    });
  });
});
