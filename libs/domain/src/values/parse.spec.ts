import { describe, expect, it } from '@jest/globals';
import { PARSER_VERSION, parseDate, parseValue, type ParseContext, type ValueInput } from './parse.js';
import { type CountValue, type DateValue, type QuantityValue, UnparseableValue } from './value.js';

// Said-at of article 004 (the 22nd IRIGC-M&MTC, Thursday 2025-12-04).
const THURSDAY: ParseContext = { saidAt: { lo: '2025-12-04', hi: '2025-12-04' } };

function date(text: string, context: ParseContext = THURSDAY): DateValue {
  return parseDate(text, context);
}
function days(text: string, context: ParseContext = THURSDAY): [string | null, string | null] {
  const v = date(text, context);
  return [v.bounds.lo, v.bounds.hi];
}
function quantity(text: string): QuantityValue {
  return parseValue({ type: 'quantity', text }) as QuantityValue;
}
function amounts(text: string): [number | null, number | null, string] {
  const v = quantity(text);
  return [v.bounds.lo, v.bounds.hi, v.unit];
}
function count(text: string): CountValue {
  return parseValue({ type: 'count', text }) as CountValue;
}
function counted(text: string): [number | null, number | null] {
  const v = count(text);
  return [v.bounds.lo, v.bounds.hi];
}
function refusal(read: () => unknown): UnparseableValue {
  try {
    read();
  } catch (e) {
    if (e instanceof UnparseableValue) return e;
    throw e;
  }
  throw new Error('expected UnparseableValue, got a value');
}

