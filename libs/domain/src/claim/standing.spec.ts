import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { relateValues, textAgreement, type CompareOptions } from '../values/compare.js';
import { parseDate, parseValue, type ParseContext } from '../values/parse.js';
import type { TextValue, Value, ValueType } from '../values/value.js';
import { claimStanding, CONCURRENT_WITHIN_DAYS, movement, saidWithin, type Standing, type StandingAssertion } from './standing.js';

/**
 * The rule as RULES.md states it, pair by pair with nothing kept between pairs: what claimStanding
 * (which relates each pair of distinct values once) must agree with.
 */
function standingAsWritten(live: readonly StandingAssertion[], options: CompareOptions = {}): Pick<Standing, 'status' | 'change' | 'current'> {
  const superseded = new Set<number>();
  const revisions: [number, number][] = [];
  const disputes: [number, number][] = [];
  for (let j = 1; j < live.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [live[i]!, live[j]!];
      const relation = relateValues(a.value, b.value, options);
      if (movement(a.value, b.value, relation) === null) continue;
      const disagree = relation === 'overlaps' || relation === 'contradicts';
      const sameSaidAt = a.saidAt.bounds.lo === b.saidAt.bounds.lo && a.saidAt.bounds.hi === b.saidAt.bounds.hi;
      if (sameSaidAt || (disagree && saidWithin(a.saidAt, b.saidAt, CONCURRENT_WITHIN_DAYS))) disputes.push([i, j]);
      else {
        revisions.push([i, j]);
        superseded.add(i);
      }
    }
  }
  const latest = (xs: [number, number][]) => xs.reduce<[number, number] | undefined>((best, x) => (!best || x[1] > best[1] || (x[1] === best[1] && x[0] > best[0]) ? x : best), undefined);
  const dispute = latest(disputes.filter(([i, j]) => !superseded.has(i) && !superseded.has(j)));
  const revision = latest(revisions);
  const ids = (pair: [number, number] | undefined) => pair && { from: live[pair[0]]!.assertionId, to: live[pair[1]]!.assertionId };
  // The current value: among those standing, the most precise all of them contain (its most often
  // stated words, then the latest), else the latest; supported by every one that contains it.
  const standing = live.filter((_, i) => !superseded.has(i));
  const contains = (outer: StandingAssertion, inner: StandingAssertion) => ['same', 'refines'].includes(relateValues(outer.value, inner.value, options));
  const inner = dispute ? [] : standing.filter((c) => standing.every((m) => contains(m, c)));
  const sameWords = (a: Value, b: Value) => a.normalized.toLowerCase() === b.normalized.toLowerCase() && (a.type !== 'quantity' || (b.type === 'quantity' && a.unit === b.unit));
  const stated = (c: StandingAssertion) => inner.filter((o) => sameWords(o.value, c.value)).length;
  const chosen = inner.length > 0 ? inner.reduce((best, c) => (stated(c) >= stated(best) ? c : best)) : standing.at(-1);
  const support = (m: Value, c: Value) =>
    m.type === 'text' && c.type === 'text' ? (textAgreement(m as TextValue, c as TextValue, options) === 'variant' ? 'spelling-variant' : 'states') : relateValues(m, c, options) === 'same' ? 'states' : 'less-precise';
  return {
    status: dispute ? 'contested' : revision ? 'revised' : 'settled',
    change: (ids(dispute) ?? ids(revision) ?? null) as Standing['change'],
    current: chosen
      ? { assertionId: chosen.assertionId, supportedBy: standing.filter((m) => contains(m, chosen)).map((m) => ({ assertionId: m.assertionId, sourceId: m.sourceId, support: support(m.value, chosen.value) })) }
      : null,
  };
}

/** An assertion as the seeds record them: its words read as the decider reads them. */
function said(id: string, type: ValueType, words: string, saidAt: string, speaker = id, context: ParseContext = {}): StandingAssertion {
  return { assertionId: id, sourceId: `source-${id}`, speaker, value: parseValue({ type, text: words }, context), saidAt: parseDate(saidAt) };
}

const BELOUSOV = [{ name: 'Andrei Belousov', aliases: ['Andrey Belousov', 'Belousov'] }];

