import * as D from './decimal.js';
import type { Decimal } from './decimal.js';
import { type Modifier, leadingModifier, trailingModifier } from './modifiers.js';
import { type NumberReading, isNumberWord, readNumber } from './numbers.js';
import { CURRENCY_CODES, CURRENCY_PREFIXES, CURRENCY_WORDS, NAMED_UNITS } from './units.js';

/** A reading of quantity or count words, before it becomes a Value. */
export interface AmountReading {
  /** The stated figure in base units. */
  amount: Decimal;
  /** Place value of the last written digit, in base units. */
  step: Decimal;
  scaled: boolean;
  unit?: string;
  modifier?: Modifier;
  lo: Decimal | null;
  hi: Decimal | null;
  /** Bounds come from the words' limits (exactly, over, between…), not from rounding. */
  stated: boolean;
  /** Count only: the noun as written ("S-400 units"). */
  noun?: string;
}

/** Thrown with a reason; the caller turns it into UnparseableValue quoting the input. */
export class Refusal extends Error {
  constructor(
    message: string,
    /** The ValueInput field at fault, when the input was structured. */
    public field?: string,
  ) {
    super(message);
  }
}

const TEN_PERCENT = D.decimal('0.1');

/** Lower-case, fold whitespace and dashes, drop a final full stop. Keeps length aligned where it can. */
export function foldWords(text: string): string {
  return text
    .replace(/[\u00a0\u2009\u202f]/g, ' ')
    .replace(/[\u2012\u2013\u2014\u2015]/g, '–')
    .replace(/\u2212/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(?<=[a-z0-9%])\.$/i, '')
    .toLowerCase();
}

interface Core extends NumberReading {
  unit?: string;
  /** The unit came before the number ("$5", "Rs 1,000"). */
  prefixed: boolean;
  /** Written unit -> canonical unit (10 for decades). */
  factor: Decimal;
}

const PREFIXES_SORTED = [...CURRENCY_PREFIXES].sort((a, b) => b[0].length - a[0].length);
const CODE_SET = new Set<string>(CURRENCY_CODES.map((c) => c.toLowerCase()));
const SUFFIXES: ReadonlyArray<[string, { unit: string; factor: string }]> = [
  ...CURRENCY_WORDS.map(([w, unit]): [string, { unit: string; factor: string }] => [w, { unit, factor: '1' }]),
  ...NAMED_UNITS,
].sort((a, b) => b[0].length - a[0].length);

function readPrefix(text: string): { unit: string; rest: string } | null {
  const code = /^([a-z]{3})\s?(?=[\d.])/.exec(text);
  if (code && CODE_SET.has(code[1])) return { unit: code[1].toUpperCase(), rest: text.slice(code[0].length) };
  for (const [sign, unit] of PREFIXES_SORTED) {
    if (!text.startsWith(sign)) continue;
    const after = text.slice(sign.length);
    // "rs 1,000" / "rs1,000" / "$5": a number must follow
    if (/^\s?\d/.test(after)) return { unit, rest: after.replace(/^\s/, '') };
  }
  if (text.startsWith('¥')) throw new Refusal('"¥" is both the yen and the yuan: write JPY or CNY');
  return null;
}

function readSuffix(text: string): { unit: string; factor: string; rest: string } | null {
  const code = /^([a-z]{3})\b/.exec(text);
  if (code && CODE_SET.has(code[1])) return { unit: code[1].toUpperCase(), factor: '1', rest: text.slice(3).trim() };
  for (const [alias, unit] of SUFFIXES) {
    if (text.startsWith(alias) && !/^[a-z0-9]/.test(text.slice(alias.length))) {
      return { ...unit, rest: text.slice(alias.length).trim() };
    }
  }
  return null;
}

