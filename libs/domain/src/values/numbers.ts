import { type Decimal, decimal, mul, shift } from './decimal.js';

/**
 * Reading the number at the start of some words: numerals ("5.43", "1,000", "10,00,000", ".5") or
 * number words ("five", "twenty-three", "a dozen", "half a"), with an optional scale word
 * ("billion", "bn", "lakh", "crore", "lakh crore"). `step` is the place value of the last
 * significant digit, which sets the implied precision (RULES.md, "Implied precision").
 */
export interface NumberReading {
  value: Decimal;
  step: Decimal;
  /** A scale word (thousand, million, lakh, crore, …) was written: the number is rounded. */
  scaled: boolean;
  /** What follows the number (leading spaces and one hyphen removed). */
  rest: string;
  /** The number was written in words. */
  words: boolean;
  /** Power of ten of the scale word (9 for billion), 0 without one. */
  power: number;
}

/** Scale words, longest first; `short` forms only count when a currency is present ("$5m", "₹10cr"). */
const SCALES: ReadonlyArray<{ word: string; power: number; short?: boolean }> = [
  { word: 'lakh crores', power: 12 }, { word: 'lakh crore', power: 12 }, { word: 'lac crores', power: 12 }, { word: 'lac crore', power: 12 },
  { word: 'thousand', power: 3 }, { word: 'trillion', power: 12 }, { word: 'billion', power: 9 },
  { word: 'million', power: 6 }, { word: 'crores', power: 7 }, { word: 'crore', power: 7 },
  { word: 'lakhs', power: 5 }, { word: 'lakh', power: 5 }, { word: 'lacs', power: 5 }, { word: 'lac', power: 5 },
  { word: 'trln', power: 12 }, { word: 'bln', power: 9 }, { word: 'mln', power: 6 }, { word: 'trn', power: 12 },
  { word: 'bn', power: 9 }, { word: 'mn', power: 6 }, { word: 'tn', power: 12 },
  { word: 'cr', power: 7, short: true }, { word: 'k', power: 3, short: true },
  { word: 'm', power: 6, short: true }, { word: 'b', power: 9, short: true },
];

const SMALL: Record<string, number> = {
  zero: 0, no: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70,
  eighty: 80, ninety: 90,
};

const WORD_SCALES: Record<string, number> = {
  thousand: 3, lakh: 5, lakhs: 5, million: 6, crore: 7, crores: 7, billion: 9, trillion: 12,
};

/** Western (1,000,000) or Indian (10,00,000) digit grouping, or a bare fraction (".5"); anything else is refused. */
const NUMERAL = /^(?:(\d+(?:,\d+)*)(?:\.(\d+))?|\.(\d+))/;

/**
 * The place value of the last significant digit of a whole number: trailing zeros are not
 * significant ("35,000" -> 1,000; "50" -> 10), as in ordinary significant-figure practice.
 */
export function wholeStep(int: bigint): Decimal {
  if (int === 0n) return decimal('1');
  let n = int < 0n ? -int : int;
  let zeros = 0;
  while (n % 10n === 0n) {
    n /= 10n;
    zeros += 1;
  }
  return shift(decimal('1'), zeros);
}

function validGrouping(intPart: string): boolean {
  if (!intPart.includes(',')) return true;
  return /^\d{1,3}(,\d{3})+$/.test(intPart) || /^\d{1,2}(,\d{2})*,\d{3}$/.test(intPart);
}

export function isNumberWord(word: string): boolean {
  return word in SMALL || word in WORD_SCALES || word === 'hundred' || word === 'dozen';
}

function readScale(text: string, allowShort: boolean): { power: number; rest: string } | null {
  const s = text.replace(/^\s+|^-(?=[a-z])/, ''); // "26,602-crore"
  for (const scale of SCALES) {
    if (scale.short && !allowShort) continue;
    if (s.startsWith(scale.word) && !/^[a-z0-9]/.test(s.slice(scale.word.length))) {
      return { power: scale.power, rest: s.slice(scale.word.length) };
    }
  }
  return null;
}

