import { isDay } from './calendar.js';
import { compareValues } from './compare.js';
import { type DateContext, type YearRangeConvention, YEAR_RANGE_CONVENTIONS, readDateWords } from './dates.js';
import * as D from './decimal.js';
import type { Decimal } from './decimal.js';
import { boundsToEdtf, readEdtf } from './edtf-bounds.js';
import { formatValue } from './format.js';
import { MODIFIERS, type Modifier } from './modifiers.js';
import { type AmountReading, Refusal, countBounds, quantityBounds, readCountWords, readQuantityWords } from './quantity.js';
import { wholeStep } from './numbers.js';
import { canonicalUnit, isCurrency, unitWords } from './units.js';
import {
  type CountValue, type DateValue, type DayBounds, type QuantityValue, type TextValue, type Value,
  type ValueType, UnparseableValue, VALUE_TYPES,
} from './value.js';

export type { FiscalYearStart, YearRangeConvention } from './dates.js';
export { FISCAL_YEAR_STARTS, YEAR_RANGE_CONVENTIONS } from './dates.js';

/**
 * Stamped on every value so a replay never re-derives bounds silently (DESIGN 3). 2: round
 * figures, fiscal years, one reading of `2010-11` and `2026-27` everywhere, plans read forward.
 */
export const PARSER_VERSION = 'claimline-values/2';

export type ParseContext = DateContext;

type Bound = string | number | null;

/**
 * Words as written (`text`) or structured fields. Any Value this module produced is also a valid
 * ValueInput. Structured fields win when both are given: the words are then kept as written, not
 * re-read (RULES.md, "Structured input").
 */
export interface ValueInput {
  type: ValueType;
  /** The words as written, e.g. "by September 2026". */
  text?: string;
  /** date: an EDTF string (`normalized` is accepted as the same). */
  edtf?: string;
  /** The normalized form of a previously parsed value: EDTF (date), amount (quantity), integer (count), text. */
  normalized?: string;
  /** date: `YYYY-MM-DD` or date words; quantity/count: a number or decimal string. `null`: an open end. */
  lo?: Bound;
  hi?: Bound;
  bounds?: { lo?: Bound; hi?: Bound };
  /** quantity: the amount in base units (decimal string or number). */
  amount?: string | number;
  /** quantity: ISO 4217 code, `%`, or a named unit; with `text`, supplies the unit the words leave out. */
  unit?: string;
  /** quantity: place value of the last significant digit (power of ten); default from how `amount` is written. */
  step?: string | number;
  /** quantity: `stated` makes `amount` exact. */
  precision?: 'implied' | 'stated';
  modifier?: string;
  /** count: the integer. */
  count?: number | string;
  noun?: string;
  /** date: how "2026–27" is read; recorded on the value. */
  convention?: string;
  /** Ignored: a value's own parser stamp is replaced by this parser's. */
  parser?: string;
}

function quote(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input) ?? String(input);
}

function refuse(type: ValueType, input: unknown, reason: string, field?: string): never {
  throw new UnparseableValue(type, quote(input), reason, field);
}

/**
 * Runs a reader, turning its refusals (and any slip in it) into UnparseableValue. It quotes the
 * field at fault when the refusal names one of `source`'s fields, else `input`.
 */
function guarded<T>(type: ValueType, input: unknown, read: () => T, source?: ValueInput, defaultField?: string): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnparseableValue) throw e;
    if (e instanceof Refusal || e instanceof RangeError) {
      const field = (e instanceof Refusal ? e.field : undefined) ?? defaultField;
      const own = field && source ? field.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), source) : undefined;
      refuse(type, own !== undefined ? own : input, e.message, field);
    }
    throw e;
  }
}

/** Names the field a refusal is about (the first to name it wins). */
function at<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof Refusal && e.field === undefined) e.field = field;
    throw e;
  }
}

const CONVENTIONS = YEAR_RANGE_CONVENTIONS;

/** Every reading a date value may record (RULES.md); several are joined with "+". */
export const DATE_CONVENTIONS: readonly string[] = [...CONVENTIONS, 'thirds', 'said-at-past', 'said-at-future', 'about-one-unit'];

