import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../events/domain-error.js';
import { occurrencesOf, QUOTE_CONTEXT_LENGTH, QuoteOccurrences, quoteOccursIn, quoteStandsIn, selectorAt, selectQuote } from './quote.js';

describe(selectQuote.name, () => {
  it('round-trips any substring that occurs once: slice(start, end) is exact, context hugs it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat(), fc.nat(), (text, a, b) => {
        const start = text.length === 0 ? 0 : a % text.length;
        const end = start + 1 + (text.length === 0 ? 0 : b % (text.length - start));
        const exact = text.slice(start, end);
        fc.pre(exact.trim() !== '' && occurrencesOf(text, exact).length === 1);
        const s = selectQuote(text, exact);
        expect(text.slice(s.start, s.end)).toBe(exact);
        expect(s.start).toBe(start);
        expect(text.slice(s.start - s.prefix.length, s.start)).toBe(s.prefix);
        expect(text.slice(s.end, s.end + s.suffix.length)).toBe(s.suffix);
        expect(s.prefix.length).toBeLessThanOrEqual(QUOTE_CONTEXT_LENGTH + 1);
        expect(s.suffix.length).toBeLessThanOrEqual(QUOTE_CONTEXT_LENGTH + 1);
      }),
    );
  });

  it('finds the n-th occurrence for occurrence n, whatever the text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }).filter((s) => !s.includes('§')), { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join('§');
        const all = occurrencesOf(text, '§');
        all.forEach((at, i) => expect(selectQuote(text, '§', { occurrence: i + 1 }).start).toBe(at));
      }),
    );
  });

  it('refuses a quote that is not in the text, a blank quote, and an ambiguous one', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error as DomainError;
      }
      return undefined;
    };
    expect(refusal(() => selectQuote('abc', 'abd'))).toMatchObject({ kind: 'unprocessable', field: 'quote' });
    expect(refusal(() => selectQuote('abc', ' '))).toMatchObject({ kind: 'invalid', field: 'quote' });
    expect(refusal(() => selectQuote('a b a', 'a'))).toMatchObject({ kind: 'unprocessable', field: 'quote', message: expect.stringContaining('2 times') });
    expect(refusal(() => selectQuote('x a y a', 'a', { prefix: 'z ' }))).toMatchObject({ field: 'quote.prefix' });
    expect(refusal(() => selectQuote('a a', 'a', { occurrence: 0 }))).toMatchObject({ field: 'quote.occurrence' });
  });

  it('combines a prefix hint with an occurrence among the occurrences it leaves', () => {
    const text = 'by X. then by X. and by X.';
    expect(selectQuote(text, 'X', { prefix: 'by ', occurrence: 3 }).start).toBe(text.lastIndexOf('X'));
  });
});

/** The plain definition: try every offset. */
const everyOffset = (text: string, exact: string): number[] =>
  exact === '' ? [] : Array.from({ length: text.length + 1 }, (_, i) => i).filter((i) => text.startsWith(exact, i));
// Two or three letters make quotes that overlap themselves and each other, where a search goes wrong.
const letters = (alphabet: readonly string[], maxLength: number) => fc.array(fc.constantFrom(...alphabet), { maxLength }).map((cs) => cs.join(''));

describe(occurrencesOf.name, () => {
  it('finds every occurrence, overlapping ones included, as trying every offset does', () => {
    fc.assert(
      fc.property(fc.constantFrom(['a', 'b'], ['a', 'b', 'c'], ['😀', 'a']), fc.nat(), (alphabet, seed) => {
        const [text, exact] = fc.sample(fc.tuple(letters(alphabet, 60), letters(alphabet, 6)), { numRuns: 1, seed })[0]!;
        expect(occurrencesOf(text, exact)).toEqual(everyOffset(text, exact));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps to the occurrences right after a prefix hint, as looking behind each occurrence does', () => {
    fc.assert(
      fc.property(letters(['a', 'b'], 60), letters(['a', 'b'], 4).filter((q) => q.trim() !== ''), letters(['a', 'b'], 4).filter((p) => p !== ''), (text, exact, prefix) => {
        const expected = everyOffset(text, exact).filter((start) => text.slice(0, start).endsWith(prefix));
        expect(expected.map((_, i) => selectQuote(text, exact, { prefix, occurrence: i + 1 }).start)).toEqual(expected);
        if (expected.length === 0 && text.includes(exact)) expect(() => selectQuote(text, exact, { prefix })).toThrow(expect.objectContaining({ field: 'quote.prefix' }));
      }),
      { numRuns: 300 },
    );
  });
});

describe(QuoteOccurrences.name, () => {
  // A text that repeats itself (an article pasted twice, a boilerplate paragraph) holds long quotes
  // more than once; a few letters make them overlap too.
  const repeating = fc.tuple(letters(['a', 'b', 'c'], 80), fc.integer({ min: 1, max: 6 }), letters(['a', 'b'], 20)).map(([part, times, tail]) => part.repeat(times) + tail);

  it('finds what trying every offset finds, for quotes cut from the text and others, however far it was indexed first', () => {
    fc.assert(
      fc.property(repeating, fc.nat(), fc.integer({ min: 1, max: 90 }), letters(['a', 'b', 'c'], 40), fc.nat({ max: 6 }), fc.integer({ min: 1, max: 64 }), (text, at, length, other, steps, slice) => {
        const sut = new QuoteOccurrences(text);
        const indexing = sut.indexing(slice);
        for (let i = 0; i < steps; i++) indexing.next();
        const start = text.length === 0 ? 0 : at % text.length;
        for (const exact of [text.slice(start, start + length), other]) expect(sut.of(exact)).toEqual(everyOffset(text, exact));
      }),
      { numRuns: 400 },
    );
  });

  it('finds every overlapping occurrence in a run of one letter (where its index gives too many candidates)', () => {
    const text = `b${'a'.repeat(3000)}b`;
    for (const exact of ['a'.repeat(40), `b${'a'.repeat(30)}`, `${'a'.repeat(30)}b`]) expect(new QuoteOccurrences(text).of(exact)).toEqual(everyOffset(text, exact));
  });
});

describe(selectorAt.name, () => {
  it('never splits a surrogate pair in the context', () => {
    const text = `${'😀'.repeat(20)}quote${'😀'.repeat(20)}`;
    const s = selectorAt(text, 40, 5);
    expect(s.exact).toBe('quote');
    expect([...s.prefix].every((ch) => ch === '😀')).toBe(true);
    expect([...s.suffix].every((ch) => ch === '😀')).toBe(true);
  });
});

describe(quoteOccursIn.name, () => {
  it('agrees with includes, for quotes short enough to be searched natively and longer ones', () => {
    fc.assert(
      fc.property(fc.nat({ max: 400 }), fc.nat({ max: 3 }), fc.nat({ max: 3 }), fc.boolean(), (run, cut, extra, inside) => {
        // Runs of one letter broken by another: the texts a long quote is slow to search in.
        const exact = `${'a'.repeat(run)}b`;
        const text = `${'a'.repeat(run + extra)}${inside ? `b${'a'.repeat(cut)}` : ''}`.repeat(3);
        expect(quoteOccursIn(text, { exact })).toBe(text.includes(exact));
      }),
      { numRuns: 300 },
    );
  });
});

describe(quoteStandsIn.name, () => {
  it('tells whether a recorded quote still stands where it was recorded', () => {
    const s = selectQuote('the units arrive by 2026', 'arrive by 2026');
    expect(quoteStandsIn('the units arrive by 2026', s)).toBe(true);
    expect(quoteStandsIn('the units now arrive by 2027', s)).toBe(false);
  });
});
