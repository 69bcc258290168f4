import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseValue } from '../values/parse.js';
import { UnparseableValue } from '../values/value.js';
import { findValues, type ReadAt } from './find-values.js';

const SAID_AT = { lo: '2026-01-14', hi: '2026-01-14' };
const read: ReadAt = (type, words) => {
  try {
    return parseValue({ type, text: words }, { saidAt: SAID_AT });
  } catch (e) {
    if (e instanceof UnparseableValue) return { refused: e.reason };
    throw e;
  }
};

const found = (text: string): [string, string][] => findValues(text, { start: 0, end: text.length }, read).found.map((m) => [m.type, m.text]);

describe(findValues.name, () => {
  it('finds dates with the words that set their bounds, and leaves out words that do not', () => {
    expect(found('Russia will deliver them by August 2026.')).toEqual([['date', 'by August 2026']]);
    expect(found('The units are due no later than the end of 2026.')).toEqual([['date', 'no later than the end of 2026']]);
    expect(found('The deal was signed in 2018 and the session held on 4 December 2025.')).toEqual([['date', '2018'], ['date', '4 December 2025']]);
    expect(found('It fell over 2009–13 and again between 2019 and 2023.')).toEqual([['date', '2009–13'], ['date', 'between 2019 and 2023']]);
    expect(found('The next meeting is planned for mid-2025 or early next year, and a later meeting in Q3 2027.')).toEqual([['date', 'mid-2025'], ['date', 'early next year'], ['date', 'Q3 2027']]);
  });

  it('finds parts of a year or month that said-at names, with the words that set their bounds', () => {
    expect(found('The meeting will take place in the second half of the year.')).toEqual([['date', 'the second half of the year']]);
    expect(found('It is planned for the first quarter of next year, and a review in the second half of this year.')).toEqual([
      ['date', 'the first quarter of next year'],
      ['date', 'the second half of this year'],
    ]);
    expect(found('They are due by the end of the year, the rest by the middle of next year or by mid-next year.')).toEqual([
      ['date', 'by the end of the year'],
      ['date', 'by the middle of next year'],
      ['date', 'by mid-next year'],
    ]);
    expect(found('Payment is due by the end of the month, the plant by year-end and the fleet by the end of the decade.')).toEqual([
      ['date', 'by the end of the month'],
      ['date', 'by year-end'],
      ['date', 'by the end of the decade'],
    ]);
    expect(found('They come by end-2026, the rest by end-March 2027, the plant by year-end 2028 and the depot by March-end 2029.')).toEqual([
      ['date', 'by end-2026'],
      ['date', 'by end-March 2027'],
      ['date', 'by year-end 2028'],
      ['date', 'by March-end 2029'],
    ]);
    expect(found('The fourth was expected by March next year; they met on 4th December last year; all by 2026-end.')).toEqual([
      ['date', 'by March next year'],
      ['date', '4th December last year'],
      ['date', 'by 2026-end'],
    ]);
    expect(found('In its year-end review the ministry said the plant is due by year-end.')).toEqual([['date', 'by year-end']]);
    // A year named earlier is not said-at's: "that year" is left to the editor.
    expect(found('The year of the deal, its first year, and the end of that year.')).toEqual([]);
  });

  it('leaves a year joined to a word by a hyphen: it names something', () => {
    expect(found('He spoke at the Army-2026 forum and the MAKS-2025 air show, under Vision-2030.')).toEqual([]);
    expect(found('The squadron came by Dec-2025.')).toEqual([['date', 'by Dec-2025']]);
  });

  it('takes a month named alone only after a word that makes it a date', () => {
    expect(found('Moscow promised it in December. May the talks go well.')).toEqual([['date', 'December']]);
  });

  it('finds money, shares and units with their modifiers', () => {
    expect(found('The deal was worth $5.43 billion, not more than $6 billion, or Rs 35,000 crore.')).toEqual([
      ['quantity', '$5.43 billion'],
      ['quantity', 'not more than $6 billion'],
      ['quantity', 'Rs 35,000 crore'],
    ]);
    expect(found('Imports fell from about 75 per cent to 36%.')).toEqual([['quantity', 'about 75 per cent'], ['quantity', '36%']]);
    expect(found('It has a range of up to 450 km.')).toEqual([['quantity', 'up to 450 km']]);
    expect(found('Half of that duty, a 25-percent penalty, was added.')).toEqual([['quantity', '25-percent']]);
    expect(found('The contract worth more than five billion dollars was signed.')).toEqual([['quantity', 'more than five billion dollars']]);
  });

  it('finds counts with their noun, and not the numbers in names, ordinals, compounds or decimals', () => {
    expect(found('Three squadrons already delivered; two outstanding S-400 units remain.')).toEqual([['count', 'Three squadrons'], ['count', 'two outstanding S-400 units']]);
    expect(found('The 22nd session reviewed the Su-30MKI, T-90 and S-400 after a four-day conflict; 5.5 is no count.')).toEqual([]);
    expect(found('Of the five units contracted, three are operational.')).toEqual([['count', 'five units'], ['count', 'three']]);
    expect(found('Of the five S-400 squadrons India contracted, two Indian Air Force units remain.')).toEqual([['count', 'five S-400 squadrons'], ['count', 'two Indian Air Force units']]);
  });

  it('leaves said-at words it is told to (they say when, not what)', () => {
    const text = 'Officials said on Wednesday that the units are due by August 2026.';
    const at = text.indexOf('on Wednesday');
    const { found: values } = findValues(text, { start: 0, end: text.length }, read, [{ start: at, end: at + 'on Wednesday'.length }]);
    expect(values.map((m) => m.text)).toEqual(['by August 2026']);
  });

  it('reports words the value reader refuses, and never shortens them into another value', () => {
    const text = 'The Rs 40,000-odd crore deal, a Rs 40k-50k crore-plus outlay, is due.';
    const result = findValues(text, { start: 0, end: text.length }, read);
    expect(result.found.map((m) => m.text)).toEqual([]);
    expect(result.unread.map((u) => [u.text, typeof u.reason])).toEqual([
      ['Rs 40,000-odd crore', 'string'],
      ['Rs 40k-50k crore-plus', 'string'],
    ]);
    expect(found('A $5–6 billion deal')).toEqual([['quantity', '$5–6 billion']]);
  });

  it('gives each value as the value reader reads its words, never two on the same words, in any text', () => {
    const words = fc.constantFrom(
      'by August 2026', 'in 2018', 'Rs 35,000 crore', '$5.43 billion', 'about 75 per cent', 'five squadrons', 'three', 'the S-400',
      'T-90', '22nd', 'mid-2025', 'next year', 'on Friday', 'between 2019 and 2023', 'more than 400 aircraft', 'units', 'were delivered', ',', ';', ' - ',
      'May', 'December', '4 December', 'FY 2026–27', 'Q3 2027', '2,400', '5.5', 'four-day', 'over',
    );
    fc.assert(
      fc.property(fc.array(words, { maxLength: 14 }), (parts) => {
        const text = parts.join(' ');
        const { found: values } = findValues(text, { start: 0, end: text.length }, read);
        let end = -1;
        for (const m of values) {
          expect(text.slice(m.start, m.end)).toBe(m.text);
          expect(m.start).toBeGreaterThanOrEqual(end);
          end = m.end;
          const again = parseValue({ type: m.type, text: m.text }, { saidAt: SAID_AT });
          expect(again).toEqual(m.value);
        }
      }),
    );
  });
});
