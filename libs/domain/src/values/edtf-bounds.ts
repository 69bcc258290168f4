import edtf from 'edtf';
import { type Day, daysInMonth, isValidDay, splitDay } from './calendar.js';
import { Refusal } from './quantity.js';

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
    if (ly === hy && lm === hm && ld === 1 && hd === daysInMonth(hy, hm)) return lo.slice(0, 7);
  }
  return `${lo === null ? '..' : startEdtf(lo)}/${hi === null ? '..' : endEdtf(hi, lo)}`;
}

function startEdtf(value: Day): string {
  const [, m, d] = splitDay(value);
  if (m === 1 && d === 1) return value.slice(0, 4);
  if (d === 1) return value.slice(0, 7);
  return value;
}

/** The upper end as a year or month when that loses nothing; never starting before `lo` (EDTF rejects `1950-07/1950`). */
function endEdtf(value: Day, lo: Day | null): string {
  const [y, m, d] = splitDay(value);
  if (m === 12 && d === 31 && (lo === null || lo <= `${value.slice(0, 4)}-01-01`)) return value.slice(0, 4);
  if (d === daysInMonth(y, m) && (lo === null || lo <= `${value.slice(0, 7)}-01`)) return value.slice(0, 7);
  return value;
}

function epochToDay(ms: number): Day {
  const date = new Date(ms);
  const y = date.getUTCFullYear();
  if (y < 1 || y > 9999) throw new Refusal('years before 0001 or after 9999 have no day bounds here');
  return `${String(y).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/**
 * Reads an EDTF string. Refused: season codes 21–32 (`2026-27` would be a season, never the years
 * 2026–2027) and 37–39 (the package puts quadrimester 1 at January–May); sets or lists with `..`
 * (the package reports a wrong max); days that do not exist (the package rolls 2025-02-29 over to
 * March). A time of day is dropped: the day is the one written. Qualifiers (~ ?) are kept in the
 * normalized form but do not widen the bounds.
 */
export function readEdtf(input: string): { normalized: string; lo: Day | null; hi: Day | null } {
  let text = input.trim();
  if (!text) throw new Refusal('empty EDTF');
  text = text.replace(/[Tt]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?/g, '');
  const season = /(?:^|[^\d])\d{4}[~?%]?-(2[1-9]|3[0-2]|3[7-9])(?![\d-])/.exec(text);
  if (season) {
    throw new Refusal(`"${season[0].replace(/^[^\d]/, '')}" is an EDTF season or quadrimester code; for the years write e.g. 2026/2027`);
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
