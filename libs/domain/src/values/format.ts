import { type Day, daysInMonth, formatDayWords, MONTH_NAMES, splitDay } from './calendar.js';
import * as D from './decimal.js';
import { isCurrency, unitWords } from './units.js';
import type { CountValue, DateValue, QuantityValue, Value } from './value.js';

/**
 * A value in words the parser reads back to the same bounds (the round trip is a property test).
 * Canonical rather than pretty: "from May 2025 to August 2025", "USD 5.43 billion", "at least 6".
 */
export function formatValue(value: Value): string {
  switch (value.type) {
    case 'date':
      return formatDate(value);
    case 'quantity':
      return formatQuantity(value);
    case 'count':
      return formatCount(value);
    case 'text':
      return value.normalized;
  }
}

function isYearStart(d: Day): boolean {
  return d.endsWith('-01-01');
}
function isYearEnd(d: Day): boolean {
  return d.endsWith('-12-31');
}
function isMonthEnd(d: Day): boolean {
  const [y, m, dd] = splitDay(d);
  return dd === daysInMonth(y, m);
}

function monthWords(d: Day): string {
  const [y, m] = splitDay(d);
  return `${MONTH_NAMES[m - 1]} ${y}`;
}

/** The coarsest words whose first day is `d` (a whole year only when the end is one too). */
function startWords(d: Day, yearsAllowed: boolean): string {
  if (isYearStart(d) && yearsAllowed) return d.slice(0, 4);
  if (d.endsWith('-01')) return monthWords(d);
  return formatDayWords(d);
}

/** The coarsest words whose last day is `d`. */
function endWords(d: Day, yearsAllowed: boolean): string {
  if (isYearEnd(d) && yearsAllowed) return d.slice(0, 4);
  if (isMonthEnd(d)) return monthWords(d);
  return formatDayWords(d);
}

export function formatDate(value: Pick<DateValue, 'bounds'>): string {
  const { lo, hi } = value.bounds;
  if (lo !== null && hi !== null) {
    if (lo === hi) return formatDayWords(lo);
    if (lo.slice(0, 4) === hi.slice(0, 4) && isYearStart(lo) && isYearEnd(hi)) return lo.slice(0, 4);
    if (lo.slice(0, 7) === hi.slice(0, 7) && lo.endsWith('-01') && isMonthEnd(hi)) return monthWords(lo);
    const years = isYearStart(lo) && isYearEnd(hi);
    return `from ${startWords(lo, years)} to ${endWords(hi, years)}`;
  }
  if (hi !== null) return `by ${endWords(hi, true)}`;
  if (lo !== null) return `from ${startWords(lo, true)}`;
  return '..';
}

const SCALE_WORDS: ReadonlyArray<[number, string]> = [[12, 'trillion'], [9, 'billion'], [6, 'million'], [3, 'thousand'], [0, '']];

/** Power of ten of a step like "10000000" or "0.01"; null when it is not one. */
function powerOf(step: string): number | null {
  if (/^10*$/.test(step)) return step.length - 1;
  const m = /^0\.(0*)1$/.exec(step);
  return m ? -(m[1].length + 1) : null;
}

function withUnit(amount: string, unit: string, plural: boolean): string {
  const negative = amount.startsWith('-');
  const digits = negative ? amount.slice(1) : amount;
  const sign = negative ? '-' : '';
  if (isCurrency(unit)) return `${sign}${unit} ${digits}`;
  if (unit === '%') return `${sign}${digits}%`;
  return `${sign}${digits} ${unitWords(unit, plural)}`;
}

/** "5.43 billion" for 5430000000 with step 1e7: the last written digit is the step's place. */
function scaledAmount(amount: D.Decimal, power: number): string {
  const abs = D.abs(amount);
  const choice =
    SCALE_WORDS.find(([p]) => p > 0 && p >= power && D.cmp(abs, D.shift(D.ONE, p)) >= 0) ??
    (power <= 0 ? SCALE_WORDS[SCALE_WORDS.length - 1] : [...SCALE_WORDS].reverse().find(([p]) => p >= power)!);
  const [p, word] = choice;
  const decimals = Math.max(0, p - power);
  const scaled = D.shift(amount, -p);
  let text = D.toString(scaled);
  const have = text.includes('.') ? text.split('.')[1].length : 0;
  if (decimals > have) text = `${text}${have ? '' : '.'}${'0'.repeat(decimals - have)}`;
  return word ? `${text} ${word}` : text;
}

/** The place of the last significant digit of "5.43 billion" (7) or "50" (1), as the reader takes it. */
function impliedPower(words: string): number {
  const [digits, word = ''] = words.split(' ');
  const scale = SCALE_WORDS.find(([, w]) => w === word)?.[0] ?? 0;
  const decimals = digits.includes('.') ? digits.split('.')[1].length : 0;
  const zeros = decimals ? 0 : digits.length - digits.replace(/0+$/, '').length;
  return scale - decimals + (/^-?0*$/.test(digits) ? 0 : zeros);
}

function plain(n: number): string {
  return D.plainNumber(n);
}

export function formatQuantity(value: Pick<QuantityValue, 'bounds' | 'normalized' | 'unit' | 'step'>): string {
  const { lo, hi } = value.bounds;
  const power = value.step === undefined ? null : powerOf(value.step);
  if (power !== null && lo !== null && hi !== null) {
    const amount = D.decimal(value.normalized);
    const half = D.half(D.shift(D.ONE, power));
    if (D.toNumber(D.sub(amount, half)) === lo && D.toNumber(D.add(amount, half)) === hi) {
      // "half a century" (50 years, to the nearest 10) reads back as "5.0 decades" would not: use decades/centuries
      if (value.unit === 'year' && (power === 1 || power === 2) && D.isInteger(D.shift(amount, -power)) && !D.toString(D.shift(amount, -power)).endsWith('0')) {
        return `${D.toString(D.shift(amount, -power))} ${power === 1 ? 'decades' : 'centuries'}`;
      }
      // Only where the figure, read back, has the same last significant digit (a whole "50" is ±5).
      const words = scaledAmount(amount, power);
      if (impliedPower(words) === power) return withUnit(words, value.unit, true);
    }
  }
  const exact = (n: number): string => withUnit(plain(n), value.unit, n !== 1);
  if (lo !== null && hi !== null) return lo === hi ? `exactly ${exact(lo)}` : `between ${exact(lo)} and ${exact(hi)}`;
  if (lo !== null) return `at least ${exact(lo)}`;
  if (hi !== null) return `at most ${exact(hi)}`;
  return '..';
}

export function formatCount(value: Pick<CountValue, 'bounds' | 'noun'>): string {
  const { lo, hi } = value.bounds;
  const noun = value.noun ? ` ${value.noun}` : '';
  if (lo !== null && hi !== null) return lo === hi ? `${lo}${noun}` : `between ${lo} and ${hi}${noun}`;
  if (lo !== null) return `at least ${lo}${noun}`;
  if (hi !== null) return `at most ${hi}${noun}`;
  return '..';
}