describe(parseDate.name, () => {
  describe('Dates: forms read', () => {
    it.each([
      ['2025-12-04', '2025-12-04', '2025-12-04'],
      ['2026-09', '2026-09-01', '2026-09-30'],
      ['2026', '2026-01-01', '2026-12-31'],
      ['4 December 2025', '2025-12-04', '2025-12-04'],
      ['4th of December 2025', '2025-12-04', '2025-12-04'],
      ['September 4, 2019', '2019-09-04', '2019-09-04'],
      ['Sept 4, 2019', '2019-09-04', '2019-09-04'],
      ['Sep. 4 2019', '2019-09-04', '2019-09-04'],
      ['Dec 05 2025', '2025-12-05', '2025-12-05'],
      ['September 2026', '2026-09-01', '2026-09-30'],
      ['Sept 2026', '2026-09-01', '2026-09-30'],
      ['September, 2026', '2026-09-01', '2026-09-30'],
      ['february 2024', '2024-02-01', '2024-02-29'],
      ['in 2018', '2018-01-01', '2018-12-31'],
      ['the 1990s', '1990-01-01', '1999-12-31'],
    ])('given "%s", when parsed, then it spans %s to %s', (text, lo, hi) => {
      expect(days(text)).toEqual([lo, hi]);
    });

    it('given a weekday before a full date, when it matches, then it is dropped', () => {
      expect(days('Wednesday, December 24, 2025')).toEqual(['2025-12-24', '2025-12-24']);
    });

    it('given a weekday that does not match the date, when parsed, then it is refused', () => {
      expect(refusal(() => date('Tuesday, December 24, 2025')).reason).toMatch(/wednesday, not a tuesday/);
    });

    it('given a time of day after a date, when parsed, then the day is the one written (no zone conversion)', () => {
      expect(days('Dec 05 2025 | 8:53 PM IST')).toEqual(['2025-12-05', '2025-12-05']);
      expect(days('Wednesday, December 24, 2025 | 08:53 AM IST')).toEqual(['2025-12-24', '2025-12-24']);
      expect(days('2025-12-04T23:30:00-05:00')).toEqual(['2025-12-04', '2025-12-04']);
    });

    it.each([
      ['between 2026 and 2028', '2026-01-01', '2028-12-31'],
      ['from May 2025 to August 2025', '2025-05-01', '2025-08-31'],
      ['2026 to 2027', '2026-01-01', '2027-12-31'],
      ['September 2025 – March 2026', '2025-09-01', '2026-03-31'],
      ['September–December 2026', '2026-09-01', '2026-12-31'],
      ['4–6 December 2025', '2025-12-04', '2025-12-06'],
      ['December 4–6, 2025', '2025-12-04', '2025-12-06'],
      ['early to mid-2026', '2026-01-01', '2026-08-31'],
    ])('given the range "%s", when parsed, then it runs from the start of one end to the end of the other', (text, lo, hi) => {
      expect(days(text)).toEqual([lo, hi]);
    });

    it('given a range that runs backwards, when parsed, then it is refused', () => {
      expect(refusal(() => date('from 2027 to 2026')).reason).toMatch(/backwards/);
    });

    it('given a day that does not exist, when parsed, then it is refused', () => {
      expect(refusal(() => date('31 September 2026')).reason).toMatch(/not a day/);
      expect(refusal(() => date('29 February 2025')).reason).toMatch(/not a day/);
    });
  });

  describe('Dates: "by", "before", "after", "from"', () => {
    it.each([
      ['by September 2026', null, '2026-09-30'],
      ['until September 2026', null, '2026-09-30'],
      ['no later than September 2026', null, '2026-09-30'],
      ['on or before 30 September 2026', null, '2026-09-30'],
      ['by the end of 2026', null, '2026-12-31'],
      ['before September 2026', null, '2026-08-31'],
      ['prior to 2026', null, '2025-12-31'],
      ['after September 2026', '2026-10-01', null],
      ['from September 2026', '2026-09-01', null],
      ['since 2018', '2018-01-01', null],
      ['2026 onwards', '2026-01-01', null],
      ['not before October 2026', '2026-10-01', null],
    ])('given "%s", when parsed, then the bounds are [%s, %s]', (text, lo, hi) => {
      expect(days(text)).toEqual([lo, hi]);
    });

    it('given "by September 2026", when parsed, then the normalized EDTF has an open start', () => {
      expect(date('by September 2026').normalized).toBe('../2026-09');
    });
  });

  describe('Dates: early, mid, late — thirds', () => {
    it.each([
      ['early 2026', '2026-01-01', '2026-04-30'],
      ['mid-2025', '2025-05-01', '2025-08-31'],
      ['mid 2025', '2025-05-01', '2025-08-31'],
      ['late 2025', '2025-09-01', '2025-12-31'],
      ['the beginning of 2026', '2026-01-01', '2026-04-30'],
      ['the middle of 2026', '2026-05-01', '2026-08-31'],
      ['the end of 2026', '2026-09-01', '2026-12-31'],
      ['early September 2026', '2026-09-01', '2026-09-10'],
      ['mid-September 2026', '2026-09-11', '2026-09-20'],
      ['late February 2024', '2024-02-21', '2024-02-29'],
    ])('given "%s", when parsed, then it is the third %s to %s, recorded as convention "thirds"', (text, lo, hi) => {
      const v = date(text);
      expect([v.bounds.lo, v.bounds.hi]).toEqual([lo, hi]);
      expect(v.convention).toBe('thirds');
    });

    it('given "by the end of 2026", when parsed, then it is "by 2026", not "by late 2026"', () => {
      expect(days('by the end of 2026')).toEqual([null, '2026-12-31']);
    });

    it('given "early" before a quarter, when parsed, then it is refused', () => {
      expect(refusal(() => date('early Q3 2026')).reason).toMatch(/early\/mid\/late/);
    });
  });

  describe('Dates: quarters and halves', () => {
    it.each([
      ['Q1 2026', '2026-01-01', '2026-03-31'],
      ['Q3 2026', '2026-07-01', '2026-09-30'],
      ['2026 Q4', '2026-10-01', '2026-12-31'],
      ['the third quarter of 2026', '2026-07-01', '2026-09-30'],
      ['first half of 2026', '2026-01-01', '2026-06-30'],
      ['the second half of 2026', '2026-07-01', '2026-12-31'],
      ['H1 2026', '2026-01-01', '2026-06-30'],
      ['H2 2026', '2026-07-01', '2026-12-31'],
      ['1H 2026', '2026-01-01', '2026-06-30'],
    ])('given "%s", when parsed, then it spans %s to %s', (text, lo, hi) => {
      expect(days(text)).toEqual([lo, hi]);
    });

    it('given a fiscal quarter and no fiscal-year convention, when parsed, then it is refused', () => {
      expect(refusal(() => date('Q1 FY27')).reason).toMatch(/whose fiscal year/);
    });
  });

  describe('Dates: year ranges', () => {
    it.each([
      ['2026–27', '2026-01-01', '2027-12-31'],
      ['2026-27', '2026-01-01', '2027-12-31'],
      ['2026 – 2027', '2026-01-01', '2027-12-31'],
      ['2026/27', '2026-01-01', '2027-12-31'],
      ['2009–13', '2009-01-01', '2013-12-31'],
      ['2019-23', '2019-01-01', '2023-12-31'],
      ['1998–02', '1998-01-01', '2002-12-31'],
    ])('given "%s", when parsed by default, then it is the calendar years %s to %s', (text, lo, hi) => {
      const v = date(text);
      expect([v.bounds.lo, v.bounds.hi]).toEqual([lo, hi]);
      expect(v.convention).toBe('calendar-years');
    });

    it.each([
      ['2026–27', '2026-04-01', '2027-03-31'],
      ['2009–13', '2009-04-01', '2013-03-31'],
    ])('given "%s" with the fiscal-april convention, when parsed, then it runs April to March and records the convention', (text, lo, hi) => {
      const v = date(text, { convention: 'fiscal-april' });
      expect([v.bounds.lo, v.bounds.hi]).toEqual([lo, hi]);
      expect(v.convention).toBe('fiscal-april');
      expect(v.normalized).toBe(`${lo.slice(0, 7)}/${hi.slice(0, 7)}`);
    });

    it('given an FY label with two years and no source convention, when parsed, then it runs April to March', () => {
      const v = date('FY 2026–27');
      expect([v.bounds.lo, v.bounds.hi, v.convention]).toEqual(['2026-04-01', '2027-03-31', 'fiscal-april']);
    });

    it('given a single fiscal-year label and no source convention, when parsed, then it is refused', () => {
      expect(refusal(() => date('FY27')).reason).toMatch(/whose fiscal year/);
    });

    it('given a plain hyphen and a month that cannot be a later year, when parsed, then it is an ISO month', () => {
      expect(days('2025-12')).toEqual(['2025-12-01', '2025-12-31']);
      expect(days('1998-02')).toEqual(['1998-02-01', '1998-02-28']);
    });

    it('given a plain hyphen and 01–12 that could be a later year, when parsed without a convention, then it is refused (month or years)', () => {
      const e = refusal(() => date('2010-11'));
      expect(e.reason).toMatch(/November 2010 as ISO and the years 2010–11/);
      expect(days('2010–11')).toEqual(['2010-01-01', '2011-12-31']);
    });

    it('given a two-digit end that is not later, when parsed, then it is refused', () => {
      expect(refusal(() => date('2025-21')).reason).toMatch(/after the first/);
    });

    it('given "2026/2027" with the fiscal convention, when parsed, then it is EDTF calendar years', () => {
      expect(days('2026/2027', { convention: 'fiscal-april' })).toEqual(['2026-01-01', '2027-12-31']);
    });

    it('given a value input with convention fiscal-april, when parsed, then the words follow it', () => {
      const v = parseValue({ type: 'date', text: '2026–27', convention: 'fiscal-april' }) as DateValue;
      expect(v.bounds).toEqual({ lo: '2026-04-01', hi: '2027-03-31' });
    });
  });

  describe('Dates: relative words (need said-at)', () => {
    it.each([
      ['next year', '2026-01-01', '2026-12-31'],
      ['this year', '2025-01-01', '2025-12-31'],
      ['last year', '2024-01-01', '2024-12-31'],
      ['the previous year', '2024-01-01', '2024-12-31'],
      ['next month', '2026-01-01', '2026-01-31'],
      ['last month', '2025-11-01', '2025-11-30'],
      ['today', '2025-12-04', '2025-12-04'],
      ['yesterday', '2025-12-03', '2025-12-03'],
      ['tomorrow', '2025-12-05', '2025-12-05'],
      ['25 years ago', '2000-01-01', '2000-12-31'],
      ['two months ago', '2025-10-01', '2025-10-31'],
      ['later this year', '2025-12-04', '2025-12-31'],
      ['earlier this year', '2025-01-01', '2025-12-04'],
    ])('given "%s" said on 2025-12-04, when parsed, then it spans %s to %s', (text, lo, hi) => {
      expect(days(text)).toEqual([lo, hi]);
    });

    it.each([
      ['on Thursday', '2025-12-04'],
      ['Friday', '2025-11-28'],
      ['Wednesday', '2025-12-03'],
      ['last Thursday', '2025-11-27'],
      ['next Friday', '2025-12-05'],
      ['next Thursday', '2025-12-11'],
    ])('given "%s" said on Thursday 2025-12-04, when parsed, then it is %s', (text, d) => {
      expect(days(text)).toEqual([d, d]);
    });

    it('given a bare weekday or month, when parsed, then it is the last one on or before said-at (convention said-at-past)', () => {
      const may = date('in May');
      expect([may.bounds.lo, may.bounds.hi, may.convention]).toEqual(['2025-05-01', '2025-05-31', 'said-at-past']);
      expect(days('in December')).toEqual(['2025-12-01', '2025-12-31']);
      expect(days('4 December')).toEqual(['2025-12-04', '2025-12-04']);
      expect(days('5 December')).toEqual(['2024-12-05', '2024-12-05']);
    });

    it('given direction future, when a bare weekday or month is parsed, then it is the next one on or after said-at', () => {
      const ctx: ParseContext = { ...THURSDAY, direction: 'future' };
      expect(days('Friday', ctx)).toEqual(['2025-12-05', '2025-12-05']);
      expect(days('in May', ctx)).toEqual(['2026-05-01', '2026-05-31']);
      expect(date('Friday', ctx).convention).toBe('said-at-future');
    });

    it('given said-at that is a span, when a relative word is parsed, then it covers every day it could mean', () => {
      const ctx: ParseContext = { saidAt: { lo: '2025-12-05', hi: '2025-12-24' } };
      expect(days('on Thursday', ctx)).toEqual(['2025-12-04', '2025-12-18']);
      expect(days('next year', { saidAt: { lo: '2025-12-31', hi: '2026-01-01' } })).toEqual(['2026-01-01', '2027-12-31']);
    });

    it('given no said-at, when a relative word is parsed, then it is refused naming said-at', () => {
      expect(refusal(() => parseDate('next year')).reason).toMatch(/said-at/);
      expect(refusal(() => parseDate('on Friday', { saidAt: { lo: null, hi: '2025-12-04' } })).reason).toMatch(/both ends/);
    });

    it('given "this Friday", when parsed, then it is refused', () => {
      expect(refusal(() => date('this Friday')).reason).toMatch(/before or after/);
    });
  });

  describe('Dates: about', () => {
    it.each([
      ['about 2025', '2024-01-01', '2026-12-31'],
      ['around September 2026', '2026-08-01', '2026-10-31'],
      ['circa 4 December 2025', '2025-12-03', '2025-12-05'],
      ['~2025', '2024-01-01', '2026-12-31'],
    ])('given "%s", when parsed, then it widens by one written unit: %s to %s', (text, lo, hi) => {
      const v = date(text);
      expect([v.bounds.lo, v.bounds.hi]).toEqual([lo, hi]);
      expect(v.convention).toBe('about-one-unit');
    });

    it('given "about" before a span, when parsed, then it is refused', () => {
      expect(refusal(() => date('about mid-2025')).reason).toMatch(/about/);
    });
  });

  describe('Dates: EDTF input', () => {
    it.each([
      ['2026/2027', '2026-01-01', '2027-12-31'],
      ['../2026-09', null, '2026-09-30'],
      ['2026-10/..', '2026-10-01', null],
      ['2016-XX', '2016-01-01', '2016-12-31'],
      ['/2026', null, '2026-12-31'],
      ['[2025, 2027]', '2025-01-01', '2027-12-31'],
    ])('given the EDTF "%s", when read as structured input, then the bounds are [%s, %s]', (edtf, lo, hi) => {
      const v = parseValue({ type: 'date', edtf }) as DateValue;
      expect([v.bounds.lo, v.bounds.hi]).toEqual([lo, hi]);
    });

    it('given the EDTF season code 2026-27, when read as structured input, then it is refused', () => {
      const e = refusal(() => parseValue({ type: 'date', edtf: '2026-27' }));
      expect(e.reason).toMatch(/season/);
      expect(e.input).toBe('2026-27');
    });

    it.each(['2026-33', '2026-35', '2026-37', '2026-40', '2026-21'])('given the EDTF sub-year code "%s", when read, then it is refused (in the press it is a range of years)', (edtf) => {
      expect(refusal(() => parseValue({ type: 'date', edtf })).reason).toMatch(/season or quarter code in EDTF and a range of years/);
    });

    it('given a set with "..", when read, then it is refused', () => {
      expect(refusal(() => parseValue({ type: 'date', edtf: '[..2026-09, 2027]' })).reason).toMatch(/sets/);
    });

    it('given a day the package would roll over, when read, then it is refused', () => {
      expect(refusal(() => parseValue({ type: 'date', edtf: '2025-02-29' })).reason).toMatch(/not a day/);
    });

    it('given a qualified EDTF, when read, then the qualifier is kept and the bounds are not widened', () => {
      const v = parseValue({ type: 'date', edtf: '2025~' }) as DateValue;
      expect(v.normalized).toBe('2025~');
      expect(v.bounds).toEqual({ lo: '2025-01-01', hi: '2025-12-31' });
    });
  });

  describe('Dates: refused', () => {
    it.each([
      ['sometime soon'],
      ['summer 2026'],
      ['04/12/2025'],
      ['next week'],
      ['in the coming months'],
      ['recently'],
      ['soon'],
      [''],
      ['0000'],
    ])('given "%s", when parsed, then it is refused quoting the input', (text) => {
      const e = refusal(() => date(text));
      expect(e).toBeInstanceOf(UnparseableValue);
      expect(e.type).toBe('date');
      expect(e.input).toBe(text);
      expect(e.message).toContain(`"${text}"`);
    });
  });

  it('given any date, when parsed, then it carries the words, the parser version and EDTF', () => {
    const v = date('  2026–27 ');
    expect(v).toEqual({
      type: 'date',
      text: '2026–27',
      normalized: '2026/2027',
      bounds: { lo: '2026-01-01', hi: '2027-12-31' },
      convention: 'calendar-years',
      parser: PARSER_VERSION,
    });
  });
});

