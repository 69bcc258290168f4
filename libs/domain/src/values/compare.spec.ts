import { describe, expect, it } from '@jest/globals';
import { compareValues, relateValues, describeBounds, relateBounds } from './compare.js';
import { parseDate, parseValue } from './parse.js';
import type { Relation, Value, ValueType } from './value.js';

function v(type: ValueType, text: string): Value {
  return parseValue({ type, text }, { saidAt: { lo: '2025-12-04', hi: '2025-12-04' } });
}

describe(compareValues.name, () => {
  describe('DESIGN section 3 examples', () => {
    it.each<[ValueType, string, string, Relation]>([
      ['date', 'September 4, 2019', '2019-09-04', 'same'],
      ['date', '2026–27', 'September 2026', 'refines'],
      ['quantity', 'USD 5 billion', '$5.43 billion', 'refines'],
      ['quantity', '$5.43 billion', 'USD 5 billion', 'generalizes'],
      ['date', 'by September 2026', '2026–27', 'overlaps'],
      ['date', 'mid-2025', '4 December 2025', 'contradicts'],
    ])('given the %s "%s" then "%s", when compared, then the later one %s the earlier', (type, a, b, relation) => {
      expect(compareValues(v(type, a), v(type, b)).relation).toBe(relation);
    });
  });

  describe('explanations', () => {
    it('given a refinement, when compared, then it says what narrowed to what', () => {
      expect(compareValues(v('date', '2026–27'), v('date', 'September 2026')).explanation).toBe(
        'narrowed from 2026–27 to September 2026: 1 September 2026 to 30 September 2026 lies within 1 January 2026 to 31 December 2027',
      );
    });

    it('given a generalization, when compared, then it says what widened', () => {
      expect(compareValues(v('quantity', '$5.43 billion'), v('quantity', 'USD 5 billion')).explanation).toBe(
        'widened from $5.43 billion to USD 5 billion: USD 5.425 billion to USD 5.435 billion lies within USD 4.5 billion to USD 5.5 billion',
      );
    });

    it('given an overlap, when compared, then it says which way it moved and what is shared', () => {
      expect(compareValues(v('date', 'by September 2026'), v('date', '2026–27')).explanation).toBe(
        'partly overlaps: moved later from by September 2026 (on or before 30 September 2026) to 2026–27 (1 January 2026 to 31 December 2027); they share only 1 January 2026 to 30 September 2026',
      );
    });

    it('given a contradiction, when compared, then it says which side the later value lies on', () => {
      expect(compareValues(v('date', 'mid-2025'), v('date', '4 December 2025')).explanation).toBe(
        'contradicts: 4 December 2025 (on 4 December 2025) is entirely later than mid-2025 (1 May 2025 to 31 August 2025)',
      );
      expect(compareValues(v('quantity', '76 per cent'), v('quantity', '36 per cent')).explanation).toMatch(/entirely lower/);
    });

    it('given the same value in other words, when compared, then it says both mean the same', () => {
      expect(compareValues(v('date', 'September 4, 2019'), v('date', '2019-09-04')).explanation).toBe(
        'same: "September 4, 2019" and "2019-09-04" both mean on 4 September 2019',
      );
    });

    it('given counts of different nouns, when compared, then it compares the numbers and says the nouns differ', () => {
      const c = compareValues(v('count', 'five S-400 units'), v('count', 'three squadrons'));
      expect(c.relation).toBe('contradicts');
      expect(c.explanation).toMatch(/counted as "S-400 units" and "squadrons"; compared on the numbers only/);
    });
  });

  describe('incomparable', () => {
    it('given two currencies, when compared, then it is incomparable with a reason and no exchange rate', () => {
      const c = compareValues(v('quantity', 'USD 5 billion'), v('quantity', 'Rs 40,000 crore'));
      expect(c).toEqual({
        relation: 'incomparable',
        explanation: 'incomparable: "USD 5 billion" is in USD and "Rs 40,000 crore" in INR (different currencies; no exchange rate is applied)',
      });
    });

    it('given a percentage and percentage points, when compared, then they are incomparable', () => {
      expect(compareValues(v('quantity', '5%'), v('quantity', '5 percentage points')).explanation).toMatch(/different units; no conversion/);
    });

    it('given different value types, when compared, then they are incomparable', () => {
      expect(compareValues(v('count', 'five'), v('quantity', '5%'))).toEqual({
        relation: 'incomparable',
        explanation: 'incomparable: "five" is a count and "5%" is a quantity',
      });
    });
  });

  describe('Relations: Touching ends', () => {
    it('given day intervals that touch, when compared, then they are disjoint', () => {
      expect(compareValues(parseValue({ type: 'date', lo: null, hi: '2026-09-30' }), parseValue({ type: 'date', lo: '2026-10-01', hi: null })).relation).toBe('contradicts');
      expect(compareValues(v('date', 'by September 2026'), v('date', 'after September 2026')).relation).toBe('contradicts');
    });

    it('given day intervals that share one day, when compared, then they overlap', () => {
      expect(compareValues(parseValue({ type: 'date', lo: null, hi: '2026-09-30' }), parseValue({ type: 'date', lo: '2026-09-30', hi: null })).relation).toBe('overlaps');
    });

    it('given quantities whose rounding intervals touch, when compared, then they contradict', () => {
      expect(compareValues(v('quantity', '$5 billion'), v('quantity', '$6 billion')).relation).toBe('contradicts');
      expect(compareValues(v('quantity', 'at most $5 billion'), v('quantity', 'at least $5 billion')).relation).toBe('contradicts');
    });

    it('given a single-point quantity on the end of an interval, when compared, then it lies inside', () => {
      expect(compareValues(v('quantity', '$5 billion'), v('quantity', 'exactly $5.5 billion')).relation).toBe('refines');
      expect(compareValues(v('quantity', 'exactly $5.5 billion'), v('quantity', '$5 billion')).relation).toBe('generalizes');
    });

    it('given counts next to each other, when compared, then they contradict', () => {
      expect(compareValues(v('count', 'five'), v('count', 'six')).relation).toBe('contradicts');
      expect(compareValues(v('count', 'over 5'), v('count', 'five')).relation).toBe('contradicts');
    });

    it('given open ends, when compared, then null is -inf as a start and +inf as an end', () => {
      expect(compareValues(v('date', 'by 2026'), v('date', 'by September 2026')).relation).toBe('refines');
      expect(compareValues(v('date', 'from 2026'), v('date', 'from 2027')).relation).toBe('refines');
      expect(compareValues(v('quantity', 'over $5 billion'), v('quantity', 'over $5 billion')).relation).toBe('same');
    });
  });

  describe('Text', () => {
    it('given texts equal but for case and spacing, when compared, then they are the same', () => {
      expect(compareValues(v('text', 'Andrei  Belousov'), v('text', 'andrei belousov')).relation).toBe('same');
    });

    it('given different texts and no entities, when compared, then they contradict', () => {
      expect(compareValues(v('text', 'Andrey Belousov'), v('text', 'Andrei Belousov'))).toEqual({
        relation: 'contradicts',
        explanation: 'changed from "Andrey Belousov" to "Andrei Belousov"',
      });
    });

    const entities = [
      { name: 'Andrei Belousov', aliases: ['Andrey Belousov', 'Belousov'] },
      { name: 'Rajnath Singh', aliases: ['Defence Minister Rajnath Singh', 'Singh'] },
    ];

    it("given two names of one of the claim's entities, when compared through them, then they are the same and the variant is named", () => {
      expect(compareValues(v('text', 'Andrey Belousov'), v('text', 'Andrei Belousov'), { entities })).toEqual({
        relation: 'same',
        explanation: 'same: "Andrey Belousov" and "Andrei Belousov" name the same entity (Andrei Belousov), a spelling variant',
      });
      expect(relateValues(v('text', 'Rajnath Singh and Andrey Belousov'), v('text', 'Defence Minister Rajnath Singh and Andrei Belousov'), { entities })).toBe('same');
    });

    it('given a name that only contains an alias inside a longer word or another name, when compared, then it is not that entity', () => {
      expect(relateValues(v('text', 'Manmohan Singh'), v('text', 'Rajnath Singh'), { entities })).toBe('contradicts');
      expect(relateValues(v('text', 'Belousova'), v('text', 'Belousov'), { entities })).toBe('contradicts');
    });

    it('given texts that differ in accents or dash forms only, when compared, then they are the same', () => {
      expect(relateValues(v('text', 'Andréi Belousov'), v('text', 'Andrei Belousov'))).toBe('same');
      expect(relateValues(v('text', 'S–400'), v('text', 's-400'))).toBe('same');
    });
  });

  it('given a deadline then a later deadline, when compared, then it generalizes and names the slip', () => {
    const { relation, explanation } = compareValues(v('date', 'by September 2026'), v('date', 'by 2026–27'));
    expect(relation).toBe('generalizes');
    expect(explanation).toMatch(/the deadline moved later$/);
    expect(compareValues(v('date', 'by 2026–27'), v('date', 'by September 2026')).explanation).not.toMatch(/deadline moved/);
  });

  it('given said-at words, when compared with another parse, then the parser version does not matter', () => {
    expect(compareValues(parseDate('2025-12-04'), { ...parseDate('4 December 2025'), parser: 'claimline-values/0' }).relation).toBe('same');
  });
});

