import { type DateValue, type DayBounds, type Value, type ValueType, UnparseableValue } from './value.js';

/** Stamped on every value so a replay never re-derives bounds silently (DESIGN 3). */
export const PARSER_VERSION = 'claimline-values/1';

/** How a two-year range like "2026–27" is read (RULES.md, "Year ranges"). */
export type YearRangeConvention = 'calendar-years' | 'fiscal-april';

export interface ParseContext {
  /** When the source said it; needed for "next year", "on Friday", "in May". */
  saidAt?: DayBounds;
  convention?: YearRangeConvention;
}

/**
 * Words as written (`text`) or structured fields; structured fields win when both are given
 * (the words are then kept as written, not re-read).
 */
export interface ValueInput {
  type: ValueType;
  text?: string;
  /** date: an EDTF string. */
  edtf?: string;
  /** date: `YYYY-MM-DD` (or any date words); quantity/count: a number. `null` is an open end. */
  lo?: string | number | null;
  hi?: string | number | null;
  bounds?: { lo: string | number | null; hi: string | number | null };
  /** quantity: decimal string or number in base units, with `unit`. */
  amount?: string | number;
  unit?: string;
  /** count: the integer. */
  count?: number | string;
  noun?: string;
  convention?: YearRangeConvention;
}

export function parseValue(input: ValueInput, context: ParseContext = {}): Value {
  const text = (input.text ?? '').trim();
  switch (input.type) {
    case 'date':
      return parseDate(text, context);
    case 'text':
      if (!text) throw new UnparseableValue('text', input.text ?? '', 'empty text');
      return { type: 'text', text: input.text ?? '', normalized: text.replace(/\s+/g, ' '), parser: PARSER_VERSION };
    default:
      throw new UnparseableValue(input.type, input.text ?? '', 'not implemented yet');
  }
}

export function parseDate(text: string, _context: ParseContext = {}): DateValue {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) throw new UnparseableValue('date', text, 'not implemented yet');
  const day = m[0];
  return { type: 'date', text, normalized: day, bounds: { lo: day, hi: day }, parser: PARSER_VERSION };
}