describe(parseValue.name, () => {
  describe('Quantities: units', () => {
    it.each([
      ['USD 5 billion', 'USD'],
      ['$5 billion', 'USD'],
      ['US$5 billion', 'USD'],
      ['5 billion USD', 'USD'],
      ['5 billion dollars', 'USD'],
      ['Rs 1,000 crore', 'INR'],
      ['Rs. 1,000 crore', 'INR'],
      ['INR 1,000 crore', 'INR'],
      ['₹1,000 crore', 'INR'],
      ['1,000 crore rupees', 'INR'],
      ['€5 million', 'EUR'],
      ['EUR 5 million', 'EUR'],
      ['5 million euros', 'EUR'],
      ['£3bn', 'GBP'],
      ['GBP 3 billion', 'GBP'],
      ['RUB 10 billion', 'RUB'],
      ['10 billion roubles', 'RUB'],
      ['A$5m', 'AUD'],
      ['76 per cent', '%'],
      ['76 percent', '%'],
      ['76%', '%'],
      ['2 percentage points', 'pp'],
      ['25 basis points', 'bp'],
      ['four-day', 'day'],
      ['25 years', 'year'],
      ['3 decades', 'year'],
      ['400 km', 'km'],
    ])('given "%s", when parsed, then the unit is %s', (text, unit) => {
      expect(quantity(text).unit).toBe(unit);
    });

    it.each([
      ['5 apples', /not a currency/],
      ['5 billion', /needs a unit/],
      ['¥500', /yen and the yuan/],
      ['5 pounds', /not a currency/],
      ['5m', /not a currency/],
    ])('given "%s", when parsed as a quantity, then it is refused', (text, reason) => {
      const e = refusal(() => quantity(text));
      expect(e.reason).toMatch(reason);
      expect(e.input).toBe(text);
    });

    it('given decades, when parsed, then they are converted to years', () => {
      expect(amounts('3 decades')).toEqual([25, 35, 'year']);
      expect(amounts('a decade')).toEqual([5, 15, 'year']);
      expect(amounts('half a century')).toEqual([45, 55, 'year']);
    });
  });

  describe('Quantities: numbers and scale words', () => {
    it.each([
      ['$5.43bn', 5.43e9],
      ['$5.43 bn', 5.43e9],
      ['USD 5.43 billion', 5.43e9],
      ['$5m', 5e6],
      ['$5 mn', 5e6],
      ['$500k', 5e5],
      ['₹10cr', 1e8],
      ['10 lakh rupees', 1e6],
      ['Rs 10,00,000', 1e6],
      ['USD 1,000,000', 1e6],
      ['five billion dollars', 5e9],
      ['$1.2 trillion', 1.2e12],
      ['-3%', -3],
      ['minus 2.5 per cent', -2.5],
    ])('given "%s", when parsed, then the amount is %d', (text, amount) => {
      expect(Number(quantity(text).normalized)).toBe(amount);
    });

    it('given a malformed digit grouping, when parsed, then it is refused', () => {
      expect(refusal(() => quantity('USD 1,0000')).reason).toMatch(/grouping/);
    });
  });

  describe('Quantities: implied precision', () => {
    it.each([
      ['USD 5 billion', 4.5e9, 5.5e9],
      ['$5.43 billion', 5.425e9, 5.435e9],
      ['Rs 1,000 crore', 5e9, 1.5e10],
      ['Rs 35,000 crore', 3.45e11, 3.55e11],
      ['Rs 35,200 crore', 3.515e11, 3.525e11],
      ['50 per cent', 45, 55],
      ['50.0 per cent', 49.95, 50.05],
      ['76 per cent', 75.5, 76.5],
      ['36 per cent', 35.5, 36.5],
      ['5.43%', 5.425, 5.435],
      ['USD 5,000 million', 4.5e9, 5.5e9],
      ['₹2,09,050 crore', 2.09045e12, 2.09055e12],
    ])('given "%s", when parsed, then it is ± half a unit of the last significant digit: [%d, %d]', (text, lo, hi) => {
      const v = quantity(text);
      expect([v.bounds.lo, v.bounds.hi]).toEqual([lo, hi]);
      expect(v.precision).toBe('implied');
    });

    it('given "$5.43 billion", when parsed, then the step is the place of the last digit', () => {
      expect(quantity('$5.43 billion').step).toBe('10000000');
    });
  });

  describe('Quantities: modifiers', () => {
    it.each([
      ['about $5.43 billion', 4.887e9, 5.973e9, 'about'],
      ['about $5 billion', 4.5e9, 5.5e9, 'about'],
      ['around 76 per cent', 68.4, 83.6, 'about'],
      ['~5%', 4.5, 5.5, 'about'],
      ['$5 billion or so', 4.5e9, 5.5e9, 'about'],
      ['nearly $5 billion', 4.5e9, 5e9, 'nearly'],
      ['almost 50 per cent', 45, 50, 'nearly'],
      ['just over $5 billion', 5e9, 5.5e9, 'just-over'],
      ['over $5 billion', 5e9, null, 'over'],
      ['more than $5 billion', 5e9, null, 'over'],
      ['at least $5 billion', 5e9, null, 'at-least'],
      ['$5 billion or more', 5e9, null, 'at-least'],
      ['50+ %', 50, null, 'at-least'],
      ['up to $5 billion', null, 5e9, 'up-to'],
      ['no more than 5%', null, 5, 'up-to'],
      ['under $5 billion', null, 5e9, 'under'],
      ['less than 5%', null, 5, 'under'],
      ['exactly $5.43 billion', 5.43e9, 5.43e9, 'exactly'],
    ])('given "%s", when parsed, then the bounds are [%d, %d] (%s)', (text, lo, hi, modifier) => {
      const v = quantity(text);
      expect([v.bounds.lo, v.bounds.hi]).toEqual([lo, hi]);
      expect(v.modifier).toBe(modifier);
    });

    it('given "over" and "at least" on a quantity, when parsed, then they give the same bounds (closed intervals)', () => {
      expect(quantity('over $5 billion').bounds).toEqual(quantity('at least $5 billion').bounds);
    });

    it.each([
      ['between 30 and 40 per cent', 30, 40, '%'],
      ['$5–6 billion', 5e9, 6e9, 'USD'],
      ['5 to 6 billion dollars', 5e9, 6e9, 'USD'],
      ['$500 million to $1 billion', 5e8, 1e9, 'USD'],
      ['2-3 decades', 20, 30, 'year'],
    ])('given the range "%s", when parsed, then its figures are taken literally', (text, lo, hi, unit) => {
      const v = quantity(text);
      expect([v.bounds.lo, v.bounds.hi, v.unit, v.precision]).toEqual([lo, hi, unit, 'stated']);
    });

    it('given two modifiers, when parsed, then it is refused', () => {
      expect(refusal(() => quantity('about 5 billion dollars or more')).reason).toMatch(/two modifiers/);
    });

    it('given a range in two currencies, when parsed, then it is refused', () => {
      expect(refusal(() => quantity('$5 billion to €6 billion')).reason).toMatch(/USD to EUR/);
    });
  });

  describe('Counts', () => {
    it.each([
      ['five', 5, 5, undefined],
      ['5', 5, 5, undefined],
      ['two', 2, 2, undefined],
      ['three squadrons', 3, 3, 'squadrons'],
      ['five S-400 units', 5, 5, 'S-400 units'],
      ['Two pending batteries', 2, 2, 'pending batteries'],
      ['the five', 5, 5, undefined],
      ['all five', 5, 5, undefined],
      ['twenty-three', 23, 23, undefined],
      ['one hundred and twenty', 120, 120, undefined],
      ['a hundred troops', 100, 100, 'troops'],
      ['a dozen', 12, 12, undefined],
      ['half a dozen', 6, 6, undefined],
      ['both sides', 2, 2, 'sides'],
      ['a pair of batteries', 2, 2, 'batteries'],
      ['a single unit', 1, 1, 'unit'],
      ['no specific outcome', 0, 0, 'specific outcome'],
      ['zero', 0, 0, undefined],
      ['10,00,000', 1000000, 1000000, undefined],
    ])('given "%s", when parsed, then it is exactly [%d, %d] with noun %s', (text, lo, hi, noun) => {
      const v = count(text);
      expect([v.bounds.lo, v.bounds.hi, v.noun]).toEqual([lo, hi, noun]);
    });

    it('given a scale word, when parsed, then the count is rounded and stays whole', () => {
      expect(counted('5 million people')).toEqual([4500000, 5499999]);
      expect(counted('two thousand troops')).toEqual([1500, 2499]);
    });

    it.each([
      ['about 5', 4, 6],
      ['about 200 troops', 180, 220],
      ['nearly 100', 90, 99],
      ['just over 100', 101, 110],
      ['over 5', 6, null],
      ['more than five units', 6, null],
      ['at least 5', 5, null],
      ['5 or more', 5, null],
      ['50+', 50, null],
      ['up to 5', 0, 5],
      ['fewer than 10', 0, 9],
      ['under 10', 0, 9],
      ['exactly 5', 5, 5],
      ['between 3 and 5 squadrons', 3, 5],
      ['3-5 squadrons', 3, 5],
      ['three to five units', 3, 5],
    ])('given "%s", when parsed, then the bounds are [%d, %d]', (text, lo, hi) => {
      expect(counted(text)).toEqual([lo, hi]);
    });

    it.each([
      ['several', /vague/],
      ['a few', /vague/],
      ['lots', /vague/],
      ['many', /vague/],
      ['dozens', /vague/],
      ['a couple of units', /vague/],
      ['22nd', /ordinal/],
      ['2.5 units', /whole number/],
      ['$5 billion', /quantity/],
      ['76 per cent', /quantity/],
      ['5 billion USD', /quantity/],
      ['units', /no number/],
      ['5 five', /cannot read the number/],
    ])('given "%s", when parsed as a count, then it is refused', (text, reason) => {
      const e = refusal(() => count(text));
      expect(e.reason).toMatch(reason);
      expect(e.input).toBe(text);
    });
  });

  describe('Text', () => {
    it('given text with stray spacing, when parsed, then it is trimmed and folded', () => {
      expect(parseValue({ type: 'text', text: '  Andrei   Belousov ' })).toEqual({
        type: 'text',
        text: 'Andrei   Belousov',
        normalized: 'Andrei Belousov',
        parser: PARSER_VERSION,
      });
    });

    it('given empty text, when parsed, then it is refused', () => {
      expect(refusal(() => parseValue({ type: 'text', text: '   ' })).reason).toMatch(/empty/);
    });
  });

  describe('Structured input', () => {
    it('given date bounds, when parsed, then the EDTF and words are made from them', () => {
      const v = parseValue({ type: 'date', lo: null, hi: '2026-09-30' }) as DateValue;
      expect(v).toMatchObject({ normalized: '../2026-09', text: 'by September 2026', bounds: { lo: null, hi: '2026-09-30' } });
    });

    it('given date bounds as words, when parsed, then each end takes its side', () => {
      const v = parseValue({ type: 'date', lo: 'September 2026', hi: '2027' }) as DateValue;
      expect(v.bounds).toEqual({ lo: '2026-09-01', hi: '2027-12-31' });
    });

    it('given text and structured fields that agree, when parsed, then the fields are kept with the words', () => {
      const v = parseValue({ type: 'date', text: '2026–27', edtf: '2026-04/2027-03', convention: 'fiscal-april' }) as DateValue;
      expect(v).toMatchObject({ text: '2026–27', bounds: { lo: '2026-04-01', hi: '2027-03-31' }, convention: 'fiscal-april' });
    });

    it('given an EDTF and bounds that disagree, when parsed, then it is refused', () => {
      expect(refusal(() => parseValue({ type: 'date', edtf: '2026', lo: '2026-01-01', hi: '2026-06-30' })).reason).toMatch(/do not match/);
    });

    it('given a parsed value fed back, when parsed, then it is the same value', () => {
      for (const input of [
        parseDate('by September 2026'),
        parseValue({ type: 'quantity', text: '$5.43 billion' }),
        parseValue({ type: 'quantity', text: 'over $5 billion' }),
        parseValue({ type: 'count', text: 'three squadrons' }),
        parseValue({ type: 'count', text: 'about 200 troops' }),
        parseValue({ type: 'text', text: 'Andrei Belousov' }),
      ]) {
        expect(parseValue(input as ValueInput)).toEqual(input);
      }
    });

    it('given an amount and unit, when parsed, then precision is implied from the digits or the step', () => {
      expect(parseValue({ type: 'quantity', amount: '5430000000', unit: 'USD', step: '10000000' })).toMatchObject({
        text: 'USD 5.43 billion',
        bounds: { lo: 5.425e9, hi: 5.435e9 },
      });
      expect(parseValue({ type: 'quantity', amount: 76, unit: 'per cent' })).toMatchObject({ unit: '%', bounds: { lo: 75.5, hi: 76.5 } });
      expect(parseValue({ type: 'quantity', amount: '5', unit: '%', precision: 'stated' })).toMatchObject({ bounds: { lo: 5, hi: 5 }, precision: 'stated' });
    });

    it('given quantity bounds and a unit, when parsed, then they are stated', () => {
      expect(parseValue({ type: 'quantity', lo: 5e9, hi: null, unit: 'usd' })).toMatchObject({
        unit: 'USD', precision: 'stated', bounds: { lo: 5e9, hi: null }, text: 'at least USD 5000000000',
      });
    });

    it('given words without a unit and a unit beside them, when parsed, then the unit is supplied', () => {
      expect(parseValue({ type: 'quantity', text: '5 billion', unit: 'USD' })).toMatchObject({ unit: 'USD', bounds: { lo: 4.5e9, hi: 5.5e9 }, text: '5 billion' });
    });

    it('given words and a unit that disagree, when parsed, then it is refused', () => {
      expect(refusal(() => parseValue({ type: 'quantity', text: '$5 billion', unit: 'EUR' })).reason).toMatch(/USD/);
    });

    it('given a count and a noun, when parsed, then it is exact', () => {
      expect(parseValue({ type: 'count', count: 3, noun: 'squadrons' })).toMatchObject({ text: '3 squadrons', bounds: { lo: 3, hi: 3 }, noun: 'squadrons' });
      expect(parseValue({ type: 'count', count: 5, modifier: 'over' })).toMatchObject({ bounds: { lo: 6, hi: null } });
    });

    it.each<[ValueInput, RegExp]>([
      [{ type: 'quantity', amount: 5 }, /unit/],
      [{ type: 'quantity', amount: 5, unit: 'apples' }, /unknown unit/],
      [{ type: 'quantity', amount: 'five', unit: 'USD' }, /number/],
      [{ type: 'quantity', amount: '5432000000', unit: 'USD', step: '10000000' }, /multiple/],
      [{ type: 'quantity', amount: '5', unit: 'USD', step: '3' }, /power of ten/],
      [{ type: 'quantity', lo: 6, hi: 5, unit: 'USD' }, /above/],
      [{ type: 'quantity', amount: 5, unit: 'USD', modifier: 'roughly' }, /modifier/],
      [{ type: 'count', count: 2.5 }, /whole/],
      [{ type: 'count', count: -1 }, /whole/],
      [{ type: 'date', lo: null, hi: null }, /nothing/],
      [{ type: 'date', lo: '2027-01-01', hi: '2026-01-01' }, /after/],
      [{ type: 'date', lo: 2026 as unknown as string }, /day/],
      [{ type: 'date' }, /give the words/],
      [{ type: 'count' }, /give the words/],
    ])('given the structured input %j, when parsed, then it is refused', (input, reason) => {
      expect(refusal(() => parseValue(input)).reason).toMatch(reason);
    });

    it('given a structured input with one bad field, when parsed, then the refusal names that field and quotes it', () => {
      expect(refusal(() => parseValue({ type: 'quantity', amount: 5, unit: 'apples' }))).toMatchObject({ inputField: 'unit', input: 'apples' });
      expect(refusal(() => parseValue({ type: 'date', bounds: { lo: '31 September 2026', hi: null } }))).toMatchObject({ inputField: 'bounds.lo', input: '31 September 2026' });
      expect(refusal(() => parseValue({ type: 'count', count: 5, modifier: 'roughly' }))).toMatchObject({ inputField: 'modifier', input: 'roughly' });
      expect(refusal(() => parseValue({ type: 'date', text: 'soon' }))).toMatchObject({ inputField: 'text', input: 'soon' });
    });

    it('given an unknown convention, when parsed, then it is refused', () => {
      expect(refusal(() => parseValue({ type: 'date', text: '2026–27', convention: 'lunar' }))).toMatchObject({ inputField: 'convention', input: 'lunar' });
    });

    it('given an unknown type, when parsed, then it is refused', () => {
      expect(refusal(() => parseValue({ type: 'money' } as unknown as ValueInput)).reason).toMatch(/unknown value type/);
    });
  });
});

