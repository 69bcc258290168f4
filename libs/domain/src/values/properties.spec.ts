import { describe, expect, it } from '@jest/globals';
import edtf from 'edtf';
import fc from 'fast-check';
import { MONTH_NAMES, daysInMonth } from './calendar.js';
import { compareValues, disagreeingPairs, relateValues } from './compare.js';
import { formatValue } from './format.js';
import { parseValue, type ParseContext, type ValueInput } from './parse.js';
import { DISCREPANCY_RELATIONS, type Relation, UnparseableValue, type Value, type ValueType } from './value.js';

// FC_RUNS=20000 for a deeper search; the default keeps the suite quick on shared cores.
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 400) };

// ---- generators of words the parser should read --------------------------------------------

const year = fc.integer({ min: 1950, max: 2090 });
const month = fc.integer({ min: 1, max: 12 });
const dayOf = (y: number, m: number): fc.Arbitrary<number> => fc.integer({ min: 1, max: daysInMonth(y, m) });
const pad = (n: number): string => String(n).padStart(2, '0');
const monthName = (m: number, short: boolean): string => (short ? MONTH_NAMES[m - 1].slice(0, m === 9 ? 4 : 3) : MONTH_NAMES[m - 1]);

const ymd = fc.tuple(year, month).chain(([y, m]) => dayOf(y, m).map((d) => [y, m, d] as const));

const dateAtom: fc.Arbitrary<string> = fc.oneof(
  ymd.map(([y, m, d]) => `${y}-${pad(m)}-${pad(d)}`),
  // ISO months that could also be years ("2010-11") are refused, not read (RULES.md, "Year ranges").
  fc.tuple(year, month).filter(([y, m]) => m <= y % 100).map(([y, m]) => `${y}-${pad(m)}`),
  year.map(String),
  fc.tuple(ymd, fc.boolean()).map(([[y, m, d], short]) => `${d} ${monthName(m, short)} ${y}`),
  fc.tuple(ymd, fc.boolean()).map(([[y, m, d], short]) => `${monthName(m, short)} ${d}, ${y}`),
  fc.tuple(year, month, fc.boolean()).map(([y, m, short]) => `${monthName(m, short)} ${y}`),
  fc.tuple(fc.constantFrom('early', 'mid-', 'late', 'mid'), year).map(([w, y]) => (w.endsWith('-') ? `${w}${y}` : `${w} ${y}`)),
  fc.tuple(fc.integer({ min: 1, max: 4 }), year).map(([q, y]) => `Q${q} ${y}`),
  fc.tuple(fc.constantFrom('H1', 'H2', 'first half of', 'second half of'), year).map(([h, y]) => `${h} ${y}`),
  // With a plain hyphen, "2005-06" could be June 2005 and is refused; the en dash always gives the years.
  fc.tuple(year, fc.integer({ min: 1, max: 9 }), fc.constantFrom('–', '-'))
    .map(([y, n, dash]) => `${y}${(y + n) % 100 <= 12 && (y + n) % 100 > y % 100 ? '–' : dash}${pad((y + n) % 100)}`),
  fc.constantFrom('next year', 'this year', 'last year', 'on Friday', 'in May', 'yesterday', '25 years ago', 'later this year'),
);

const datePhrase: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: dateAtom },
  { weight: 1, arbitrary: dateAtom.map((x) => `by ${x}`) },
  { weight: 1, arbitrary: dateAtom.map((x) => `before ${x}`) },
  { weight: 1, arbitrary: dateAtom.map((x) => `after ${x}`) },
  { weight: 1, arbitrary: dateAtom.map((x) => `from ${x}`) },
  { weight: 1, arbitrary: fc.tuple(year, year).map(([a, b]) => `between ${Math.min(a, b)} and ${Math.max(a, b)}`) },
  { weight: 1, arbitrary: fc.tuple(year, month).map(([y, m]) => `about ${MONTH_NAMES[m - 1]} ${y}`) },
);

const saidAt: fc.Arbitrary<ParseContext> = ymd.map(([y, m, d]) => {
  const day = `${y}-${pad(m)}-${pad(d)}`;
  return { saidAt: { lo: day, hi: day } };
});