describe(relateBounds.name, () => {
  it.each<[[number | null, number | null], [number | null, number | null], boolean, Relation]>([
    [[1, 5], [1, 5], true, 'same'],
    [[1, 5], [2, 4], true, 'refines'],
    [[1, 5], [1, 4], true, 'refines'],
    [[2, 4], [1, 5], true, 'generalizes'],
    [[1, 5], [3, 8], true, 'overlaps'],
    [[3, 8], [1, 5], true, 'overlaps'],
    [[1, 5], [5, 8], true, 'contradicts'],
    [[1, 5], [5, 8], false, 'overlaps'],
    [[1, 5], [6, 8], false, 'contradicts'],
    [[null, 5], [4, null], true, 'overlaps'],
    [[null, null], [4, 5], true, 'refines'],
  ])('given %j then %j (continuous %s), when related, then %s', (a, b, continuous, relation) => {
    expect(relateBounds({ lo: a[0], hi: a[1] }, { lo: b[0], hi: b[1] }, continuous)).toBe(relation);
  });
});

describe(describeBounds.name, () => {
  it.each<[ValueType, string, string]>([
    ['date', 'by September 2026', 'on or before 30 September 2026'],
    ['date', 'after September 2026', 'on or after 1 October 2026'],
    ['quantity', 'Rs 1,000 crore', 'INR 5 billion to INR 15 billion'],
    ['quantity', 'over 50%', 'at least 50%'],
    ['count', 'three squadrons', 'exactly 3'],
    ['count', 'about 200', '180 to 220'],
    ['text', 'S-400', '"S-400"'],
  ])('given the %s "%s", when described, then it reads "%s"', (type, text, words) => {
    expect(describeBounds(v(type, text))).toBe(words);
  });
});