describe('reading values: never a wrong value (issue 14)', () => {
  it.each(['20000', '2000000', 'by 20000', 'after 2000000', 'Y999999999999', 'Y170000002', '-0100'])('given the date words "%s", when parsed, then they are refused (no 1970 epoch date, no NaN)', (text) => {
    expect(refusal(() => parseDate(text)).reason).toMatch(/0001|9999|five or more digits|not a date/);
  });

  it.each(['20000', 'Y999999999999', 'Y170000002', '2000000/2001'])('given the EDTF "%s" in the structured edtf field, when read, then it is refused naming edtf', (edtf) => {
    const e = refusal(() => parseValue({ type: 'date', edtf }));
    expect(e.inputField).toBe('edtf');
  });

  it('given the said-at "20000", when read as a said-at, then it is refused rather than read as 1970', () => {
    expect(() => parseDate('20000', {})).toThrow(UnparseableValue);
  });

  it('given "2001-34" and "2001-21", when read as words, then they are the years; as EDTF they are refused, never a quarter or a season', () => {
    expect(days('2001-34', {})).toEqual(['2001-01-01', '2034-12-31']);
    expect(days('2001-21', {})).toEqual(['2001-01-01', '2021-12-31']);
    expect(refusal(() => parseValue({ type: 'date', edtf: '2001-34' })).reason).toMatch(/range of years/);
    expect(refusal(() => parseValue({ type: 'date', edtf: '2001-21' })).reason).toMatch(/range of years/);
  });

  it('given "2010-11" and "2011-12", when the source keeps an April fiscal year, then they are its fiscal years', () => {
    expect(days('2010-11', { fiscalYear: 'april' })).toEqual(['2010-04-01', '2011-03-31']);
    expect(days('2011-12', { fiscalYear: 'april' })).toEqual(['2011-04-01', '2012-03-31']);
    expect(date('2011-12', { fiscalYear: 'april' }).convention).toBe('fiscal-april');
  });

  it('given "2010-11" in the edtf field, when read, then it is refused too (never November 2010 in one place and years in another)', () => {
    expect(refusal(() => parseValue({ type: 'date', edtf: '2010-11' })).reason).toMatch(/month in EDTF and the years 2010–11/);
  });

  it('given the bounds of November 2010, when written as EDTF, then the month is spelled as days so it reads back', () => {
    const v = parseValue({ type: 'date', lo: '2010-11-01', hi: '2010-11-30' }) as DateValue;
    expect(v.normalized).toBe('2010-11-01/2010-11-30');
    expect(parseValue(v as ValueInput)).toEqual(v);
  });

  it('given words and an EDTF that disagree, when parsed, then it is refused naming the structured field', () => {
    const e = refusal(() => parseValue({ type: 'date', text: 'by September 2026', edtf: '1999' }));
    expect(e.inputField).toBe('edtf');
    expect(e.reason).toMatch(/the words read as \.\.\/2026-09-30 but edtf says 1999-01-01\/1999-12-31/);
    expect(refusal(() => parseValue({ type: 'date', text: 'mid-2025', edtf: '2025-06' })).inputField).toBe('edtf');
    expect(refusal(() => parseValue({ type: 'date', text: '2026', lo: '2026-01-01', hi: '2026-06-30' })).inputField).toBe('lo');
  });

  it('given words and an EDTF that is another documented reading of them, when parsed, then the reading is kept and recorded', () => {
    const v = parseValue({ type: 'date', text: 'by 2026–27', edtf: '../2027-03' }) as DateValue;
    expect(v.bounds).toEqual({ lo: null, hi: '2027-03-31' });
    expect(v.convention).toBe('fiscal-april');
  });

  it('given words that cannot be read beside an EDTF, when parsed, then the EDTF is kept with the words as written', () => {
    const v = parseValue({ type: 'date', text: 'held on Friday', edtf: '2025-12-05/2025-12-11' }) as DateValue;
    expect(v).toMatchObject({ text: 'held on Friday', bounds: { lo: '2025-12-05', hi: '2025-12-11' } });
  });

  it('given quantity or count words that disagree with the fields, when parsed, then it is refused naming the field', () => {
    expect(refusal(() => parseValue({ type: 'quantity', text: '$5.43 billion', amount: '5000000000', unit: 'USD' })).inputField).toBe('amount');
    expect(refusal(() => parseValue({ type: 'count', text: 'five units', count: 4 })).inputField).toBe('count');
    expect(parseValue({ type: 'quantity', text: '$5.43 billion', amount: '5430000000', unit: 'USD' })).toMatchObject({ bounds: { lo: 5.425e9, hi: 5.435e9 } });
  });

  it('given a structured whole amount, when parsed, then its trailing zeros are not significant either', () => {
    expect(parseValue({ type: 'quantity', amount: 5000000000, unit: 'USD' })).toMatchObject({ bounds: { lo: 4.5e9, hi: 5.5e9 }, step: '1000000000' });
  });

  it('given a bare month said before it, when read forward (a plan), then it is the coming one, not a year early', () => {
    const saidMay29: ParseContext = { saidAt: { lo: '2025-05-29', hi: '2025-05-29' } };
    expect(days('on 7 June', saidMay29)).toEqual(['2024-06-07', '2024-06-07']);
    expect(days('on 7 June', { ...saidMay29, direction: 'future' })).toEqual(['2025-06-07', '2025-06-07']);
  });
});