/** Number with its unit on either side: "$5.43bn", "USD 5 billion", "1,000 crore rupees", "76 per cent". */
function readCore(text: string, requireUnit: boolean): Core {
  let rest = text;
  let negative = false;
  if (/^(-|minus )/.test(rest)) {
    negative = true;
    rest = rest.replace(/^(-|minus )\s*/, '');
  } else {
    rest = rest.replace(/^\+\s?(?=[^\s\d]{0,3}\s?[\d.])/, ''); // "+5 per cent", "+$2bn"
  }
  const prefix = readPrefix(rest);
  if (prefix) rest = prefix.rest;
  // Short scales ("m", "bn", "k", "cr") only with money, where they cannot be a metre or a unit.
  let reading = readNumberOrRefuse(rest, prefix !== null);
  // "a decade", "a century": one of the unit
  if (!reading && /^an? [a-z]/.test(rest)) reading = readNumberOrRefuse(rest.replace(/^an? /, '1 '), prefix !== null);
  if (!reading) throw new Refusal('no number found');
  if (!prefix && reading.rest) {
    const probe = readNumberOrRefuse(rest, true);
    const probeUnit = probe?.scaled && probe.rest ? readSuffix(probe.rest) : null;
    if (probe && probeUnit && CODE_SET.has(probeUnit.unit.toLowerCase())) reading = probe; // "5m USD"
  }
  let unit = prefix?.unit;
  let value = reading.value;
  let step = reading.step;
  let after = reading.rest;
  let factor = D.ONE;
  if (!unit && after) {
    const suffix = readSuffix(after);
    if (suffix) {
      unit = suffix.unit;
      factor = D.decimal(suffix.factor);
      value = D.mul(value, factor);
      step = D.mul(step, factor);
      after = suffix.rest;
    }
  }
  if (requireUnit && !unit) {
    throw new Refusal(after ? `"${after}" is not a currency, % or known unit` : 'a quantity needs a unit (a currency, % or a named unit)');
  }
  if (negative) value = D.sub(D.ZERO, value);
  return { ...reading, value, step, rest: after, unit, prefixed: prefix !== null, factor };
}

function readNumberOrRefuse(text: string, shortScales: boolean): NumberReading | null {
  try {
    return readNumber(text, { shortScales });
  } catch (e) {
    throw new Refusal((e as Error).message);
  }
}

/** Bounds of a quantity from its stated figure, last-digit step and modifier (RULES.md, "Modifiers"). */
export function quantityBounds(modifier: Modifier | undefined, v: Decimal, step: Decimal): { lo: Decimal | null; hi: Decimal | null; stated: boolean } {
  const halfStep = D.half(step);
  const tenth = D.mul(D.abs(v), TEN_PERCENT);
  const spread = D.cmp(tenth, halfStep) > 0 ? tenth : halfStep;
  switch (modifier) {
    case undefined:
      return { lo: D.sub(v, halfStep), hi: D.add(v, halfStep), stated: false };
    case 'about':
      return { lo: D.sub(v, spread), hi: D.add(v, spread), stated: false };
    case 'nearly':
      return { lo: D.sub(v, spread), hi: v, stated: false };
    case 'just-over':
      return { lo: v, hi: D.add(v, spread), stated: false };
    case 'over':
    case 'at-least':
      return { lo: v, hi: null, stated: true };
    case 'up-to':
    case 'under':
      return { lo: null, hi: v, stated: true };
    case 'exactly':
      return { lo: v, hi: v, stated: true };
  }
}

function splitModifiers(text: string): { modifier?: Modifier; rest: string } {
  const lead = leadingModifier(text);
  const trail = trailingModifier(lead ? lead.rest : text);
  if (lead && trail) throw new Refusal('two modifiers');
  const modifier = lead?.modifier ?? trail?.modifier;
  return { modifier, rest: trail ? trail.rest : lead ? lead.rest : text };
}

/** "between X and Y", "from X to Y", "X to Y", "X–Y", "X-Y" (hyphen only between digits), "between X-Y". */
function splitRange(text: string): [string, string] | null {
  const between = /^(?:between )(.+?) and (.+)$/.exec(text);
  if (between) return [between[1], between[2]];
  if (text.startsWith('between ')) return splitRange(text.slice('between '.length));
  const fromTo = /^(?:from )?(.+?) (?:to|till|until|through) (.+)$/.exec(text);
  if (fromTo) return [fromTo[1], fromTo[2]];
  const dash = /^(.*?\d(?:\.\d+)?\s?(?:[a-z]+)?)\s?(?:–|-)\s?((?:[^\d\s]{0,4}\s?)?\d.*)$/.exec(text);
  if (dash && !/^-/.test(text)) return [dash[1], dash[2]];
  return null;
}

/** The left figure of "5–6 billion" or "50±1 per cent" takes the right one's scale word and unit. */
function leftFigure(left: Core, right: Core): Decimal {
  if (left.unit && right.unit && left.unit !== right.unit) throw new Refusal(`a range from ${left.unit} to ${right.unit}`);
  const scaled = !left.scaled && right.scaled ? D.shift(left.value, right.power) : left.value;
  // "2–3 decades": the left number takes the right one's unit (and its conversion to years)
  return !left.unit && right.unit ? D.mul(scaled, right.factor) : scaled;
}

