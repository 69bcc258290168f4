import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareValues } from './compare.js';
import { parseValue, type ParseContext } from './parse.js';
import { type DayBounds, type Relation, UnparseableValue, type Value, type ValueType } from './value.js';

/**
 * Every value quoted in the five seed articles, with the bounds this parser gives it, and the
 * figures it refuses (with why). `quote` is the article's own words around the value and must occur
 * verbatim in one of seeds/sources/*.txt; `words` is the value as an editor would record it.
 * Articles by their /work/shared/seeds number: 000 summit (USD 5 billion), 001 Moscow 2019 (IGA),
 * 002 Business Standard, 003 working group (mid-2025), 004 IRIGC-M&MTC (September 2026).
 */

// Said-at of each article, as the seeds README allows (uncertainty kept as spans).
const SAID: Record<string, DayBounds | undefined> = {
  '000': { lo: '2025-12-05', hi: '2025-12-11' }, // the day of or soon after the summit "held on Friday" (2025-12-05)
  '001': { lo: '2019-11-06', hi: '2019-11-12' }, // a "Wednesday" during the Moscow conference (2019-11-06)
  '002': { lo: '2025-12-05', hi: '2025-12-05' }, // "First Published: Dec 05 2025"
  '003': undefined, // a Friday before mid-2025; the day is unknown
  '004': { lo: '2025-12-04', hi: '2025-12-05' }, // the session "on Thursday" (2025-12-04), reported that day or the next
};

type Expected = [number | string | null, number | string | null] | { refused: RegExp } | 'kept';

const isRefused = (e: Expected): e is { refused: RegExp } => typeof e === 'object' && !Array.isArray(e);

interface Row {
  article: string;
  quote: string;
  type: ValueType;
  words: string;
  expect: Expected;
  unit?: string;
  noun?: string;
}