describe('reading values: what the press writes (issue 14)', () => {
  it.each([
    ['Rs 53.47 lakh crore', 5.3465e13, 5.3475e13, 'INR'],
    ['₹1.82 lakh crore', 1.815e12, 1.825e12, 'INR'],
    ['Rs 26,602-crore', 2.66015e11, 2.66025e11, 'INR'],
    ['₹2,09,050cr', 2.09045e12, 2.09055e12, 'INR'],
    ['50±1 per cent', 49, 51, '%'],
    ['5 +/- 0.5 per cent', 4.5, 5.5, '%'],
    ['$1.2 trln', 1.15e12, 1.25e12, 'USD'],
    ['.5 per cent', 0.45, 0.55, '%'],
    ['+5 per cent', 4.5, 5.5, '%'],
    ['Euro 7 billion', 6.5e9, 7.5e9, 'EUR'],
    ['US $30-35 trillion', 3e13, 3.5e13, 'USD'],
    ['2 pc', 1.5, 2.5, '%'],
    ['13.47 million barrels per day', 1.3465e7, 1.3475e7, 'barrel/day'],
    ['70,000 bpd', 65000, 75000, 'barrel/day'],
    ['17 miles', 16.5, 17.5, 'mi'],
    ['sub-3%', null, 3, '%'],
    ['between 6.7-7 per cent', 6.7, 7, '%'],
  ])('given "%s", when parsed, then it is [%d, %d] %s', (text, lo, hi, unit) => {
    expect(amounts(text)).toEqual([lo, hi, unit]);
  });

  it.each([
    ['by year-end 2022', null, '2022-12-31'],
    ['year-end 2022', '2022-09-01', '2022-12-31'],
    ['till December-end', null, '2025-12-31'],
    ['by year-end', null, '2025-12-31'],
    ['by 2026-end', null, '2026-12-31'],
    ['by March next year', null, '2026-03-31'],
    ['on 4th December last year', '2024-12-04', '2024-12-04'],
    ['in May this year', '2025-05-01', '2025-05-31'],
    ['by the end of the decade', null, '2029-12-31'],
    ['until the end of the year', null, '2025-12-31'],
    ['the second half of this year', '2025-07-01', '2025-12-31'],
    ['by Q4, 2022', null, '2022-12-31'],
    ['2018 March 18', '2018-03-18', '2018-03-18'],
    ['Sep-2012', '2012-09-01', '2012-09-30'],
    ['09-JAN-2017', '2017-01-09', '2017-01-09'],
    ['10-August-2012', '2012-08-10', '2012-08-10'],
    ['Dec. 4th, 2025', '2025-12-04', '2025-12-04'],
    ['201X', '2010-01-01', '2019-12-31'],
    ['Mon, October 15 2018. 22:03 IST', '2018-10-15', '2018-10-15'],
    ['the July-September period', '2025-07-01', '2025-09-30'],
  ])('given "%s" said on 2025-12-04, when parsed, then it spans %s to %s', (text, lo, hi) => {
    expect(days(text)).toEqual([lo, hi]);
  });

  it('given "Sep-12", when parsed, then it is refused (the 12th, or 2012?)', () => {
    expect(() => date('Sep-12')).toThrow(UnparseableValue);
  });

  it('given a month name with a two-digit year, when parsed, then it is refused rather than guessing the century', () => {
    expect(() => date('4 Dec 25')).toThrow(UnparseableValue);
  });
});