function rangeReading(left: Core, right: Core): { lo: Decimal; hi: Decimal; unit?: string } {
  const lo = leftFigure(left, right);
  const hi = right.value;
  if (D.cmp(lo, hi) > 0) throw new Refusal('the range runs backwards');
  return { lo, hi, unit: left.unit ?? right.unit };
}

/** "50±1 per cent", "5 +/- 0.5 billion dollars": the figure widened by the stated tolerance, literally. */
function plusMinus(text: string): AmountReading | null {
  const m = /^(.*?\d)\s*(?:±|\+\/-|\+-)\s*(\d.*)$/.exec(text);
  if (!m) return null;
  const left = readCore(m[1], false);
  const right = readCore(m[2], false);
  if (left.rest || right.rest) throw new Refusal(`unexpected words "${left.rest || right.rest}"`);
  const v = leftFigure(left, right);
  const unit = left.unit ?? right.unit;
  if (!unit) throw new Refusal('a quantity needs a unit (a currency, % or a named unit)');
  const tolerance = right.value;
  if (tolerance.int < 0n) throw new Refusal('a tolerance cannot be negative');
  return { amount: v, step: D.mul(left.step, D.shift(D.ONE, !left.scaled && right.scaled ? right.power : 0)), scaled: left.scaled || right.scaled, unit, lo: D.sub(v, tolerance), hi: D.add(v, tolerance), stated: true };
}

export function readQuantityWords(original: string): AmountReading {
  const text = foldWords(original);
  if (!text) throw new Refusal('empty');
  const { modifier, rest } = splitModifiers(text);
  const tolerance = plusMinus(rest);
  if (tolerance && modifier) throw new Refusal('a modifier and a tolerance (±) together');
  if (tolerance) return tolerance;
  const range = modifier ? null : splitRange(rest);
  if (range) {
    const left = readCore(range[0], false);
    const right = readCore(range[1], false);
    if (left.rest || right.rest) throw new Refusal(`unexpected words "${left.rest || right.rest}"`);
    const r = rangeReading(left, right);
    if (!r.unit) throw new Refusal('a quantity needs a unit (a currency, % or a named unit)');
    return { amount: r.lo, step: right.step, scaled: left.scaled || right.scaled, unit: r.unit, lo: r.lo, hi: r.hi, stated: true };
  }
  const core = readCore(rest, true);
  if (core.rest) throw new Refusal(`unexpected words "${core.rest}" after the amount`);
  const bounds = quantityBounds(modifier, core.value, core.step);
  return { amount: core.value, step: core.step, scaled: core.scaled, unit: core.unit, modifier, ...bounds };
}