function yearConvention(input: ValueInput, context: ParseContext): ParseContext {
  if (input.convention === undefined) return context;
  if (typeof input.convention !== 'string' || !input.convention.split('+').every((c) => DATE_CONVENTIONS.includes(c))) {
    refuse('date', input.convention, `unknown convention (expected ${DATE_CONVENTIONS.join(', ')}, joined with +)`, 'convention');
  }
  const conventions = input.convention.split('+');
  const known = conventions.find((c): c is YearRangeConvention => (CONVENTIONS as readonly string[]).includes(c));
  // A value read forward once is read forward again (verify, a value fed back).
  const direction = conventions.includes('said-at-future') ? { direction: 'future' as const } : {};
  return { ...context, ...direction, ...(known ? { convention: known } : {}) };
}

export function parseValue(input: ValueInput, context: ParseContext = {}): Value {
  if (!input || !(VALUE_TYPES as readonly string[]).includes(input.type)) {
    throw new UnparseableValue('text', String(input?.type), `unknown value type (expected one of ${VALUE_TYPES.join(', ')})`);
  }
  if (input.text !== undefined && typeof input.text !== 'string') refuse(input.type, input.text, 'text must be a string', 'text');
  switch (input.type) {
    case 'date':
      return dateFrom(input, yearConvention(input, context));
    case 'quantity':
      return quantityFrom(input);
    case 'count':
      return countFrom(input);
    case 'text':
      return textFrom(input);
  }
}

/** Date words or EDTF as written (said-at, published-at, or a date value). */
export function parseDate(text: string, context: ParseContext = {}): DateValue {
  if (typeof text !== 'string') refuse('date', text, 'a date must be a string');
  const reading = guarded('date', text, () => readDateWords(text, context), undefined, 'text');
  return checkedDate({
    type: 'date',
    text: text.trim(),
    normalized: reading.edtf ?? boundsToEdtf(reading.lo, reading.hi),
    bounds: { lo: reading.lo, hi: reading.hi },
    ...(reading.conventions.length ? { convention: reading.conventions.join('+') } : {}),
    parser: PARSER_VERSION,
  }, 'text');
}

/**
 * The last guard before a date value leaves the reader: both ends real days of 0001–9999 (or
 * open), in order, not both open. Whatever a reader upstream did, no NaN or 1970 leaks out.
 */
function checkedDate(value: DateValue, field: string): DateValue {
  const { lo, hi } = value.bounds;
  const bad = (d: string | null) => d !== null && !isDay(d);
  if (bad(lo) || bad(hi) || (lo === null && hi === null) || (lo !== null && hi !== null && lo > hi)) {
    throw new UnparseableValue('date', value.text, `no valid day bounds (${lo ?? '..'}/${hi ?? '..'})`, field);
  }
  return value;
}

/** The ways words may be read where usage is ambiguous: a structured value may pick any one of them. */
function otherReadings(context: ParseContext): ParseContext[] {
  const readings: ParseContext[] = [];
  for (const direction of ['past', 'future'] as const) {
    readings.push({ ...context, direction });
    for (const convention of CONVENTIONS) readings.push({ ...context, direction, convention });
  }
  return readings;
}

/**
 * Words given beside a structured value must say the same (RULES.md, "Structured input"): when the
 * words can be read at all, one of their readings must have the structured bounds, or the value
 * is refused naming the structured field. Words that cannot be read are kept as written.
 */
function agreeingWords<T extends Value>(structured: T, words: string | undefined, read: (context: ParseContext) => Value, contexts: ParseContext[], field: string): T {
  if (words === undefined || !words.trim()) return structured;
  let first: Value | undefined;
  for (const context of contexts) {
    let reading: Value;
    try {
      reading = read(context);
    } catch (e) {
      if (e instanceof UnparseableValue) continue;
      throw e;
    }
    first ??= reading;
    if (compareValues(reading, structured).relation === 'same') {
      return reading.type === 'date' && structured.type === 'date' && reading.convention && !structured.convention
        ? { ...structured, convention: reading.convention }
        : structured;
    }
  }
  if (first === undefined) return structured;
  const shown = (v: Value) => (v.type === 'text' ? v.normalized : `${v.bounds.lo ?? '..'}/${v.bounds.hi ?? '..'}${v.type === 'quantity' ? ` ${v.unit}` : ''}`);
  throw new UnparseableValue(structured.type, words, `the words read as ${shown(first)} but ${field} says ${shown(structured)}`, field);
}

function boundOf(input: ValueInput, end: 'lo' | 'hi'): Bound | undefined {
  return input[end] !== undefined ? input[end] : input.bounds?.[end];
}

