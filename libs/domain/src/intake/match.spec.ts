import { describe, expect, it } from '@jest/globals';
import { parseValue } from '../values/parse.js';
import type { ValueType } from '../values/value.js';
import { ClaimIndex, contextOf, type TrackedClaim } from './match.js';
import { sentencesOf } from './text.js';

const S400 = { name: 'S-400 Triumf', aliases: ['S-400'] };

function claim(claimId: string, predicate: string, valueType: ValueType, current: string | null, extra: Partial<TrackedClaim> = {}): TrackedClaim {
  const value = current === null ? null : parseValue({ type: valueType, text: current });
  return {
    claimId,
    subject: 'S-400 contract of 2018',
    predicate,
    valueType,
    description: null,
    entities: [S400],
    current: value,
    assertions: value ? [{ assertionId: `${claimId}-a`, sourceId: 'seed', quote: { exact: `recorded ${current}`, start: 0, end: 9 + current!.length }, value, live: true }] : [],
    ...extra,
  };
}

const CLAIMS = [
  claim('contracted', 'units contracted', 'count', 'five units'),
  claim('delivered', 'units delivered', 'count', 'three squadrons'),
  claim('pending', 'units still to be delivered', 'count', 'two'),
  claim('value', 'contract value', 'quantity', '$5.43 billion'),
  claim('share', 'share of imports', 'quantity', '36 per cent', { subject: "Russia's share of India's arms imports (SIPRI)", entities: [] }),
];

/** The candidates for the value words `value` in a one-sentence text. */
function candidatesFor(text: string, valueWords: string, type: ValueType, index = new ClaimIndex(CLAIMS)) {
  const sentence = sentencesOf(text)[0]!;
  const at = text.indexOf(valueWords);
  const span = { start: at, end: at + valueWords.length };
  const { context, about } = contextOf(text, span, { quote: sentence, sentence, before: [], title: null, lede: null, implied: [] });
  return index.candidates(parseValue({ type, text: valueWords }), context, about, false, () => null);
}

describe(ClaimIndex.name, () => {
  it('tells sibling claims apart by the words around the value (pending, delivered, contracted)', () => {
    expect(candidatesFor('Two S-400 squadrons are still pending.', 'Two S-400 squadrons', 'count')[0]?.claimId).toBe('pending');
    expect(candidatesFor('Three S-400 squadrons have already been delivered.', 'Three S-400 squadrons', 'count')[0]?.claimId).toBe('delivered');
    expect(candidatesFor('India ordered five S-400 squadrons under the deal.', 'five S-400 squadrons', 'count')[0]?.claimId).toBe('contracted');
  });

  it('explains its choice and scores the same input the same way', () => {
    const first = candidatesFor('Three S-400 squadrons have already been delivered.', 'Three S-400 squadrons', 'count');
    expect(first[0]!.reason).toMatch(/predicate: .*delivered/);
    expect(first[0]!.reason).toMatch(/agrees with its current value \(same\)/);
    expect(candidatesFor('Three S-400 squadrons have already been delivered.', 'Three S-400 squadrons', 'count')).toEqual(first);
  });

  it('offers a claim recorded in another currency, saying the relation will be incomparable; never money for a share', () => {
    const rupees = candidatesFor('The S-400 contract was worth Rs 35,000 crore.', 'Rs 35,000 crore', 'quantity');
    expect(rupees[0]?.claimId).toBe('value');
    expect(rupees[0]!.reason).toMatch(/INR, recorded in USD \(incomparable/);
    const share = candidatesFor("The S-400 contract took 36 per cent of India's arms imports.", '36 per cent', 'quantity');
    expect(share.map((c) => c.claimId)).not.toContain('value');
  });

  it('offers a rate recorded in per cent for points of it, saying the relation will be incomparable', () => {
    const points = candidatesFor("Russia's share of India's arms imports fell by 40 percentage points.", '40 percentage points', 'quantity');
    expect(points[0]?.claimId).toBe('share');
    expect(points[0]!.reason).toMatch(/pp, recorded in % \(incomparable/);
  });

  it('weighs a deadline less for a claim of when something happened', () => {
    const index = new ClaimIndex([...CLAIMS, claim('year', 'year signed', 'date', '2018'), claim('due', 'remaining deliveries due', 'date', 'by 2026–27')]);
    const year = (text: string, words: string) => candidatesFor(text, words, 'date', index).find((c) => c.claimId === 'year');
    expect(year('The S-400 contract was to be signed by 2019.', 'by 2019')?.reason).toMatch(/a deadline, and the claim records when something happened/);
    expect(year('The S-400 contract was signed in 2018.', '2018')?.reason).not.toMatch(/deadline/);
    expect(year('The S-400 contract has held since 2018.', 'since 2018')?.reason ?? '').not.toMatch(/deadline/);
  });

  it('counts the words of another value\'s part of the sentence less ("a 50% levy ..., of which 25 percentage points ... Russian oil")', () => {
    const tariffs = { subject: 'US tariffs on Indian goods (2025)', entities: [] };
    const index = new ClaimIndex([
      claim('total', 'total rate announced', 'quantity', '50 per cent', tariffs),
      claim('oil', 'part attributed to Russian oil purchases', 'quantity', '25 per cent', tariffs),
    ]);
    const text = 'Indian exporters pay a 50% US tariff on goods, of which 25 percentage points were imposed over purchases of Russian oil.';
    const sentence = sentencesOf(text)[0]!;
    const span = (words: string) => ({ start: text.indexOf(words), end: text.indexOf(words) + words.length });
    const scores = (otherValues: { start: number; end: number }[]) => {
      const { context, about } = contextOf(text, span('50%'), { quote: sentence, sentence, before: [], title: null, lede: null, implied: [], otherValues });
      return Object.fromEntries(index.candidates(parseValue({ type: 'quantity', text: '50%' }), context, about, false, () => null).map((c) => [c.claimId, c.score]));
    };
    const alone = scores([]);
    const withThe25 = scores([span('25 percentage points')]);
    // The oil words stand in the 25's part: they count less for the 50%; the tariff's own words do not move.
    expect(withThe25.oil! / withThe25.total!).toBeLessThan(alone.oil! / alone.total!);
    expect(withThe25.oil!).toBeLessThan(alone.oil!);
  });

  it('offers nothing when the passage names nothing the claim is about', () => {
    expect(candidatesFor('The air force is down to 29 fighter squadrons.', '29 fighter squadrons', 'count')).toEqual([]);
  });
});