const rows: Row[] = [
  // ---- 000 summit article --------------------------------------------------------------------
  { article: '000', quote: 'Vladimir Putin held on Friday', type: 'date', words: 'on Friday', expect: ['2025-12-05', '2025-12-05'] },
  { article: '000', quote: 'signed a USD 5 billion deal', type: 'quantity', words: 'USD 5 billion', unit: 'USD', expect: [4.5e9, 5.5e9] },
  { article: '000', quote: 'deal with Russia in 2018 for', type: 'date', words: 'in 2018', expect: ['2018-01-01', '2018-12-31'] },
  { article: '000', quote: 'for five S-400 units', type: 'count', words: 'five S-400 units', noun: 'S-400 units', expect: [5, 5] },
  { article: '000', quote: 'with three squadrons already delivered', type: 'count', words: 'three squadrons', noun: 'squadrons', expect: [3, 3] },
  { article: '000', quote: 'between the two countries', type: 'count', words: 'the two countries', noun: 'countries', expect: [2, 2] },
  { article: '000', quote: 'For years, the Indian armed forces', type: 'quantity', words: 'years', expect: { refused: /no number/ } },
  { article: '000', quote: 'S-500 systems in the future', type: 'date', words: 'in the future', expect: { refused: /not a date/ } },
  { article: '000', quote: 'Russian Defence Minister Andrey Belousov', type: 'text', words: 'Andrey Belousov', expect: 'kept' },

  // ---- 001 Moscow, 2019 ----------------------------------------------------------------------
  { article: '001', quote: 'Rajnath Singh on Wednesday called', type: 'date', words: 'on Wednesday', expect: ['2019-11-06', '2019-11-06'] },
  { article: '001', quote: 'India and Russia on September 4, 2019', type: 'date', words: 'September 4, 2019', expect: ['2019-09-04', '2019-09-04'] },
  { article: '001', quote: 'the 20th India-Russia Annual Summit', type: 'count', words: '20th', expect: { refused: /ordinal/ } },

  // ---- 002 Business Standard -----------------------------------------------------------------
  { article: '002', quote: 'Wednesday, December 24, 2025 | 08:53 AM IST', type: 'date', words: 'Wednesday, December 24, 2025 | 08:53 AM IST', expect: ['2025-12-24', '2025-12-24'] },
  { article: '002', quote: 'First Published: Dec 05 2025 | 8:53 PM IST', type: 'date', words: 'Dec 05 2025 | 8:53 PM IST', expect: ['2025-12-05', '2025-12-05'] },
  { article: '002', quote: 'in New Delhi on Friday included', type: 'date', words: 'on Friday', expect: ['2025-12-05', '2025-12-05'] },
  { article: '002', quote: 'included four paragraphs on military', type: 'count', words: 'four paragraphs', noun: 'paragraphs', expect: [4, 4] },
  { article: '002', quote: 'during Putin’s India visit in 2000', type: 'date', words: 'in 2000', expect: ['2000-01-01', '2000-12-31'] },
  { article: '002', quote: '“special and privileged” in 2021', type: 'date', words: 'in 2021', expect: ['2021-01-01', '2021-12-31'] },
  { article: '002', quote: 'strategic partnership 25 years ago', type: 'date', words: '25 years ago', expect: ['2000-01-01', '2000-12-31'] },
  { article: '002', quote: 'in Thursday’s statement', type: 'date', words: 'Thursday', expect: ['2025-12-04', '2025-12-04'] },
  { article: '002', quote: 'For more than half a century', type: 'quantity', words: 'more than half a century', unit: 'year', expect: [50, null] },
  { article: '002', quote: 'Both sides agreed', type: 'count', words: 'Both sides', noun: 'sides', expect: [2, 2] },
  { article: '002', quote: 'The two leaders “welcomed', type: 'count', words: 'two leaders', noun: 'leaders', expect: [2, 2] },
  { article: '002', quote: 'announced 50 per cent tariffs', type: 'quantity', words: '50 per cent', unit: '%', expect: [45, 55] },
  { article: '002', quote: 'on Indian goods in August', type: 'date', words: 'in August', expect: ['2025-08-01', '2025-08-31'] },
  { article: '002', quote: 'Half of it is considered', type: 'quantity', words: 'Half of it', expect: { refused: /no number/ } },
  { article: '002', quote: 'from Russia for decades', type: 'quantity', words: 'decades', expect: { refused: /no number/ } },
  { article: '002', quote: 'Two pending batteries of the five', type: 'count', words: 'Two pending batteries', noun: 'pending batteries', expect: [2, 2] },
  { article: '002', quote: 'batteries of the five contracted', type: 'count', words: 'the five', expect: [5, 5] },
  { article: '002', quote: 'from Russia for $5.43 billion in 2018', type: 'quantity', words: '$5.43 billion', unit: 'USD', expect: [5.425e9, 5.435e9] },
  { article: '002', quote: 'for $5.43 billion in 2018', type: 'date', words: 'in 2018', expect: ['2018-01-01', '2018-12-31'] },
  { article: '002', quote: 'are expected by 2026–27', type: 'date', words: 'by 2026–27', expect: [null, '2027-12-31'] },
  { article: '002', quote: 'are expected by 2026–27', type: 'date', words: '2026–27', expect: ['2026-01-01', '2027-12-31'] },
  { article: '002', quote: 'in the four-day conflict', type: 'quantity', words: 'four-day', unit: 'day', expect: [3.5, 4.5] },
  { article: '002', quote: 'with Pakistan in May', type: 'date', words: 'in May', expect: ['2025-05-01', '2025-05-31'] },
  { article: '002', quote: 'fell from 76 per cent over 2009–13', type: 'quantity', words: '76 per cent', unit: '%', expect: [75.5, 76.5] },
  { article: '002', quote: '76 per cent over 2009–13', type: 'date', words: '2009–13', expect: ['2009-01-01', '2013-12-31'] },
  { article: '002', quote: 'to 36 per cent over 2019-23', type: 'quantity', words: '36 per cent', unit: '%', expect: [35.5, 36.5] },
  { article: '002', quote: '36 per cent over 2019-23', type: 'date', words: '2019-23', expect: ['2019-01-01', '2023-12-31'] },
  { article: '002', quote: 'his Russian counterpart Andrei Belousov', type: 'text', words: 'Andrei Belousov', expect: 'kept' },

  // ---- 003 working group ---------------------------------------------------------------------
  { article: '003', quote: 'The 22nd meeting of the India-Russia Working Group', type: 'count', words: '22nd', expect: { refused: /ordinal/ } },
  { article: '003', quote: 'was held on Friday in New Delhi', type: 'date', words: 'on Friday', expect: { refused: /said-at/ } },
  { article: '003', quote: 'IRIGC-M&MTC meeting scheduled for mid-2025', type: 'date', words: 'mid-2025', expect: ['2025-05-01', '2025-08-31'] },
  { article: '003', quote: 'between the two nations', type: 'count', words: 'the two nations', noun: 'nations', expect: [2, 2] },
  { article: '003', quote: 'cooperation, A Boytsov', type: 'text', words: 'A Boytsov', expect: 'kept' },

  // ---- 004 IRIGC-M&MTC -----------------------------------------------------------------------
  { article: '004', quote: 'the 22nd session of the India-Russia', type: 'count', words: '22nd', expect: { refused: /ordinal/ } },
  { article: '004', quote: 'in the national capital on Thursday', type: 'date', words: 'on Thursday', expect: ['2025-12-04', '2025-12-04'] },
  { article: '004', quote: 'both leaders paid homage', type: 'count', words: 'both leaders', noun: 'leaders', expect: [2, 2] },
  { article: '004', quote: 'united by decades of friendship', type: 'quantity', words: 'decades', expect: { refused: /no number/ } },
  { article: '004', quote: 'to visit Russia next year', type: 'date', words: 'next year', expect: ['2026-01-01', '2026-12-31'] },
  { article: '004', quote: 'to co-chair the 23rd session', type: 'count', words: '23rd', expect: { refused: /ordinal/ } },
  { article: '004', quote: 'the two ministers inked', type: 'count', words: 'the two ministers', noun: 'ministers', expect: [2, 2] },
  { article: '004', quote: 'contracted for $5.43 billion in 2018 for five units', type: 'quantity', words: '$5.43 billion', unit: 'USD', expect: [5.425e9, 5.435e9] },
  { article: '004', quote: '$5.43 billion in 2018 for five units', type: 'date', words: 'in 2018', expect: ['2018-01-01', '2018-12-31'] },
  { article: '004', quote: 'in 2018 for five units', type: 'count', words: 'five units', noun: 'units', expect: [5, 5] },
  { article: '004', quote: 'will be supplied by September 2026', type: 'date', words: 'by September 2026', expect: [null, '2026-09-30'] },
];