const digits = fc.oneof(
  fc.integer({ min: 1, max: 999 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${pad(b)}`),
  fc.integer({ min: 1, max: 9 }).map((a) => `${a},000`),
);
const scale = fc.constantFrom('', ' thousand', ' million', ' billion', 'bn', ' crore', ' lakh', 'm');
const modifier = fc.constantFrom('', 'about ', 'over ', 'more than ', 'nearly ', 'up to ', 'at least ', 'under ', 'exactly ', 'just over ', '~');

const quantityPhrase: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(modifier, fc.constantFrom('$', 'USD ', 'US$', 'Rs ', '₹', '€', 'EUR '), digits, scale).map(([mod, cur, n, s]) => `${mod}${cur}${n}${s}`),
  fc.tuple(modifier, digits, fc.constantFrom(' per cent', '%', ' percent', ' percentage points')).map(([mod, n, u]) => `${mod}${n}${u}`),
  fc.tuple(modifier, digits, fc.constantFrom(' billion dollars', ' crore rupees', ' million euros', ' years', ' days', ' decades', ' km')).map(([mod, n, u]) => `${mod}${n}${u}`),
  fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.constantFrom('%', ' billion dollars')).map(([a, b, u]) => `between ${Math.min(a, b)} and ${Math.max(a, b)}${u}`),
);

const countWords = ['one', 'two', 'three', 'four', 'five', 'twelve', 'twenty-three', 'a hundred', 'a dozen'];
const countPhrase: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom('', 'about ', 'over ', 'more than ', 'nearly ', 'up to ', 'at least ', 'fewer than ', 'exactly ', 'the '),
  fc.oneof(fc.integer({ min: 1, max: 100000 }).map(String), fc.constantFrom(...countWords), fc.integer({ min: 1, max: 9 }).map((n) => `${n} million`)),
  fc.constantFrom('', ' squadrons', ' S-400 units', ' pending batteries'),
).map(([m, n, noun]) => `${m}${n}${noun}`);

const typed = (type: ValueType, phrase: fc.Arbitrary<string>): fc.Arbitrary<[ValueType, string]> => phrase.map((t) => [type, t]);
const anyPhrase = fc.oneof(typed('date', datePhrase), typed('quantity', quantityPhrase), typed('count', countPhrase));

// ---- helpers ---------------------------------------------------------------------------------

function loLeHi(v: Value): boolean {
  if (v.type === 'text') return true;
  const { lo, hi } = v.bounds as { lo: string | number | null; hi: string | number | null };
  return lo === null || hi === null || lo <= hi;
}

function boundsOf(v: Value): unknown {
  return v.type === 'text' ? v.normalized.toLowerCase() : v.bounds;
}

const INVERSE: Record<Relation, Relation> = {
  same: 'same', refines: 'generalizes', generalizes: 'refines', overlaps: 'overlaps', contradicts: 'contradicts', incomparable: 'incomparable',
};

/** Structured values with arbitrary bounds, to test formatting beyond what the phrase generators make. */
const dayText = ymd.map(([y, m, d]) => `${y}-${pad(m)}-${pad(d)}`);
const structuredDate: fc.Arbitrary<ValueInput> = fc
  .tuple(fc.option(dayText, { nil: null }), fc.option(dayText, { nil: null }))
  .filter(([lo, hi]) => lo !== null || hi !== null)
  .map(([a, b]) => (a !== null && b !== null && a > b ? [b, a] : [a, b]))
  .map(([lo, hi]) => ({ type: 'date', lo, hi }));
const number = fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
const structuredQuantity: fc.Arbitrary<ValueInput> = fc
  .tuple(fc.option(number, { nil: null }), fc.option(number, { nil: null }), fc.constantFrom('USD', 'INR', '%', 'year', 'km'))
  .filter(([lo, hi]) => lo !== null || hi !== null)
  .map(([a, b, unit]) => (a !== null && b !== null && a > b ? { lo: b, hi: a, unit } : { lo: a, hi: b, unit }))
  .map((x) => ({ type: 'quantity', ...x }));
const structuredCount: fc.Arbitrary<ValueInput> = fc
  .tuple(fc.integer({ min: 0, max: 1e9 }), fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: null }), fc.constantFrom(undefined, 'squadrons', 'S-400 units'))
  .map(([a, b, noun]) => (b !== null && a > b ? { lo: b, hi: a, noun } : { lo: a, hi: b, noun }))
  .map((x) => ({ type: 'count', ...x }));

// ---- properties ------------------------------------------------------------------------------

describe(parseValue.name, () => {
  it('given any phrase the grammar makes, when parsed, then lo <= hi', () => {
    fc.assert(
      fc.property(anyPhrase, saidAt, ([type, text], ctx) => {
        const v = parseValue({ type, text }, ctx);
        expect(loLeHi(v)).toBe(true);
      }),
      RUNS,
    );
  });

  it('given any string at all, when parsed as any type, then it is a value with lo <= hi or an UnparseableValue quoting it', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[-–0-9a-z$₹%.,~/ ]{0,30}$/),
      fc.tuple(anyPhrase, fc.string({ maxLength: 6 })).map(([[, t], s]) => `${t}${s}`),
    );
    fc.assert(
      fc.property(junk, fc.constantFrom<ValueType>('date', 'quantity', 'count', 'text'), saidAt, (text, type, ctx) => {
        try {
          expect(loLeHi(parseValue({ type, text }, ctx))).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(UnparseableValue);
          expect((e as UnparseableValue).input).toBe(text);
        }
      }),
      { numRuns: RUNS.numRuns * 4 },
    );
  });

  it('given any date this parser makes, when its EDTF is read by the edtf package, then the bounds agree', () => {
    fc.assert(
      fc.property(fc.oneof(datePhrase.map((text): ValueInput => ({ type: 'date', text })), structuredDate), saidAt, (input, ctx) => {
        const v = parseValue(input, ctx);
        if (v.type !== 'date') throw new Error('not a date');
        const e = edtf(v.normalized);
        const day = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString().slice(0, 10));
        expect({ lo: day(e.min), hi: day(e.max) }).toEqual(v.bounds);
      }),
      RUNS,
    );
  });
});

describe(compareValues.name, () => {
  const samePair = fc.oneof(
    fc.tuple(typed('date', datePhrase), typed('date', datePhrase)),
    fc.tuple(typed('quantity', quantityPhrase), typed('quantity', quantityPhrase)),
    fc.tuple(typed('count', countPhrase), typed('count', countPhrase)),
    fc.tuple(anyPhrase, anyPhrase),
  );

  it('given two values, when compared both ways, then the relations are inverses', () => {
    fc.assert(
      fc.property(samePair, saidAt, ([[ta, a], [tb, b]], ctx) => {
        const va = parseValue({ type: ta, text: a }, ctx);
        const vb = parseValue({ type: tb, text: b }, ctx);
        expect(compareValues(vb, va).relation).toBe(INVERSE[compareValues(va, vb).relation]);
      }),
      RUNS,
    );
  });

  it('given two values, when compared, then "same" holds exactly when the bounds are equal', () => {
    fc.assert(
      fc.property(samePair, saidAt, ([[ta, a], [tb, b]], ctx) => {
        const va = parseValue({ type: ta, text: a }, ctx);
        const vb = parseValue({ type: tb, text: b }, ctx);
        const sameUnit = va.type !== 'quantity' || vb.type !== 'quantity' || va.unit === vb.unit;
        const equal = va.type === vb.type && sameUnit && JSON.stringify(boundsOf(va)) === JSON.stringify(boundsOf(vb));
        expect(compareValues(va, vb).relation === 'same').toBe(equal);
      }),
      RUNS,
    );
  });

  it('given two values, when related without words, then the relation is the one compareValues gives', () => {
    fc.assert(
      fc.property(samePair, saidAt, ([[ta, a], [tb, b]], ctx) => {
        const va = parseValue({ type: ta, text: a }, ctx);
        const vb = parseValue({ type: tb, text: b }, ctx);
        expect(relateValues(va, vb)).toBe(compareValues(va, vb).relation);
      }),
      RUNS,
    );
  });

  it('given a value, when compared with itself, then it is the same', () => {
    fc.assert(
      fc.property(anyPhrase, saidAt, ([type, text], ctx) => {
        const value = parseValue({ type, text }, ctx);
        expect(compareValues(value, value).relation).toBe('same');
      }),
      RUNS,
    );
  });
});

describe(disagreeingPairs.name, () => {
  it('given values of one type, some stated again, when their disagreeing pairs are counted, then it is the count of pairs that overlap or contradict, one by one', () => {
    const sameType = fc.oneof(
      fc.array(typed('date', datePhrase), { maxLength: 6 }),
      fc.array(typed('quantity', quantityPhrase), { maxLength: 6 }),
      fc.array(typed('count', countPhrase), { maxLength: 6 }),
      fc.array(anyPhrase, { maxLength: 6 }),
    );
    fc.assert(
      fc.property(sameType, fc.array(fc.nat(5), { maxLength: 4 }), saidAt, (phrases, again, ctx) => {
        const values = phrases.map(([type, text]) => parseValue({ type, text }, ctx));
        // Some values stated again by other assertions (the same words, a new value object).
        for (const i of again) if (phrases.length > 0) values.push(parseValue({ type: phrases[i % phrases.length]![0], text: phrases[i % phrases.length]![1] }, ctx));
        let pairs = 0;
        for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) if (DISCREPANCY_RELATIONS.includes(relateValues(values[i]!, values[j]!))) pairs++;
        expect(disagreeingPairs(values)).toBe(pairs);
      }),
      RUNS,
    );
  });
});

describe(formatValue.name, () => {
  it('given any parsed phrase, when formatted and parsed again, then the bounds and unit are the same', () => {
    fc.assert(
      fc.property(anyPhrase, saidAt, ([type, text], ctx) => {
        const v = parseValue({ type, text }, ctx);
        const again = parseValue({ type, text: formatValue(v) }); // no said-at: the words are absolute
        expect(boundsOf(again)).toEqual(boundsOf(v));
        if (v.type === 'quantity' && again.type === 'quantity') expect(again.unit).toBe(v.unit);
      }),
      RUNS,
    );
  });

  it('given structured values with arbitrary bounds, when formatted and parsed again, then the bounds are the same', () => {
    fc.assert(
      fc.property(fc.oneof(structuredDate, structuredQuantity, structuredCount), (input) => {
        const v = parseValue(input);
        const again = parseValue({ type: v.type, text: formatValue(v) });
        expect(boundsOf(again)).toEqual(boundsOf(v));
      }),
      RUNS,
    );
  });

  it('given any text, when formatted and parsed again, then it is the same text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''), (text) => {
        const v = parseValue({ type: 'text', text });
        expect(compareValues(v, parseValue({ type: 'text', text: formatValue(v) })).relation).toBe('same');
      }),
      RUNS,
    );
  });
});

// ---- issue 14: round figures, fiscal years, one reading everywhere, no epoch dates -------------

describe('reading values: properties of the rules of issue 14', () => {
  const significant = fc.integer({ min: 1, max: 999 }).filter((d) => d % 10 !== 0);
  const zeros = fc.integer({ min: 0, max: 6 });

  it('given a whole figure, when parsed, then only its digits up to the last non-zero one are significant', () => {
    fc.assert(
      fc.property(significant, zeros, (d, k) => {
        const v = parseValue({ type: 'quantity', text: `₹${d}${'0'.repeat(k)} crore` });
        if (v.type !== 'quantity') throw new Error('not a quantity');
        const half = 10 ** k / 2;
        expect([v.bounds.lo, v.bounds.hi]).toEqual([(d * 10 ** k - half) * 1e7, (d * 10 ** k + half) * 1e7]);
      }),
      RUNS,
    );
  });

  it('given a round figure and a more precise one inside its rounding, when related, then the precise one refines it (never a contradiction)', () => {
    fc.assert(
      fc.property(significant, fc.integer({ min: 2, max: 5 }), fc.double({ min: -0.49, max: 0.49, noNaN: true }), (d, k, f) => {
        const round = d * 10 ** k;
        let precise = Math.round(round + f * 10 ** k);
        if (precise % 10 === 0) precise += precise > round ? -1 : 1; // its last digit significant, so its own rounding is ±0.5
        const a = parseValue({ type: 'quantity', text: `Rs ${round} crore` });
        const b = parseValue({ type: 'quantity', text: `Rs ${precise} crore` });
        expect(relateValues(a, b)).toBe('refines');
      }),
      RUNS,
    );
  });

  it('given a structured amount with any step, when formatted and read again, then the bounds are the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99999 }), fc.integer({ min: -2, max: 6 }), fc.constantFrom('USD', '%', 'km'), (digits, power, unit) => {
        const step = power >= 0 ? String(10 ** power) : `0.${'0'.repeat(-power - 1)}1`;
        const amount = power >= 0 ? String(BigInt(digits) * 10n ** BigInt(power)) : (digits / 10 ** -power).toFixed(-power);
        const v = parseValue({ type: 'quantity', amount, step, unit });
        expect(boundsOf(parseValue({ type: 'quantity', text: formatValue(v) }))).toEqual(boundsOf(v));
      }),
      RUNS,
    );
  });

  const fiscalStart = fc.constantFrom(['april', 4], ['july', 7], ['october', 10]) as fc.Arbitrary<['april' | 'july' | 'october', number]>;

  it('given a two-year fiscal name and the source fiscal year, when parsed, then it is the twelve months from the source start month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1950, max: 2090 }), fiscalStart, fc.constantFrom('FY{y}-{yy}', 'fiscal {y}-{yy}', 'the {y}-{yy} fiscal', '{y}/{yy} financial year', '{y}–{yy}'), (y, [start, month], form) => {
        const text = form.replace('{y}', String(y)).replace('{yy}', pad((y + 1) % 100));
        const v = parseValue({ type: 'date', text }, { fiscalYear: start });
        if (v.type !== 'date') throw new Error('not a date');
        const endMonth = month - 1;
        expect(v.bounds).toEqual({ lo: `${y}-${pad(month)}-01`, hi: `${y + 1}-${pad(endMonth)}-${pad(daysInMonth(y + 1, endMonth))}` });
        expect(v.convention).toBe(`fiscal-${start}`);
      }),
      RUNS,
    );
  });

  it('given any said-at, when "the current fiscal" and "the next fiscal" are read, then the first holds said-at and the second starts the day after it ends', () => {
    fc.assert(
      fc.property(ymd, fiscalStart, ([y, m, d], [start]) => {
        const day = `${y}-${pad(m)}-${pad(d)}`;
        const ctx: ParseContext = { saidAt: { lo: day, hi: day }, fiscalYear: start };
        const current = parseValue({ type: 'date', text: 'the current fiscal' }, ctx);
        const next = parseValue({ type: 'date', text: 'the next fiscal' }, ctx);
        if (current.type !== 'date' || next.type !== 'date') throw new Error('not a date');
        expect(current.bounds.lo! <= day && day <= current.bounds.hi!).toBe(true);
        expect(new Date(Date.parse(current.bounds.hi!) + 86_400_000).toISOString().slice(0, 10)).toBe(next.bounds.lo);
      }),
      RUNS,
    );
  });

  it('given "YYYY-MM" in words and in the edtf field, when read, then it has one reading or is refused, never two', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2099 }), month, (y, m) => {
        const text = `${y}-${pad(m)}`;
        const read = (input: ValueInput) => {
          try {
            return parseValue(input).type === 'date' ? (parseValue(input) as { bounds: unknown }).bounds : null;
          } catch (e) {
            if (e instanceof UnparseableValue) return 'refused';
            throw e;
          }
        };
        const words = read({ type: 'date', text });
        const asEdtf = read({ type: 'date', edtf: text });
        expect(words).toEqual(asEdtf);
        expect(words === 'refused').toBe(m > y % 100);
      }),
      RUNS,
    );
  });

  it('given a bare number of five or more digits, when read as date words or EDTF, then it is refused (never a 1970 epoch date)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('', 'by ', 'after ', 'from '), (n, op) => {
        expect(() => parseValue({ type: 'date', text: `${op}${n}` })).toThrow(UnparseableValue);
        expect(() => parseValue({ type: 'date', edtf: String(n) })).toThrow(UnparseableValue);
      }),
      RUNS,
    );
  });
});
