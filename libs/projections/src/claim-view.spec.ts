import fc from 'fast-check';
import { parseDate, type ClaimEvent } from '#domain';
import { foldClaim, isLiveAssertion, pairChangeLog, pairDiscrepancy, pairsChangedAfter, stateOf, type ClaimFold } from './claim-view.js';

const VALUES = ['by 2026', 'by September 2026', '2026–27', 'mid-2026', 'September 2026', 'from 2026', '2028', 'before 2026'];
const SAID = ['2025-01-10', '2025-01-12', '2025-03', '2025-06-01', '2025'];

type Step = { record: [number, number] } | { correct: [number, number, number] } | { retract: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.nat(VALUES.length - 1), fc.nat(SAID.length - 1)).map((record) => ({ record })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(20), fc.nat(VALUES.length - 1), fc.nat(SAID.length - 1)).map((correct) => ({ correct })) },
  { weight: 1, arbitrary: fc.nat(20).map((retract) => ({ retract })) },
);

/** The claim's events for the steps (a correction or retraction names an assertion recorded before it). */
function eventsOf(steps: readonly Step[]): ClaimEvent[] {
  const events: ClaimEvent[] = [{ type: 'claimline.claim-opened', data: { claimId: 'c', subject: 'S-400 deliveries', predicate: 'remaining deliveries due', valueType: 'date' } }];
  const ids: string[] = [];
  for (const s of steps) {
    if ('record' in s) {
      const assertionId = `a${ids.length}`;
      ids.push(assertionId);
      const [v, d] = s.record;
      events.push({
        type: 'claimline.assertion-recorded',
        data: { claimId: 'c', assertionId, sourceId: `s${ids.length % 3}`, quote: { exact: `quote ${assertionId}`, prefix: '', suffix: '', start: 0, end: 9 }, sourceTextVersion: 1, value: parseDate(VALUES[v]!), saidAt: parseDate(SAID[d]!), speaker: 'x', modality: 'stated' },
      });
    } else if (ids.length > 0 && 'correct' in s) {
      const [a, v, d] = s.correct;
      events.push({ type: 'claimline.assertion-corrected', data: { claimId: 'c', assertionId: ids[a % ids.length]!, changes: { value: parseDate(VALUES[v]!), saidAt: parseDate(SAID[d]!) }, previous: {}, reason: 'misread' } });
    } else if (ids.length > 0 && 'retract' in s) {
      events.push({ type: 'claimline.assertion-retracted', data: { claimId: 'c', assertionId: ids[s.retract % ids.length]!, kind: 'recorded-in-error', reason: 'wrong claim' } });
    }
  }
  return events;
}

function fold(events: readonly ClaimEvent[]): ClaimFold {
  let folded: ClaimFold | null = null;
  events.forEach((event, i) => (folded = foldClaim(folded, event, { revision: i, position: i, recordedAt: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`, actor: 'desk' })));
  return folded!;
}

/** Every pair of the live assertions shown that disagrees, worked out pair by pair (DESIGN: discrepancies). */
function disagreeingAsWritten(f: ClaimFold, saidBy?: string): Map<string, string> {
  const live = f.assertions.filter((a) => isLiveAssertion(a) && (saidBy === undefined || (a.saidAt.bounds.hi !== null && a.saidAt.bounds.hi <= saidBy)));
  const pairs = new Map<string, string>();
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const d = pairDiscrepancy(f.claimId, live[i]!, live[j]!);
      if (d) pairs.set(`${d.earlierAssertionId}/${d.laterAssertionId}`, d.relation);
    }
  }
  return pairs;
}

describe('claim folds: discrepancies', () => {
  it('given any records, corrections and retractions, when folded event by event, then the open pairs are exactly the pairs that disagree now, and the state counts them', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 14 }), fc.constantFrom(undefined, '2025-01-11', '2025-04-30'), (steps, saidBy) => {
        const f = fold(eventsOf(steps));
        const open = new Map([...f.discrepancies.values()].filter((r) => r.body.status === 'open').map((r) => [`${r.body.earlier.assertionId}/${r.body.later.assertionId}`, r.body.relation]));
        expect(open).toEqual(disagreeingAsWritten(f));
        const indexed = new Set([...f.openPairs.values()].flatMap((pairs) => [...pairs.values()]));
        expect(indexed.size).toBe(open.size);
        expect(stateOf(f, { saidBy }).counts.discrepancies).toBe(disagreeingAsWritten(f, saidBy).size);
      }),
    );
  });

  it.each([16, 1])('given any events, when asked what changed after a position (the last %i events listed), then every pair changed after it, once', (eventsKept) => {
    const kept = pairChangeLog.eventsKept;
    pairChangeLog.eventsKept = eventsKept;
    try {
      fc.assert(
        fc.property(fc.array(step, { minLength: 8, maxLength: 30 }), fc.integer({ min: -1, max: 30 }), (steps, after) => {
          const f = fold(eventsOf(steps));
          const changed = [...pairsChangedAfter(f, after)];
          const keyOf = (r: { body: { earlier: { assertionId: string }; later: { assertionId: string } } }) => `${r.body.earlier.assertionId}/${r.body.later.assertionId}`;
          expect(changed.map(keyOf).sort()).toEqual([...f.discrepancies.values()].filter((r) => r.seq > after).map(keyOf).sort());
        }),
      );
    } finally {
      pairChangeLog.eventsKept = kept;
    }
  });
});
