/**
 * The four kinds of value an assertion carries (DESIGN section 3). A value always keeps the words
 * as written, its normalized form, explicit bounds and the version of the parser that made them,
 * so a replay never re-derives bounds silently.
 */
export type ValueType = 'date' | 'quantity' | 'count' | 'text';

export const VALUE_TYPES: readonly ValueType[] = ['date', 'quantity', 'count', 'text'];

/** Inclusive interval; `null` is an open end (-inf for lo, +inf for hi). */
export interface Interval<T> {
  lo: T | null;
  hi: T | null;
}

/** Calendar days as `YYYY-MM-DD` (proleptic Gregorian, UTC). */
export type DayBounds = Interval<string>;
export type NumberBounds = Interval<number>;

export interface DateValue {
  type: 'date';
  /** The words as written, e.g. "by September 2026". */
  text: string;
  /** EDTF (ISO 8601-2), e.g. `../2026-09` or `2026/2027`. */
  normalized: string;
  bounds: DayBounds;
  /** Which reading of an ambiguous form was used, e.g. `calendar-years` or `fiscal-april`. */
  convention?: string;
  parser: string;
}

export interface QuantityValue {
  type: 'quantity';
  text: string;
  /** The amount as a decimal string in base units, e.g. "5430000000". */
  normalized: string;
  /** ISO 4217 code, `%`, or a named unit. */
  unit: string;
  precision: 'implied' | 'stated';
  bounds: NumberBounds;
  /**
   * Place value of the last written digit in base units ("10000000" for "$5.43 billion"): the
   * implied precision is half of it on each side. Absent when the bounds were given explicitly.
   */
  step?: string;
  /** The qualifying word's meaning, when one was written: about, nearly, just-over, over, at-least, up-to, under, exactly. */
  modifier?: string;
  parser: string;
}

export interface CountValue {
  type: 'count';
  text: string;
  /** The integer as a decimal string. */
  normalized: string;
  /** The counted noun when one was written ("squadrons"). */
  noun?: string;
  bounds: NumberBounds;
  /** As on QuantityValue: about, nearly, just-over, over, at-least, up-to, under, exactly. */
  modifier?: string;
  parser: string;
}

export interface TextValue {
  type: 'text';
  text: string;
  /** Trimmed, with inner whitespace folded. */
  normalized: string;
  parser: string;
}

export type Value = DateValue | QuantityValue | CountValue | TextValue;

export type Relation = 'same' | 'refines' | 'generalizes' | 'overlaps' | 'contradicts' | 'incomparable';

export const RELATIONS: readonly Relation[] = ['same', 'refines', 'generalizes', 'overlaps', 'contradicts', 'incomparable'];

export const DISCREPANCY_RELATIONS: readonly Relation[] = ['overlaps', 'contradicts'];

export interface Comparison {
  relation: Relation;
  /** In words, e.g. "narrowed from 2026–27 to September 2026". */
  explanation: string;
}

/** Raised for words that cannot be read as a value of the asked type; quotes the input. */
export class UnparseableValue extends Error {
  override readonly name = 'UnparseableValue';
  constructor(
    readonly type: ValueType,
    readonly input: string,
    readonly reason: string,
    /** For structured input: the field of the value at fault (`unit`, `lo`, `edtf`…); words: `text`. */
    readonly inputField?: string,
  ) {
    super(`cannot read "${input}" as a ${type}: ${reason}`);
  }
}