/** Where a bound was given: `lo` or, for a value fed back, `bounds.lo`. */
function boundField(input: ValueInput, end: 'lo' | 'hi'): string {
  return input[end] === undefined && input.bounds?.[end] !== undefined ? `bounds.${end}` : end;
}

function dateFrom(input: ValueInput, context: ParseContext): DateValue {
  const edtfText = input.edtf ?? input.normalized;
  const lo = boundOf(input, 'lo');
  const hi = boundOf(input, 'hi');
  if (edtfText === undefined && lo === undefined && hi === undefined) {
    if (input.text === undefined) refuse('date', input, 'give the words (text), an EDTF string (edtf) or bounds (lo, hi)', 'text');
    return parseDate(input.text, context);
  }
  const shown = edtfText ?? { lo, hi };
  const structured = guarded('date', shown, () => {
    let bounds: DayBounds | undefined;
    if (lo !== undefined || hi !== undefined) {
      const dayOf = (b: Bound | undefined, end: 'lo' | 'hi'): string | null => {
        if (b === null || b === undefined) return null;
        if (typeof b !== 'string') throw new Refusal(`${end} must be a day (YYYY-MM-DD), date words or null`);
        if (isDay(b)) return b;
        const words = readDateWords(b, context);
        const v = end === 'lo' ? words.lo : words.hi;
        if (v === null) throw new Refusal(`"${b}" has no ${end === 'lo' ? 'start' : 'end'}`);
        return v;
      };
      bounds = { lo: at(boundField(input, 'lo'), () => dayOf(lo, 'lo')), hi: at(boundField(input, 'hi'), () => dayOf(hi, 'hi')) };
      if (bounds.lo === null && bounds.hi === null) throw new Refusal('both bounds open says nothing', boundField(input, 'lo'));
      if (bounds.lo !== null && bounds.hi !== null && bounds.lo > bounds.hi) throw new Refusal('lo is after hi', boundField(input, 'lo'));
    }
    let normalized: string;
    if (edtfText !== undefined) {
      const edtfField = input.edtf !== undefined ? 'edtf' : 'normalized';
      if (typeof edtfText !== 'string') throw new Refusal('edtf must be a string', edtfField);
      const e = at(edtfField, () => readEdtf(edtfText));
      if (bounds && (bounds.lo !== e.lo || bounds.hi !== e.hi)) {
        throw new Refusal(`the bounds ${bounds.lo ?? '..'}/${bounds.hi ?? '..'} do not match the EDTF ${e.normalized} (${e.lo ?? '..'}/${e.hi ?? '..'})`, edtfField);
      }
      bounds = { lo: e.lo, hi: e.hi };
      normalized = e.normalized;
    } else {
      normalized = boundsToEdtf(bounds!.lo, bounds!.hi);
    }
    const value: DateValue = {
      type: 'date',
      text: '',
      normalized,
      bounds: bounds!,
      ...(input.convention ? { convention: input.convention } : {}),
      parser: PARSER_VERSION,
    };
    value.text = input.text?.trim() || formatValue(value);
    return value;
  }, input);
  const field = input.edtf !== undefined ? 'edtf' : input.normalized !== undefined ? 'normalized' : boundField(input, lo !== undefined ? 'lo' : 'hi');
  checkedDate(structured, field);
  return agreeingWords(structured, input.text, (c) => parseDate(input.text!, c), [context, ...otherReadings(context)], field);
}

function decimalOf(b: string | number, what: string): Decimal {
  if (typeof b === 'number') {
    if (!Number.isFinite(b)) throw new Refusal(`${what} must be a finite number`);
    return D.fromNumber(b);
  }
  if (typeof b !== 'string' || !/^-?\d+(\.\d+)?$/.test(b.trim())) throw new Refusal(`${what} must be a number or a decimal string`);
  return D.decimal(b.trim());
}

function modifierOf(m: string | undefined): Modifier | undefined {
  if (m === undefined) return undefined;
  if (!(MODIFIERS as readonly string[]).includes(m)) throw new Refusal(`unknown modifier "${m}" (expected one of ${MODIFIERS.join(', ')})`);
  return m as Modifier;
}

function finite(d: Decimal | null, what: string): number | null {
  if (d === null) return null;
  const n = D.toNumber(d);
  if (!Number.isFinite(n)) throw new Refusal(`${what} is too large`);
  return n;
}

