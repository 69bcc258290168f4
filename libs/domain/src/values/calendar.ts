/**
 * Calendar days as `YYYY-MM-DD` strings (proleptic Gregorian, years 0001–9999). Plain arithmetic on
 * UTC midnights; kept apart from `Date` parsing so no time zone or rollover can leak in.
 */
export type Day = string;

const DAY_MS = 86_400_000;

export const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
] as const;

export const MONTH_NAMES = MONTHS.map((m) => m[0].toUpperCase() + m.slice(1));

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

export function isValidYear(year: number): boolean {
  return Number.isInteger(year) && year >= 1 && year <= 9999;
}

export function isValidDay(year: number, month: number, day: number): boolean {
  return isValidYear(year) && Number.isInteger(month) && month >= 1 && month <= 12
    && Number.isInteger(day) && day >= 1 && day <= daysInMonth(year, month);
}

export function day(year: number, month: number, d: number): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function splitDay(value: Day): [number, number, number] {
  const [y, m, d] = value.split('-').map(Number);
  return [y, m, d];
}

export const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A well-formed, existing day (rejects 2025-02-29, which `Date` and `edtf` silently roll over). */
export function isDay(value: unknown): value is Day {
  if (typeof value !== 'string') return false;
  const m = DAY_PATTERN.exec(value);
  return m !== null && isValidDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

function toEpochDays(value: Day): number {
  const [y, m, d] = splitDay(value);
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // setUTCFullYear: Date.UTC maps years 0–99 to 1900+
  return Math.round(date.getTime() / DAY_MS);
}

function fromEpochDays(days: number): Day {
  const date = new Date(days * DAY_MS);
  return day(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

export function addDays(value: Day, n: number): Day {
  const result = fromEpochDays(toEpochDays(value) + n);
  if (!isDay(result)) throw new RangeError(`day out of range: ${value} + ${n}`);
  return result;
}

/** b − a in days. */
export function daysBetween(a: Day, b: Day): number {
  return toEpochDays(b) - toEpochDays(a);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(value: Day): number {
  return (((toEpochDays(value) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function yearStart(year: number): Day {
  return day(year, 1, 1);
}
export function yearEnd(year: number): Day {
  return day(year, 12, 31);
}
export function monthStart(year: number, month: number): Day {
  return day(year, month, 1);
}
export function monthEnd(year: number, month: number): Day {
  return day(year, month, daysInMonth(year, month));
}

/** Shift a (year, month) by n months. */
export function addMonths(year: number, month: number, n: number): [number, number] {
  const index = year * 12 + (month - 1) + n;
  return [Math.floor(index / 12), (index % 12) + 1];
}

export function formatDayWords(value: Day): string {
  const [y, m, d] = splitDay(value);
  return `${d} ${MONTH_NAMES[m - 1]} ${y}`;
}