function tidyRest(rest: string): string {
  return rest.replace(/^\s+/, '').replace(/^-(?=[a-z])/, '');
}

/**
 * Reads a leading number from lower-cased, whitespace-folded words. Returns null when the words do
 * not start with a number. Throws RangeError with a reason for a number that is malformed.
 */
export function readNumber(text: string, options: { shortScales?: boolean } = {}): NumberReading | null {
  const numeral = NUMERAL.exec(text);
  if (numeral) {
    const whole = numeral[1] ?? '0';
    if (!validGrouping(whole)) throw new RangeError(`digit grouping "${whole}" is neither 1,000,000 nor 10,00,000`);
    if (/^[a-z]/.test(text.slice(numeral[0].length)) && !readScale(text.slice(numeral[0].length), true)) {
      // "22nd", "5apples": a number glued to letters that are not a scale
      if (/^(st|nd|rd|th)\b/.test(text.slice(numeral[0].length))) throw new RangeError('an ordinal is not an amount');
    }
    const frac = numeral[2] ?? numeral[3] ?? '';
    let value = decimal(whole.replace(/,/g, '') + (frac ? `.${frac}` : ''));
    let step = frac ? shift(decimal('1'), -frac.length) : wholeStep(value.int);
    let rest = text.slice(numeral[0].length);
    const scale = readScale(rest, options.shortScales ?? false);
    if (scale) {
      value = shift(value, scale.power);
      step = shift(step, scale.power);
      rest = scale.rest;
    }
    return { value, step, scaled: scale !== null, rest: tidyRest(rest), words: false, power: scale?.power ?? 0 };
  }
  return readNumberWords(text);
}

function readNumberWords(text: string): NumberReading | null {
  // Words split on spaces and hyphens; we remember where each word ends to hand back the rest.
  const tokens: Array<{ word: string; end: number }> = [];
  const re = /[a-z]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const between = text.slice(tokens.length ? tokens[tokens.length - 1].end : 0, m.index);
    if (tokens.length && !/^[\s-]*$/.test(between)) break;
    if (!tokens.length && m.index !== 0) break;
    tokens.push({ word: m[0], end: m.index + m[0].length });
  }
  let total = 0n;
  let current = 0n;
  let used = 0;
  let lastPower = 0;
  let halve = false;
  let seen = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const w = tokens[i].word;
    const next = tokens[i + 1]?.word;
    if (w === 'half' && i === 0 && (next === 'a' || next === 'an')) {
      halve = true;
      current = 1n;
      i += 1; // "half a": the "a" is the one being halved
      used = i + 1;
      seen = true;
      continue;
    }
    if ((w === 'a' || w === 'an') && i === 0 && next !== undefined && (next === 'hundred' || next === 'dozen' || next in WORD_SCALES)) {
      current = 1n;
      used = i + 1;
      seen = true;
      continue;
    }
    if (w === 'and' && seen && next !== undefined && next in SMALL && next !== 'no') continue;
    if (w in SMALL && !(w === 'no' && i > 0)) {
      current += BigInt(SMALL[w]);
      lastPower = 0;
    } else if (w === 'hundred' && (seen || current > 0n)) {
      current *= 100n;
      lastPower = 0;
    } else if (w === 'dozen' && (seen || current > 0n)) {
      current = (current || 1n) * 12n;
      lastPower = 0;
    } else if (w in WORD_SCALES && (seen || current > 0n)) {
      total += (current || 1n) * 10n ** BigInt(WORD_SCALES[w]);
      current = 0n;
      lastPower = WORD_SCALES[w];
    } else {
      break;
    }
    seen = true;
    used = i + 1;
  }
  if (!seen || used === 0) return null;
  let value: Decimal = { int: total + current, scale: 0 };
  let step = wholeStep(value.int);
  if (halve) {
    // "half a million" reads as 0.5 million: the last written digit is a tenth of the scale
    value = mul(value, decimal('0.5'));
    step = shift(step, -1);
  }
  return { value, step, scaled: lastPower > 0, rest: tidyRest(text.slice(tokens[used - 1].end)), words: true, power: lastPower };
}