function quantityFrom(input: ValueInput): QuantityValue {
  const amountIn = input.amount ?? input.normalized;
  const lo = boundOf(input, 'lo');
  const hi = boundOf(input, 'hi');
  if (amountIn === undefined && lo === undefined && hi === undefined) {
    if (input.text === undefined) refuse('quantity', input, 'give the words (text) or an amount with a unit', 'text');
    const text = input.text;
    return guarded('quantity', text, () => {
      let reading: AmountReading;
      try {
        reading = readQuantityWords(text);
      } catch (e) {
        // "5 billion" with {unit: "USD"}: the unit may come beside the words
        if (!(e instanceof Refusal) || input.unit === undefined) throw e;
        const unit = canonicalUnit(input.unit);
        if (!unit) throw new Refusal(`unknown unit "${input.unit}"`, 'unit');
        reading = readQuantityWords(`${text} ${unitSuffix(unit.unit)}`);
      }
      if (input.unit !== undefined && canonicalUnit(input.unit)?.unit !== reading.unit) {
        throw new Refusal(`the words say ${reading.unit} but unit is "${input.unit}"`, 'unit');
      }
      return quantityValue(text.trim(), reading);
    }, input, 'text');
  }
  const shown = input.amount ?? input.normalized ?? { lo, hi };
  const structured = guarded('quantity', shown, () => {
    if (input.unit === undefined) throw new Refusal('a quantity needs a unit (a currency, % or a named unit)', 'unit');
    const unit = canonicalUnit(input.unit);
    if (!unit) throw new Refusal(`unknown unit "${input.unit}"`, 'unit');
    if (unit.factor !== '1') throw new Refusal(`give "${input.unit}" as ${unit.unit}`, 'unit');
    const modifier = at('modifier', () => modifierOf(input.modifier));
    const amountField = input.amount !== undefined ? 'amount' : 'normalized';
    let implied: AmountReading | undefined;
    if (amountIn !== undefined) {
      const amount = at(amountField, () => decimalOf(amountIn, 'amount'));
      // As in words, a whole amount's trailing zeros are not significant (RULES.md, "Implied precision").
      const step = input.step !== undefined ? at('step', () => decimalOf(input.step!, 'step')) : amount.scale > 0 ? D.shift(D.ONE, -amount.scale) : wholeStep(amount.int);
      if (D.cmp(step, D.ZERO) <= 0 || !/^(0\.0*1|10*)$/.test(D.toString(step))) throw new Refusal('step must be a power of ten', 'step');
      const inSteps = D.shift(amount, step.scale); // amount / step must be whole: the step is the last digit's place
      if (!D.isInteger(inSteps) || inSteps.int % step.int !== 0n) throw new Refusal('amount must be a whole multiple of step', amountField);
      implied = input.precision === 'stated' && modifier === undefined
        ? { amount, step, scaled: false, unit: unit.unit, lo: amount, hi: amount, stated: true }
        : { amount, step, scaled: false, unit: unit.unit, modifier, ...quantityBounds(modifier, amount, step) };
    }
    let reading: AmountReading;
    let keepStep = true;
    if (lo !== undefined || hi !== undefined) {
      const l = lo === null || lo === undefined ? null : at(boundField(input, 'lo'), () => decimalOf(lo, 'lo'));
      const h = hi === null || hi === undefined ? null : at(boundField(input, 'hi'), () => decimalOf(hi, 'hi'));
      if (l === null && h === null) throw new Refusal('both bounds open says nothing', boundField(input, 'lo'));
      if (l && h && D.cmp(l, h) > 0) throw new Refusal('lo is above hi', boundField(input, 'lo'));
      const same = (x: Decimal | null, y: Decimal | null): boolean => (x === null ? y === null : y !== null && D.toNumber(x) === D.toNumber(y));
      if (implied && same(implied.lo, l) && same(implied.hi, h)) {
        reading = implied; // a value of ours fed back: keep how it was read
      } else {
        // Given bounds win and are stated.
        const amount = implied?.amount ?? (l && h ? D.half(D.add(l, h)) : (l ?? h)!);
        reading = { amount, step: implied?.step ?? D.ONE, scaled: false, unit: unit.unit, lo: l, hi: h, stated: true, modifier };
        keepStep = input.step !== undefined;
      }
    } else {
      reading = implied!;
    }
    const value = at(amountField, () => quantityValue('', reading));
    if (!keepStep) delete value.step;
    value.text = input.text?.trim() || formatValue(value);
    return value;
  }, input);
  const field = input.amount !== undefined ? 'amount' : input.normalized !== undefined ? 'normalized' : boundField(input, lo !== undefined ? 'lo' : 'hi');
  return agreeingWords(structured, input.text, () => parseValue({ type: 'quantity', text: input.text, unit: input.unit }), [{}], field);
}

