import edtf from 'edtf';
import { type Day, daysInMonth, isValidDay, splitDay } from './calendar.js';
import { Refusal } from './quantity.js';

/**
 * The later year a two-digit end names after `start` ("2026–27" -> 2027, "1998–02" -> 2002), or
 * null when it cannot be a later year ("2025-12": 12 is not after 25).
 */
export function laterYear(start: number, twoDigits: string): number | null {
  const yy = Number(twoDigits);
  const century = Math.floor(start / 100) * 100;
  if (yy > start % 100) return century + yy;
  if (start % 100 >= 90 && yy < 10) return century + 100 + yy;
  return null;
}

/** "2010-11": November 2010 as ISO/EDTF, the years 2010–11 in the press (a later year of the same century). */
export function ambiguousYearMonth(year: number, twoDigits: string): boolean {
  const nn = Number(twoDigits);
  return nn >= 1 && nn <= 12 && nn > year % 100;
}

/**
 * EDTF in and out. Out: day bounds -> the shortest EDTF interval with exactly those bounds. In: the
 * `edtf` package computes bounds, with its traps guarded (RULES.md, "EDTF input").
 */
export function boundsToEdtf(lo: Day | null, hi: Day | null): string {
  if (lo !== null && hi !== null) {
    if (lo === hi) return lo;
    const [ly, lm, ld] = splitDay(lo);
    const [hy, hm, hd] = splitDay(hi);
    if (ly === hy && lm === 1 && ld === 1 && hm === 12 && hd === 31) return String(ly).padStart(4, '0');
    if (ly === hy && lm === hm && ld === 1 && hd === daysInMonth(hy, hm) && !ambiguousYearMonth(ly, lo.slice(5, 7))) return lo.slice(0, 7);
  }
  return `${lo === null ? '..' : startEdtf(lo)}/${hi === null ? '..' : endEdtf(hi, lo)}`;
}

function startEdtf(value: Day): string {
  const [y, m, d] = splitDay(value);
  if (m === 1 && d === 1) return value.slice(0, 4);
  if (d === 1 && !ambiguousYearMonth(y, value.slice(5, 7))) return value.slice(0, 7);
  return value;
}

/** The upper end as a year or month when that loses nothing; never starting before `lo` (EDTF rejects `1950-07/1950`). */
function endEdtf(value: Day, lo: Day | null): string {
  const [y, m, d] = splitDay(value);
  if (m === 12 && d === 31 && (lo === null || lo <= `${value.slice(0, 4)}-01-01`)) return value.slice(0, 4);
  if (d === daysInMonth(y, m) && (lo === null || lo <= `${value.slice(0, 7)}-01`) && !ambiguousYearMonth(y, value.slice(5, 7))) return value.slice(0, 7);
  return value;
}

function epochToDay(ms: number): Day {
  if (!Number.isFinite(ms)) throw new Refusal('years before 0001 or after 9999 have no day bounds here');
  const date = new Date(ms);
  const y = date.getUTCFullYear();
  if (!(y >= 1 && y <= 9999)) throw new Refusal('years before 0001 or after 9999 have no day bounds here');
  return `${String(y).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/**
 * Reads an EDTF string. Refused: every sub-year code 13–99 (`2026-27` is a season and `2001-34` a
 * quarter in EDTF but years in the press, so neither is read two ways), a month that could be
 * years (`2010-11`), years of five or more digits and `Y` years (the package reads a bare
 * `20000` as epoch milliseconds), sets or lists with `..` (the package reports a wrong max), days
 * that do not exist (the package rolls 2025-02-29 over to March). A time of day is dropped: the
 * day is the one written. Qualifiers (~ ?) are kept in the normalized form but do not widen the
 * bounds.
 */
export function readEdtf(input: string): { normalized: string; lo: Day | null; hi: Day | null } {
  let text = input.trim();
  if (!text) throw new Refusal('empty EDTF');
  text = text.replace(/[Tt]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?/g, '');
  if (/\d{5,}/.test(text) || /y/i.test(text)) throw new Refusal('years before 0001 or after 9999 have no day bounds here (and a bare number of five or more digits is not a date)');
  for (const m of text.matchAll(/(?:^|[^\d])(\d{4})[~?%]?-(\d{2})(?![\d-])/g)) {
    const nn = Number(m[2]);
    if (nn === 0 || nn > 12) {
      throw new Refusal(`"${m[1]}-${m[2]}" is a season or quarter code in EDTF and a range of years in the press; write the years as ${m[1]}/${m[1].slice(0, 2)}${m[2]}, a quarter in words ("Q2 ${m[1]}")`);
    }
    if (ambiguousYearMonth(Number(m[1]), m[2])) {
      throw new Refusal(`"${m[1]}-${m[2]}" is a month in EDTF and the years ${m[1]}–${m[2]} in the press; write the month's days (${m[1]}-${m[2]}-01/${m[1]}-${m[2]}-${String(daysInMonth(Number(m[1]), nn)).padStart(2, '0')}) or the years in words`);
    }
  }
  if (/[[{]/.test(text) && text.includes('..')) throw new Refusal('EDTF sets or lists with ".." are not accepted; write an interval such as ../2026-09');
  for (const m of text.matchAll(/(\d{4})-(\d{2})-(\d{2})/g)) {
    if (!isValidDay(Number(m[1]), Number(m[2]), Number(m[3]))) throw new Refusal(`${m[0]} is not a day of the calendar`);
  }
  let parsed: ReturnType<typeof edtf>;
  try {
    parsed = edtf(text);
  } catch (e) {
    throw new Refusal(`not EDTF (${(e as Error).message.split('\n')[0]})`);
  }
  const lo = parsed.min === null || parsed.min === -Infinity ? null : epochToDay(parsed.min);
  const hi = parsed.max === null || parsed.max === Infinity ? null : epochToDay(parsed.max);
  if (lo === null && hi === null) throw new Refusal('an interval open at both ends says nothing');
  if (lo !== null && hi !== null && lo > hi) throw new Refusal('the interval runs backwards');
  return { normalized: parsed.edtf, lo, hi };
}