describe('reading values: fiscal years (issue 14)', () => {
  const INDIA: ParseContext = { fiscalYear: 'april', saidAt: { lo: '2025-08-23', hi: '2025-08-23' } };
  const US: ParseContext = { fiscalYear: 'october', saidAt: { lo: '2025-08-23', hi: '2025-08-23' } };

  it.each([
    ['the 2025-26 fiscal', '2025-04-01', '2026-03-31'],
    ['FY2026-27', '2026-04-01', '2027-03-31'],
    ['2024/25 financial year', '2024-04-01', '2025-03-31'],
    ['fiscal 2024-25', '2024-04-01', '2025-03-31'],
    ['the financial year 2025-26', '2025-04-01', '2026-03-31'],
  ])('given "%s" and no source convention, when parsed, then it is the April–March fiscal year (the documented default)', (text, lo, hi) => {
    const v = date(text, {});
    expect([v.bounds.lo, v.bounds.hi, v.convention]).toEqual([lo, hi, 'fiscal-april']);
  });

  it.each([
    ['FY27', '2026-04-01', '2027-03-31'],
    ['in FY25', '2024-04-01', '2025-03-31'],
    ['2025-26', '2025-04-01', '2026-03-31'],
    ['by 2026–27', null, '2027-03-31'],
    ['Q3FY26', '2025-10-01', '2025-12-31'],
    ['Q1 FY27', '2026-04-01', '2026-06-30'],
    ['H1FY27', '2026-04-01', '2026-09-30'],
    ['the first half of FY27', '2026-04-01', '2026-09-30'],
    ['Q1 of 2025-26', '2025-04-01', '2025-06-30'],
    ['the current fiscal', '2025-04-01', '2026-03-31'],
    ['the next fiscal', '2026-04-01', '2027-03-31'],
    ['the last financial year', '2024-04-01', '2025-03-31'],
    ['2009–13', '2009-01-01', '2013-12-31'],
  ])('given "%s" from an Indian outlet (fiscal year from April), when parsed, then it spans %s to %s', (text, lo, hi) => {
    expect(days(text, INDIA)).toEqual([lo, hi]);
  });

  it.each([
    ['fiscal 2026', '2025-10-01', '2026-09-30'],
    ['FY26', '2025-10-01', '2026-09-30'],
    ['the current fiscal year', '2024-10-01', '2025-09-30'],
    ['Q1 FY26', '2025-10-01', '2025-12-31'],
  ])('given "%s" from a US government source (fiscal year from October), when parsed, then it spans %s to %s', (text, lo, hi) => {
    expect(days(text, US)).toEqual([lo, hi]);
  });

  it('given a fiscal reading from the source, when parsed, then the value records it', () => {
    expect(date('FY27', INDIA).convention).toBe('fiscal-april');
    expect(date('2009–13', INDIA).convention).toBe('calendar-years');
  });

  it.each([
    ['FY2023-25', /two consecutive years/],
    ['FY26-27', /FY26 to FY27, or the fiscal year/],
  ])('given "%s", when parsed, then it is refused as ambiguous', (text, reason) => {
    expect(refusal(() => date(text, INDIA)).reason).toMatch(reason);
  });
});