/** Count bounds are integers: rounding intervals are half-open ([4.5e6, 5.5e6) -> 4,500,000…5,499,999). */
export function countBounds(modifier: Modifier | undefined, v: Decimal, step: Decimal, scaled: boolean): { lo: Decimal | null; hi: Decimal | null; stated: boolean } {
  const int = (b: bigint): Decimal => ({ int: b, scale: 0 });
  const one = D.ONE;
  const halfStep = scaled ? D.half(step) : D.ZERO;
  const tenth = D.mul(D.abs(v), TEN_PERCENT);
  let spread = D.cmp(tenth, halfStep) > 0 ? tenth : halfStep;
  if (D.cmp(spread, one) < 0) spread = one;
  switch (modifier) {
    case undefined:
      if (!scaled) return { lo: v, hi: v, stated: false };
      return { lo: int(D.ceil(D.sub(v, halfStep))), hi: int(D.ceil(D.add(v, halfStep)) - 1n), stated: false };
    case 'about':
      return { lo: int(maxBig(0n, D.ceil(D.sub(v, spread)))), hi: int(D.floor(D.add(v, spread))), stated: false };
    case 'nearly':
      if (D.cmp(v, one) < 0) throw new Refusal('"nearly" needs a count of at least 1');
      return { lo: int(maxBig(0n, D.ceil(D.sub(v, spread)))), hi: D.sub(v, one), stated: false };
    case 'just-over':
      return { lo: D.add(v, one), hi: int(D.floor(D.add(v, spread))), stated: false };
    case 'over':
      return { lo: D.add(v, one), hi: null, stated: true };
    case 'at-least':
      return { lo: v, hi: null, stated: true };
    case 'up-to':
      return { lo: D.ZERO, hi: v, stated: true };
    case 'under':
      if (D.cmp(v, one) < 0) throw new Refusal('fewer than zero');
      return { lo: D.ZERO, hi: D.sub(v, one), stated: true };
    case 'exactly':
      return { lo: v, hi: v, stated: true };
  }
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

const VAGUE = /^(several|a few|few|many|lots|lots of|a lot|a lot of|numerous|some|dozens|hundreds|thousands|millions|scores|a couple|a couple of|a number of|multiple|various|countless|a handful)\b/;

const SPECIAL_COUNTS: ReadonlyArray<[RegExp, number]> = [
  [/^both\b/, 2], [/^a pair of\b/, 2], [/^a single\b/, 1], [/^single\b/, 1], [/^none\b/, 0],
];

export function readCountWords(original: string): AmountReading {
  const folded = foldWords(original);
  if (!folded) throw new Refusal('empty');
  // Keep the noun in its written case: map positions from the folded lower-case text back.
  const cased = original.replace(/[\u00a0\u2009\u202f]/g, ' ').replace(/\s+/g, ' ').trim().replace(/(?<=[a-z0-9%])\.$/i, '');
  const nounOf = (rest: string): string | undefined => {
    if (!rest) return undefined;
    const fromCased = cased.length === folded.length ? cased.slice(cased.length - rest.length) : rest;
    return fromCased.toLowerCase() === rest ? fromCased : rest;
  };
  let text = folded.replace(/^(the|all|all the|a total of|total of|total) (?=\S)/, '');
  if (/^[^a-z0-9\s]/.test(text) && readPrefixSafe(text)) throw new Refusal('this is a quantity (money), not a count');
  const { modifier, rest } = splitModifiers(text);
  text = rest;
  if (VAGUE.test(text) && !/^some \d/.test(text)) throw new Refusal('a vague number word is not a count');
  for (const [re, n] of SPECIAL_COUNTS) {
    if (re.test(text)) {
      const v: Decimal = { int: BigInt(n), scale: 0 };
      const after = text.replace(re, '').trim();
      return { amount: v, step: D.ONE, scaled: false, modifier, ...countBounds(modifier, v, D.ONE, false), noun: nounOf(after) };
    }
  }
  const range = modifier ? null : splitCountRange(text);
  if (range) return range.noun === undefined ? range : { ...range, noun: nounOf(range.noun) };
  let reading: NumberReading | null;
  try {
    reading = readNumber(text);
  } catch (e) {
    throw new Refusal((e as Error).message);
  }
  if (!reading) throw new Refusal('no number found');
  checkCountRest(reading.rest);
  if (!D.isInteger(reading.value)) throw new Refusal('a count must be a whole number');
  if (reading.value.int < 0n) throw new Refusal('a count cannot be negative');
  const bounds = countBounds(modifier, reading.value, reading.step, reading.scaled);
  return { amount: reading.value, step: reading.step, scaled: reading.scaled, modifier, ...bounds, noun: nounOf(reading.rest) };
}

function checkCountRest(rest: string): void {
  const first = rest.split(/[\s-]/)[0];
  if (!rest) return;
  if (/^\d/.test(rest) || isNumberWord(first)) throw new Refusal(`cannot read the number in "${rest}"`);
  if (/^(st|nd|rd|th)\b/.test(rest)) throw new Refusal('an ordinal is not a count');
  if (readPrefixSafe(rest) || /^(%|per cent|percent)\b/.test(rest)) throw new Refusal('this is a quantity (money or %), not a count');
  const suffix = readSuffix(rest);
  if (suffix && CODE_SET.has(suffix.unit.toLowerCase())) throw new Refusal('this is a quantity (money), not a count');
}

function readPrefixSafe(text: string): boolean {
  try {
    return readPrefix(text) !== null && /^[^a-z]/.test(text);
  } catch {
    return true;
  }
}

function splitCountRange(text: string): AmountReading | null {
  const m = /^(?:between (.+?) and|from (.+?) to|(.+?) to|(\S+?) ?[–-]) ?(.+)$/.exec(text);
  if (!m) return null;
  const leftText = m[1] ?? m[2] ?? m[3] ?? m[4];
  let left: NumberReading | null;
  let right: NumberReading | null;
  try {
    left = readNumber(leftText);
    right = readNumber(m[5]);
  } catch {
    return null;
  }
  if (!left || !right || left.rest || !D.isInteger(left.value) || !D.isInteger(right.value)) return null;
  if (m[4] !== undefined && (left.words || right.words)) return null; // "twenty-three" is a number, not a range
  checkCountRest(right.rest);
  let lo = left.value;
  if (!left.scaled && right.scaled) lo = D.shift(left.value, right.power);
  if (D.cmp(lo, right.value) > 0) throw new Refusal('the range runs backwards');
  return { amount: lo, step: D.ONE, scaled: false, lo, hi: right.value, stated: true, noun: right.rest || undefined };
}
