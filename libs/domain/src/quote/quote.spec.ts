import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../events/domain-error.js';
import { occurrencesOf, QUOTE_CONTEXT_LENGTH, quoteStandsIn, selectorAt, selectQuote } from './quote.js';

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

describe(selectorAt.name, () => {
  it('never splits a surrogate pair in the context', () => {
    const text = `${'😀'.repeat(20)}quote${'😀'.repeat(20)}`;
    const s = selectorAt(text, 40, 5);
    expect(s.exact).toBe('quote');
    expect([...s.prefix].every((ch) => ch === '😀')).toBe(true);
    expect([...s.suffix].every((ch) => ch === '😀')).toBe(true);
  });
});

describe(quoteStandsIn.name, () => {
  it('tells whether a recorded quote still stands where it was recorded', () => {
    const s = selectQuote('the units arrive by 2026', 'arrive by 2026');
    expect(quoteStandsIn('the units arrive by 2026', s)).toBe(true);
    expect(quoteStandsIn('the units now arrive by 2027', s)).toBe(false);
  });
});