describe(claimStanding.name, () => {
  it('given the S-400 deadline "by September 2026" then "by 2026–27" a day later, when derived, then the claim is revised, the slip named, and the later deadline is current', () => {
    const live = [
      said('004', 'date', 'by September 2026', '2025-12-04/2025-12-05', 'Moscow'),
      said('002', 'date', 'by 2026–27', '2025-12-05', 'Business Standard', { fiscalYear: 'april' }),
    ];
    expect(claimStanding(live)).toEqual({
      status: 'revised',
      change: {
        kind: 'deadline-moved-later',
        from: { assertionId: '004', sourceId: 'source-004', text: 'by September 2026' },
        to: { assertionId: '002', sourceId: 'source-002', text: 'by 2026–27' },
        words: 'deadline moved later: by September 2026 → by 2026–27',
      },
      current: { assertionId: '002', supportedBy: [{ assertionId: '002', sourceId: 'source-002', support: 'states' }] },
    });
  });

  it('given $5.43 billion twice and a rounded USD 5 billion said last, when derived, then it is settled and $5.43 billion is current, supported by all three', () => {
    const live = [
      said('004', 'quantity', '$5.43 billion', '2025-12-04/2025-12-05'),
      said('002', 'quantity', '$5.43 billion', '2025-12-05'),
      said('000', 'quantity', 'USD 5 billion', '2025-12-05/2025-12-11'),
    ];
    expect(claimStanding(live)).toEqual({
      status: 'settled',
      change: null,
      current: {
        assertionId: '002',
        supportedBy: [
          { assertionId: '004', sourceId: 'source-004', support: 'states' },
          { assertionId: '002', sourceId: 'source-002', support: 'states' },
          { assertionId: '000', sourceId: 'source-000', support: 'less-precise' },
        ],
      },
    });
  });

  it('given "Andrei Belousov" twice and "Andrey Belousov", when derived through the claim\'s entities, then it is settled, the spelling most stated is current and the other is a variant', () => {
    const live = [
      said('004', 'text', 'Andrei Belousov', '2025-12-04/2025-12-05'),
      said('002', 'text', 'Andrei Belousov', '2025-12-05'),
      said('000', 'text', 'Andrey Belousov', '2025-12-05/2025-12-11'),
    ];
    const standing = claimStanding(live, { entities: BELOUSOV });
    expect(standing).toMatchObject({ status: 'settled', change: null, current: { assertionId: '002' } });
    expect(standing.current!.supportedBy.map((s) => s.support)).toEqual(['states', 'states', 'spelling-variant']);
    expect(claimStanding(live).status).toBe('contested'); // without the entities they are different words
  });

  it('given texts that differ only in case, spacing and accents, when derived, then they are the same', () => {
    const live = [said('a', 'text', 'Andrei  Belousov', '2025-12-04'), said('b', 'text', 'ANDRÉI BELOUSOV', '2025-12-05')];
    expect(claimStanding(live).status).toBe('settled');
  });

  it('given "mid-2025" said a year before "4 December 2025", when derived, then the date moved later and the recent value is current', () => {
    const live = [
      said('003', 'date', 'mid-2025', '2024-11-22/2024-11-28'),
      said('004', 'date', '4 December 2025', '2025-12-04/2025-12-05'),
      said('002', 'date', '4 December 2025', '2025-12-05'),
    ];
    expect(claimStanding(live)).toMatchObject({
      status: 'revised',
      change: { kind: 'moved-later', from: { assertionId: '003' }, to: { assertionId: '002' }, words: 'moved later: mid-2025 → 4 December 2025' },
      current: { assertionId: '002', supportedBy: [{ assertionId: '004' }, { assertionId: '002' }] },
    });
  });

  it('given two figures that contradict said in the same week, when derived, then it is contested and the dispute is named', () => {
    const live = [said('a', 'quantity', '$5 billion', '2025-12-01', 'Reuters'), said('b', 'quantity', '$7 billion', '2025-12-03', 'TASS')];
    expect(claimStanding(live)).toMatchObject({
      status: 'contested',
      change: { kind: 'disputed', words: 'sources disagree: $5 billion (Reuters) vs $7 billion (TASS)' },
      current: { assertionId: 'b' },
    });
  });

  it('given a dispute that a later statement settles, when derived, then the record moved: revised, not contested', () => {
    const live = [
      said('a', 'quantity', '$5 billion', '2025-01-01'),
      said('b', 'quantity', '$7 billion', '2025-01-03'),
      said('c', 'quantity', '$7 billion', '2025-06-01'),
    ];
    expect(claimStanding(live)).toMatchObject({ status: 'revised', change: { kind: 'revised-up', from: { assertionId: 'a' }, to: { assertionId: 'c' } }, current: { assertionId: 'c' } });
  });

  it('given two deadlines said at the same said-at, when derived, then no order can be given: contested', () => {
    const live = [said('a', 'date', 'by 2026', '2025-12-05'), said('b', 'date', 'by 2027', '2025-12-05')];
    expect(claimStanding(live)).toMatchObject({ status: 'contested', change: { kind: 'disputed' } });
  });

  it('given a later statement that only narrows or rounds, when derived, then nothing moved', () => {
    expect(claimStanding([said('a', 'date', '2026–27', '2025-01-01'), said('b', 'date', 'September 2026', '2025-06-01')])).toMatchObject({ status: 'settled', current: { assertionId: 'b' } });
    expect(claimStanding([said('a', 'quantity', 'Rs 35,200 crore', '2025-01-01'), said('b', 'quantity', 'Rs 35,000 crore', '2025-06-01')])).toMatchObject({ status: 'settled', current: { assertionId: 'a' } });
  });

  it('given a floor raised later, when derived, then it is revised up', () => {
    expect(claimStanding([said('a', 'quantity', 'over $5 billion', '2025-01-01'), said('b', 'quantity', 'over $6 billion', '2025-06-01')])).toMatchObject({
      status: 'revised',
      change: { kind: 'revised-up', words: 'revised up: over $5 billion → over $6 billion' },
    });
  });

  it('given no live assertion, when derived, then it is settled with no current value', () => {
    expect(claimStanding([])).toEqual({ status: 'settled', change: null, current: null });
  });

  it('given nested closed values said in any order, when derived, then it is settled and the innermost is current, supported by all', () => {
    const nested = ['2026', 'H2 2026', 'Q3 2026', 'September 2026', '4 September 2026'];
    fc.assert(
      fc.property(fc.shuffledSubarray(nested, { minLength: 1 }), (words) => {
        const live = words.map((w, i) => said(`a${i}`, 'date', w, `2025-0${1 + (i % 9)}-01`));
        const innermost = nested.filter((w) => words.includes(w)).at(-1)!;
        const standing = claimStanding(live);
        expect(standing.status).toBe('settled');
        expect(live.find((a) => a.assertionId === standing.current!.assertionId)!.value.text).toBe(innermost);
        expect(standing.current!.supportedBy).toHaveLength(words.length);
      }),
    );
  });

  it('given any assertions, when derived, then a change is named exactly when something moved, and the current one is live', () => {
    const words = fc.constantFrom('by 2026', 'by 2027', '2026', 'mid-2026', 'September 2026', 'from 2025', 'from 2026', '2028');
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2025-0${1 + (d % 9)}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(words, day), { maxLength: 6 }), (xs) => {
        const live = xs.map(([w, d], i) => said(`a${i}`, 'date', w, d)).sort((a, b) => (a.saidAt.bounds.lo! < b.saidAt.bounds.lo! ? -1 : 1));
        const standing = claimStanding(live);
        expect(standing.change === null).toBe(standing.status === 'settled');
        if (live.length) expect(live.map((a) => a.assertionId)).toContain(standing.current!.assertionId);
      }),
    );
  });

  it.each<[ValueType, string[]]>([
    ['date', ['by 2026', 'by September 2026', '2026–27', 'mid-2026', 'September 2026', 'from 2026', '2028', 'by 2026']],
    ['quantity', ['$5.43 billion', 'USD 5 billion', '$5 billion', '5 billion euros', '€5.4 billion', 'over $6 billion']],
    ['text', ['Andrei Belousov', 'Andrey Belousov', 'andrei  belousov', 'Sergei Shoigu', 'Belousov']],
  ])('given any %s assertions, when derived, then the standing is the rule applied pair by pair', (type, pool) => {
    const day = fc.constantFrom('2025-01-10', '2025-01-12', '2025-03', '2025-06-01', '2025-06-03', '2025');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...pool), day), { maxLength: 9 }), (xs) => {
        const live = xs.map(([w, d], i) => said(`a${i}`, type, w, d));
        const options = { entities: BELOUSOV };
        const standing = claimStanding(live, options);
        const written = standingAsWritten(live, options);
        expect(standing.status).toBe(written.status);
        expect(standing.change && { from: standing.change.from.assertionId, to: standing.change.to.assertionId }).toEqual(written.change);
        expect(standing.current).toEqual(written.current);
      }),
    );
  });
});