let texts: string[] = [];
try {
  const dir = join(process.cwd(), 'seeds', 'sources');
  texts = readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(dir, f), 'utf8'));
} catch {
  texts = []; // the quote check below then reports every row
}

function parse(row: Row): Value {
  const context: ParseContext = SAID[row.article] ? { saidAt: SAID[row.article] } : {};
  return parseValue({ type: row.type, text: row.words }, context);
}

describe(parseValue.name, () => {
  const numeric = rows.filter((r) => r.type !== 'text');

  it.each(numeric.filter((r) => !isRefused(r.expect)).map((r) => [r.article, r.words, r.type, r] as const))(
    'given article %s says "%s" (%s), when parsed with its said-at, then the bounds are as expected',
    (_article, _words, _type, row) => {
      const v = parse(row);
      if (v.type === 'text') throw new Error('text has no bounds');
      expect([v.bounds.lo, v.bounds.hi]).toEqual(row.expect);
      if (row.unit) expect(v.type === 'quantity' && v.unit).toBe(row.unit);
      if (v.type === 'count') expect(v.noun).toBe(row.noun);
    },
  );

  it.each(numeric.filter((r) => isRefused(r.expect)).map((r) => [r.article, r.words, r.type, r] as const))(
    'given article %s says "%s", when parsed as a %s, then it is refused with a reason and never guessed',
    (_article, _words, _type, row) => {
      let error: unknown;
      try {
        parse(row);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UnparseableValue);
      expect((error as UnparseableValue).input).toBe(row.words);
      expect((error as UnparseableValue).reason).toMatch((row.expect as { refused: RegExp }).refused);
    },
  );

  it.each(rows.filter((r) => r.type === 'text').map((r) => [r.article, r.words, r] as const))(
    'given article %s names "%s", when parsed as text, then the words are kept',
    (_article, words, row) => {
      expect(parse(row)).toMatchObject({ type: 'text', normalized: words });
    },
  );

  it.each(rows.map((r) => [r.article, r.quote] as const))('given article %s, when its text is read, then it contains "%s" verbatim', (_article, quote) => {
    expect(texts.some((t) => t.includes(quote))).toBe(true);
  });
});

describe(compareValues.name, () => {
  const value = (article: string, words: string, type: ValueType): Value => {
    const row = rows.find((r) => r.article === article && r.words === words && r.type === type);
    if (!row) throw new Error(`no row ${article} ${words}`);
    return parse(row);
  };

  it.each<[string, [string, string, ValueType], [string, string, ValueType], Relation]>([
    ['contract value', ['000', 'USD 5 billion', 'quantity'], ['004', '$5.43 billion', 'quantity'], 'refines'],
    ['contract value, restated', ['004', '$5.43 billion', 'quantity'], ['002', '$5.43 billion', 'quantity'], 'same'],
    ['remaining deliveries (DESIGN: the years without "by")', ['004', 'by September 2026', 'date'], ['002', '2026–27', 'date'], 'overlaps'],
    ['remaining deliveries (the words as printed: "by 2026–27")', ['004', 'by September 2026', 'date'], ['002', 'by 2026–27', 'date'], 'generalizes'],
    ['22nd IRIGC-M&MTC session', ['003', 'mid-2025', 'date'], ['004', 'on Thursday', 'date'], 'contradicts'],
    ['units contracted', ['000', 'five S-400 units', 'count'], ['004', 'five units', 'count'], 'same'],
    ['units contracted, as "the five"', ['000', 'five S-400 units', 'count'], ['002', 'the five', 'count'], 'same'],
    ['contract year', ['000', 'in 2018', 'date'], ['002', 'in 2018', 'date'], 'same'],
    ['strategic partnership', ['002', 'in 2000', 'date'], ['002', '25 years ago', 'date'], 'same'],
    ['share of imports', ['002', '76 per cent', 'quantity'], ['002', '36 per cent', 'quantity'], 'contradicts'],
    ['SIPRI periods', ['002', '2009–13', 'date'], ['002', '2019-23', 'date'], 'contradicts'],
    ['Russian defence minister', ['000', 'Andrey Belousov', 'text'], ['002', 'Andrei Belousov', 'text'], 'contradicts'],
  ])('given the drift in %s, when compared, then it is %s', (_what, a, b, relation) => {
    expect(compareValues(value(...a), value(...b)).relation).toBe(relation);
  });
});