function unitSuffix(unit: string): string {
  return isCurrency(unit) ? unit : unitWords(unit, true);
}

function quantityValue(text: string, r: AmountReading): QuantityValue {
  return {
    type: 'quantity',
    text,
    normalized: D.toString(r.amount),
    unit: r.unit!,
    precision: r.stated ? 'stated' : 'implied',
    bounds: { lo: finite(r.lo, 'the amount'), hi: finite(r.hi, 'the amount') },
    step: D.toString(r.step),
    ...(r.modifier ? { modifier: r.modifier } : {}),
    parser: PARSER_VERSION,
  };
}

function countFrom(input: ValueInput): CountValue {
  const countIn = input.count ?? input.normalized;
  const lo = boundOf(input, 'lo');
  const hi = boundOf(input, 'hi');
  if (countIn === undefined && lo === undefined && hi === undefined) {
    if (input.text === undefined) refuse('count', input, 'give the words (text) or a count', 'text');
    const text = input.text;
    return guarded('count', text, () => {
      const r = readCountWords(text);
      const noun = r.noun ?? input.noun?.trim();
      return countValue(text.trim(), r, noun || undefined);
    }, input, 'text');
  }
  const shown = countIn ?? { lo, hi };
  const structured = guarded('count', shown, () => {
    const intOf = (b: Bound | undefined, what: string): Decimal | null => {
      if (b === null || b === undefined) return null;
      const d = decimalOf(b, what);
      if (!D.isInteger(d) || d.int < 0n) throw new Refusal(`${what} must be a whole number, 0 or more`);
      return d;
    };
    const modifier = at('modifier', () => modifierOf(input.modifier));
    const noun = input.noun?.trim() || undefined;
    const countField = input.count !== undefined ? 'count' : 'normalized';
    let r: AmountReading;
    if (lo !== undefined || hi !== undefined) {
      const l = at(boundField(input, 'lo'), () => intOf(lo, 'lo')) ?? D.ZERO; // a count is never below zero
      const h = at(boundField(input, 'hi'), () => intOf(hi, 'hi'));
      if (h && D.cmp(l, h) > 0) throw new Refusal('lo is above hi', boundField(input, 'lo'));
      const amount = at(countField, () => intOf(countIn, 'count')) ?? l;
      r = { amount, step: D.ONE, scaled: false, lo: l, hi: h, stated: true, modifier };
    } else {
      const amount = at(countField, () => intOf(countIn, 'count'))!;
      r = { amount, step: D.ONE, scaled: false, modifier, ...at(countField, () => countBounds(modifier, amount, D.ONE, false)) };
    }
    const value = at(countField, () => countValue('', r, noun));
    value.text = input.text?.trim() || formatValue(value);
    return value;
  }, input);
  const field = input.count !== undefined ? 'count' : input.normalized !== undefined ? 'normalized' : boundField(input, lo !== undefined ? 'lo' : 'hi');
  return agreeingWords(structured, input.text, () => parseValue({ type: 'count', text: input.text, noun: input.noun }), [{}], field);
}

function countValue(text: string, r: AmountReading, noun: string | undefined): CountValue {
  const max = D.decimal(String(Number.MAX_SAFE_INTEGER));
  for (const b of [r.amount, r.lo, r.hi]) if (b && D.cmp(b, max) > 0) throw new Refusal('the count is too large');
  return {
    type: 'count',
    text,
    normalized: D.toString(r.amount),
    ...(noun ? { noun } : {}),
    bounds: { lo: finite(r.lo, 'the count'), hi: finite(r.hi, 'the count') },
    ...(r.modifier ? { modifier: r.modifier } : {}),
    parser: PARSER_VERSION,
  };
}

function textFrom(input: ValueInput): TextValue {
  const raw = input.text ?? input.normalized;
  if (typeof raw !== 'string') refuse('text', input, 'give the words (text)', 'text');
  const normalized = raw.trim().replace(/\s+/g, ' ');
  if (!normalized) refuse('text', raw, 'empty text', 'text');
  return { type: 'text', text: raw.trim(), normalized, parser: PARSER_VERSION };
}
