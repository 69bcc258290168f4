// The English locale alone: the whole package loads every language's parsers (about 12 MB more RSS).
import { GB as chronoGB } from 'chrono-node/en';
import {
  type Day, MONTHS, MONTH_NAMES, WEEKDAYS, addDays, addMonths, day, isValidDay, isValidYear, monthEnd, monthStart,
  splitDay, weekdayOf, yearEnd, yearStart,
} from './calendar.js';
import { ambiguousYearMonth, laterYear, readEdtf } from './edtf-bounds.js';
import { Refusal, foldWords } from './quantity.js';
import type { DayBounds } from './value.js';

/** The month a fiscal year starts in: April (India, UK, Japan), July (Australia, Pakistan), October (US government). */
export type FiscalYearStart = 'april' | 'july' | 'october';
export const FISCAL_YEAR_STARTS: readonly FiscalYearStart[] = ['april', 'july', 'october'];
const FISCAL_MONTH: Record<FiscalYearStart, number> = { april: 4, july: 7, october: 10 };

/** How a two-year range like "2026–27" is read (RULES.md, "Year ranges" and "Fiscal years"). */
export type YearRangeConvention = 'calendar-years' | `fiscal-${FiscalYearStart}`;
export const YEAR_RANGE_CONVENTIONS: readonly YearRangeConvention[] = ['calendar-years', ...FISCAL_YEAR_STARTS.map((f) => `fiscal-${f}` as const)];

export interface DateContext {
  /** When the source said it; needed for "next year", "on Friday", "in May". */
  saidAt?: DayBounds;
  /** The caller's reading of every year range ("2026–27", "2009–13"); recorded on the value. */
  convention?: YearRangeConvention;
  /**
   * The source's fiscal year (an Indian outlet: april): its "2026–27" is that fiscal year, and its
   * fiscal labels ("FY27", "Q3FY26", "the current fiscal") are read by it.
   */
  fiscalYear?: FiscalYearStart;
  /** A bare weekday or month ("on Friday", "in May") is the last one on or before said-at (past, default) or the next one on or after (future). */
  direction?: 'past' | 'future';
}

/** The resolution of what was written: "about" widens by one such unit; a half or quarter divides a year or a fiscal year. */
type Resolution = 'day' | 'month' | 'year' | 'fiscal' | 'span';

interface Span {
  lo: Day | null;
  hi: Day | null;
  res: Resolution;
}

export interface DateReading {
  lo: Day | null;
  hi: Day | null;
  /** Readings chosen where usage is ambiguous (recorded on the value). */
  conventions: string[];
  /** An EDTF form to keep as the normalized value when the input was EDTF. */
  edtf?: string;
}

const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const MONTH_WORD = new RegExp(`(?:^|[^a-z])${MONTH}(?:[^a-z]|$)`);
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const WEEKDAY = '(sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)(?:day|nesday|rsday|sday|urday)?';
const FISCAL = '(?:fiscal(?:\\s+year)?|financial\\s+year|fy)';

// Made once: a pattern made where it is used was made and looked up again at every call (a said-at
// date went through a dozen of them, about half of parseDate's time).
const PERIOD = new RegExp(`^(${MONTH}\\s?[–-]\\s?${MONTH}(?:,?\\s+\\d{4})?)\\s+(?:period|quarter)$`);
const MONTH_DASH_RANGE = new RegExp(`^(${MONTH})–(.+)$`);
const ENDS_MONTH_YEAR = new RegExp(`${MONTH},?\\s+\\d{4}$`);
const MONTH_END = new RegExp(`^(${MONTH}(?:,?\\s+\\d{4})?)[\\s-]end$`);
const MONTH_END_YEAR = new RegExp(`^(${MONTH})[\\s-]end,?\\s+(\\d{4})$`);
const YEAR_END = /^(\d{4})[\s-]end$/;
/** "March next year", "4th December last year": a day or month without its year, then the year said-at names. */
const IN_SAID_AT_YEAR = /^(.+?)\s+(next|this|last|the previous|previous|the coming|the following|the current|current)\s+year$/;
const FISCAL_YEARS = new RegExp(`^${FISCAL}\\s?'?(\\d{4})\\s?[–\\-/]\\s?(\\d{2}|\\d{4})$`);
const YEARS_FISCAL = new RegExp(`^(\\d{4})\\s?[–\\-/]\\s?(\\d{2}|\\d{4})\\s+${FISCAL}$`);
const FISCAL_YEAR = new RegExp(`^${FISCAL}\\s?'?(\\d{2}|\\d{4})$`);
const RELATIVE_FISCAL = new RegExp(`^(this|current|next|coming|last|previous)\\s+${FISCAL}$`);
const RELATIVE_WEEKDAY = new RegExp(`^(last|next|this|coming)?\\s*${WEEKDAY}$`);
const WEEKDAY_FIRST = new RegExp(`^${WEEKDAY},?\\s+(.+)$`);
const DAY_MONTH_YEAR = new RegExp(`^${DAY}\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})$`);
const MONTH_DAY_YEAR = new RegExp(`^${MONTH}\\s+${DAY},?\\s+(\\d{4})$`);
const MONTH_YEAR = new RegExp(`^${MONTH},?\\s+(?:of\\s+)?(\\d{4})$`);
const DAYS_MONTH_YEAR = new RegExp(`^${DAY}[–-]${DAY}\\s+${MONTH},?\\s+(\\d{4})$`);
const MONTH_DAYS_YEAR = new RegExp(`^${MONTH}\\s+${DAY}[–-]${DAY},?\\s+(\\d{4})$`);
const MONTHS_YEAR = new RegExp(`^${MONTH}[–-]${MONTH},?\\s+(\\d{4})$`);
const DAY_MONTH = new RegExp(`^${DAY}\\s+(?:of\\s+)?${MONTH}$`);
const MONTH_DAY = new RegExp(`^${MONTH}\\s+${DAY}$`);
const MONTH_TO_MONTH = new RegExp(`^${MONTH}\\s?[–-]\\s?${MONTH}$`);
const MONTH_DASH_TWO_DIGITS = new RegExp(`^${MONTH}-\\d{2}$`);
const MONTH_ONLY = new RegExp(`^${MONTH}$`);

function monthNumber(word: string): number {
  const w = word.replace(/\.$/, '');
  return MONTHS.findIndex((m) => m.startsWith(w.slice(0, 3))) + 1;
}

function weekdayNumber(word: string): number {
  return WEEKDAYS.findIndex((w) => w.startsWith(word.slice(0, 3)));
}

function yearSpan(y: number): Span {
  if (!isValidYear(y)) throw new Refusal(`year ${y} is out of range`);
  return { lo: yearStart(y), hi: yearEnd(y), res: 'year' };
}

function monthSpan(y: number, m: number): Span {
  if (!isValidYear(y)) throw new Refusal(`year ${y} is out of range`);
  return { lo: monthStart(y, m), hi: monthEnd(y, m), res: 'month' };
}

function daySpan(y: number, m: number, d: number, written: string): Span {
  if (!isValidDay(y, m, d)) throw new Refusal(`"${written}" is not a day of the calendar`);
  const v = day(y, m, d);
  return { lo: v, hi: v, res: 'day' };
}

class Reader {
  readonly conventions = new Set<string>();
  edtf?: string;

  constructor(private readonly context: DateContext) {}

  private saidAt(what: string): { lo: Day; hi: Day } {
    const s = this.context.saidAt;
    if (!s) throw new Refusal(`"${what}" needs the date it was said (said-at)`);
    if (s.lo === null || s.hi === null) throw new Refusal(`"${what}" needs a said-at with both ends known`);
    return { lo: s.lo, hi: s.hi };
  }

  /** Applies a reading to both ends of said-at; every reading here is monotone, so the hull is exact. */
  private relative(what: string, f: (ref: Day) => Span): Span {
    const s = this.saidAt(what);
    const a = f(s.lo);
    const b = f(s.hi);
    return { lo: a.lo, hi: b.hi, res: a.lo === b.lo && a.hi === b.hi ? a.res : 'span' };
  }

  /** The first month of the fiscal year in force: the caller's convention, else the source's, else `fallback`. */
  private fiscalMonth(what: string, fallback?: number): number {
    const c = this.context.convention;
    if (c !== undefined && c !== 'calendar-years') return FISCAL_MONTH[c.slice('fiscal-'.length) as FiscalYearStart];
    if (this.context.fiscalYear !== undefined) return FISCAL_MONTH[this.context.fiscalYear];
    if (fallback !== undefined) return fallback;
    throw new Refusal(`"${what}": whose fiscal year? The source has no fiscal-year convention (April for Indian outlets, October for the US government)`);
  }

  /** Fiscal years named by the years they end in (FY2027 from April is 2026-04-01 … 2027-03-31), first to last. */
  private fiscalYears(firstEnd: number, lastEnd: number, month: number): Span {
    if (!isValidYear(firstEnd - 1) || !isValidYear(lastEnd)) throw new Refusal('year out of range');
    const name = (Object.keys(FISCAL_MONTH) as FiscalYearStart[]).find((k) => FISCAL_MONTH[k] === month)!;
    this.conventions.add(`fiscal-${name}`);
    return { lo: monthStart(firstEnd - 1, month), hi: monthEnd(lastEnd, month - 1), res: firstEnd === lastEnd ? 'fiscal' : 'span' };
  }

  read(text: string): Span {
    const s = text.trim();
    if (!s) throw new Refusal('empty');
    return this.operators(s);
  }

  private operators(s: string): Span {
    // "the year", "the decade": said-at's (before "the" is dropped as filler below).
    const current = /^the (year|month|decade)$/.exec(s);
    if (current) return this.relativeWords(`this ${current[1]}`)!;
    // Filler that changes nothing: "in 2018", "on Thursday", "sometime in 2026", "the 1990s", "for FY27".
    const filler = /^(in|on|for|during|sometime in|some time in|at some point in|the|dated|as of)\s+(?!or\b)(.+)$/.exec(s);
    if (filler) return this.operators(filler[2]);
    // "the July-September period", "the October-December quarter"
    const period = PERIOD.exec(s);
    if (period) return this.operators(period[1]);

    const onwards = /^(.+?)\s+(onwards|onward|and later|or later|and after|or after)$/.exec(s);
    if (onwards) return { lo: this.operators(onwards[1].replace(/^from\s+/, '')).lo, hi: null, res: 'span' };
    const orEarlier = /^(.+?)\s+(or earlier|or before|and before)$/.exec(s);
    if (orEarlier) return { lo: null, hi: this.operators(orEarlier[1]).hi, res: 'span' };

    const between = /^between\s+(.+?)\s+and\s+(.+)$/.exec(s) ?? /^from\s+(.+?)\s+(?:to|until|till|through|–|-)\s+(.+)$/.exec(s);
    if (between) return this.range(between[1], between[2]);

    // "by X" includes X; "before X" excludes it; "after X" excludes it; "from X" includes it.
    const by = /^(?:by the end of|by end of|by the close of|by|until|till|til|up to|up until|through|no later than|not later than|on or before|at the latest by|not after)\s+(.+)$/.exec(s)
      ?? /^by end-(.+)$/.exec(s);
    if (by) {
      const x = this.operators(by[1]);
      if (x.hi === null) throw new Refusal('"by" needs an end');
      return { lo: null, hi: x.hi, res: 'span' };
    }
    const before = /^(?:before|prior to|earlier than|ahead of)\s+(.+)$/.exec(s);
    if (before) {
      const x = this.operators(before[1]);
      if (x.lo === null) throw new Refusal('"before" needs a start');
      return { lo: null, hi: addDays(x.lo, -1), res: 'span' };
    }
    const after = /^(?:after|later than|beyond|post)\s+(.+)$/.exec(s);
    if (after) {
      const x = this.operators(after[1]);
      if (x.hi === null) throw new Refusal('"after" needs an end');
      return { lo: addDays(x.hi, 1), hi: null, res: 'span' };
    }
    const from = /^(?:from|since|starting from|starting in|starting|beginning in|beginning from|not before|no earlier than|not earlier than|on or after)\s+(.+)$/.exec(s);
    if (from) {
      const x = this.operators(from[1]);
      if (x.lo === null) throw new Refusal('"from" needs a start');
      return { lo: x.lo, hi: null, res: 'span' };
    }
    const about = /^(?:about|around|circa|c\.|ca\.|approximately|approx\.?|roughly|~)\s*(.+)$/.exec(s);
    if (about) return this.about(this.operators(about[1]), s);

    // "2026 to 2027", "September 2026 – March 2027"; a year range "2026–27" is an atom, not this.
    if (!/^\d{4}\s?[–-]\s?\d{2}(\d{2})?$/.test(s)) {
      const range = /^(.+?)\s+(?:to|until|till|through|–|-)\s+(.+)$/.exec(s) ?? MONTH_DASH_RANGE.exec(s);
      if (range) return this.range(range[1], range[range.length - 1]);
    }
    return this.parts(s);
  }

  /** "about X" widens X by one unit of what was written: a day, a month or a year. */
  private about(x: Span, s: string): Span {
    if (x.lo === null || x.hi === null || x.res === 'span') {
      throw new Refusal(`"${s}": "about" is read only before a single day, month or year`);
    }
    this.conventions.add('about-one-unit');
    if (x.res === 'day') return { lo: addDays(x.lo, -1), hi: addDays(x.hi, 1), res: 'span' };
    const [ly, lm] = splitDay(x.lo);
    const [hy, hm] = splitDay(x.hi);
    if (x.res === 'month') {
      const [py, pm] = addMonths(ly, lm, -1);
      const [ny, nm] = addMonths(hy, hm, 1);
      if (!isValidYear(py) || !isValidYear(ny)) throw new Refusal('out of range');
      return { lo: monthStart(py, pm), hi: monthEnd(ny, nm), res: 'span' };
    }
    if (!isValidYear(ly - 1) || !isValidYear(hy + 1)) throw new Refusal('out of range');
    return { lo: yearStart(ly - 1), hi: yearEnd(hy + 1), res: 'span' };
  }

  private range(leftText: string, rightText: string): Span {
    const right = this.operators(rightText);
    const left = this.rangeStart(leftText, rightText);
    if (left.lo === null || right.hi === null) throw new Refusal('a range needs both ends');
    if (left.lo > right.hi) throw new Refusal('the range runs backwards');
    return { lo: left.lo, hi: right.hi, res: 'span' };
  }

  /** The start of a range may leave out what the end says: "September–December 2026", "4–6 December". */
  private rangeStart(left: string, right: string): Span {
    // What the end says is tried first, so "September–December 2026" is not read against said-at.
    const tries: string[] = [];
    const year = /(\d{4})$/.exec(right)?.[1];
    const monthYear = ENDS_MONTH_YEAR.exec(right)?.[0];
    if (year) tries.push(`${left} ${year}`);
    if (monthYear) tries.push(`${left} ${monthYear}`);
    tries.push(left);
    let first: unknown;
    for (const t of tries) {
      try {
        return this.operators(t);
      } catch (e) {
        first ??= e;
      }
    }
    throw first;
  }

  private parts(s: string): Span {
    let m: RegExpExecArray | null;

    // Early / mid / late: thirds of a year (Jan–Apr, May–Aug, Sep–Dec) or of a month (1–10, 11–20, 21–end).
    // "year-end 2022", "by year-end" (said-at's year), "December-end": the end of it.
    m = /^(?:year[\s-]?end)(?:,?\s+(?:of\s+)?(.+))?$/.exec(s);
    if (m) return this.third('end', m[1] === undefined ? this.relativeWords('this year')! : this.operators(m[1]), s);
    m = MONTH_END.exec(s);
    if (m) return this.third('end', this.operators(m[1]), s);
    m = MONTH_END_YEAR.exec(s);
    if (m) return this.third('end', this.operators(`${m[1]} ${m[3]}`), s);
    // "2026-end", as the Indian press writes "end-2026".
    m = YEAR_END.exec(s);
    if (m) return this.third('end', this.operators(m[1]), s);

    m = /^(early|mid|late|the beginning of|beginning of|the start of|start of|the middle of|middle of|the end of|end of|end)[\s-]+(.+)$/.exec(s);
    if (m) return this.third(m[1], this.operators(m[2]), s);

    const fiscal = this.fiscalLabel(s);
    if (fiscal) return fiscal;

    m = /^(first|second|1st|2nd)\s+half\s+(?:of\s+)?(.+)$/.exec(s);
    if (m) return this.part(6, m[1] === 'second' || m[1] === '2nd' ? 2 : 1, m[2], s);
    m = /^(?:h([12])|([12])h)[\s-]*(?:of\s+)?(.+)$/.exec(s);
    if (m) return this.part(6, Number(m[1] ?? m[2]), m[3], s);
    m = /^(\d{4})[\s-]*h([12])$/.exec(s);
    if (m) return this.part(6, Number(m[2]), m[1], s);
    m = /^(first|second|third|fourth|1st|2nd|3rd|4th|last)\s+quarter\s+(?:of\s+)?(.+)$/.exec(s);
    if (m) return this.part(3, ['first', 'second', 'third', 'fourth'].indexOf(m[1]) + 1 || ['1st', '2nd', '3rd', '4th'].indexOf(m[1]) + 1 || 4, m[2], s);
    m = /^(?:q([1-4])|([1-4])q),?[\s-]*(?:of\s+)?(.+)$/.exec(s);
    if (m) return this.part(3, Number(m[1] ?? m[2]), m[3], s);
    m = /^(\d{4})[\s-]*q([1-4])$/.exec(s);
    if (m) return this.part(3, Number(m[2]), m[1], s);

    if (/^(spring|summer|autumn|fall|winter|monsoon)\b/.test(s)) throw new Refusal('seasons differ by hemisphere and country');

    m = IN_SAID_AT_YEAR.exec(s);
    if (m && MONTH_WORD.test(m[1]) && !/\d{4}/.test(m[1])) {
      const [words, which] = [m[1], m[2]];
      const shift = /next|coming|following/.test(which) ? 1 : /last|previous/.test(which) ? -1 : 0;
      return this.relative(s, (ref) => this.operators(`${words} ${splitDay(ref)[0] + shift}`));
    }

    const relative = this.relativeWords(s);
    if (relative) return relative;

    return this.atom(s);
  }

  /** The n-th half (months = 6) or quarter (3) of a calendar or fiscal year: "H1 2026", "Q3FY26", "the second half of this year". */
  private part(months: number, n: number, of: string, s: string): Span {
    const year = this.operators(of.replace(/^cy\s?/, ''));
    if (year.lo === null || (year.res !== 'year' && year.res !== 'fiscal')) {
      throw new Refusal(`"${s}": a ${months === 6 ? 'half' : 'quarter'} is read only of a calendar or fiscal year`);
    }
    const [y, m] = splitDay(year.lo);
    const [sy, sm] = addMonths(y, m, (n - 1) * months);
    const [ey, em] = addMonths(sy, sm, months - 1);
    return { lo: monthStart(sy, sm), hi: monthEnd(ey, em), res: 'span' };
  }

  /**
   * Fiscal years as the press names them: "FY27", "FY2026-27", "fiscal 2025-26", "the 2025-26
   * fiscal", "2024/25 financial year", "fiscal year 2026", "the current fiscal". A two-year name
   * reads April–March unless the source or caller says otherwise; a single-year name, a fiscal
   * quarter or "the current fiscal" need the source's fiscal year (RULES.md, "Fiscal years").
   */
  private fiscalLabel(s: string): Span | null {
    const t = s.replace(/^the\s+/, '');
    let m: RegExpExecArray | null;
    if ((m = /^fy\s?'?(\d{2})\s?[–\-/]\s?(\d{2}|\d{4})$/.exec(t))) {
      throw new Refusal(`"${s}": FY${m[1]} to FY${m[2]}, or the fiscal year 20${m[1]}–${m[2]}? Write "FY20${m[1]}-${m[2]}" or name both years`);
    }
    m = FISCAL_YEARS.exec(t) ?? YEARS_FISCAL.exec(t);
    if (m) return this.yearRange(Number(m[1]), m[2], s, true);
    if ((m = FISCAL_YEAR.exec(t))) {
      const named = m[1].length === 2 ? (Number(m[1]) >= 50 ? 1900 : 2000) + Number(m[1]) : Number(m[1]);
      return this.fiscalYears(named, named, this.fiscalMonth(s));
    }
    m = RELATIVE_FISCAL.exec(t);
    if (m) {
      const month = this.fiscalMonth(s);
      const n = /next|coming/.test(m[1]) ? 1 : /last|previous/.test(m[1]) ? -1 : 0;
      return this.relative(s, (ref) => {
        const [y, mo] = splitDay(ref);
        const named = (mo >= month ? y + 1 : y) + n;
        return this.fiscalYears(named, named, month);
      });
    }
    return null;
  }

  private third(word: string, x: Span, s: string): Span {
    if (x.lo === null || x.hi === null || (x.res !== 'year' && x.res !== 'month')) {
      throw new Refusal(`"${s}": early/mid/late are read only before a year or a month`);
    }
    const which = /early|beginning|start/.test(word) ? 0 : /mid|middle/.test(word) ? 1 : 2;
    this.conventions.add('thirds');
    const [y, m] = splitDay(x.lo);
    if (x.res === 'year') return { lo: monthStart(y, which * 4 + 1), hi: monthEnd(y, which * 4 + 4), res: 'span' };
    return { lo: day(y, m, which * 10 + 1), hi: which === 2 ? monthEnd(y, m) : day(y, m, which * 10 + 10), res: 'span' };
  }

  private relativeWords(s: string): Span | null {
    let m: RegExpExecArray | null;
    const calendarYear = (ref: Day, n: number): Span => yearSpan(splitDay(ref)[0] + n);
    const calendarMonth = (ref: Day, n: number): Span => {
      const [y, mo] = splitDay(ref);
      const [ny, nm] = addMonths(y, mo, n);
      return monthSpan(ny, nm);
    };
    const shift = (word: string): number => (/next|coming|following/.test(word) ? 1 : /last|previous|past/.test(word) ? -1 : 0);
    if (/^(this|the current|current)\s+decade$/.test(s)) {
      // The calendar decade of said-at (the 2020s: 2020–2029).
      return this.relative(s, (ref) => {
        const start = Math.floor(splitDay(ref)[0] / 10) * 10;
        return { lo: yearStart(start), hi: yearEnd(start + 9), res: 'span' };
      });
    }
    m = /^(next|this|last|the previous|previous|the coming|the following|the current|current)\s+(year|month)$/.exec(s);
    if (m) {
      const n = shift(m[1]);
      const unit = m[2];
      return this.relative(s, (ref) => (unit === 'year' ? calendarYear(ref, n) : calendarMonth(ref, n)));
    }
    m = /^(later|earlier)\s+this\s+(year|month)$/.exec(s);
    if (m) {
      const later = m[1] === 'later';
      const unit = m[2];
      const said = this.saidAt(s);
      const whole = unit === 'year' ? calendarYear(said.lo, 0) : calendarMonth(said.lo, 0);
      const wholeHi = unit === 'year' ? calendarYear(said.hi, 0) : calendarMonth(said.hi, 0);
      return later ? { lo: said.lo, hi: wholeHi.hi, res: 'span' } : { lo: whole.lo, hi: said.hi, res: 'span' };
    }
    if (/^(today|yesterday|tomorrow)$/.test(s)) {
      const n = s === 'yesterday' ? -1 : s === 'tomorrow' ? 1 : 0;
      return this.relative(s, (ref) => ({ lo: addDays(ref, n), hi: addDays(ref, n), res: 'day' }));
    }
    m = /^(a|an|one|\d+|two|three|four|five|six|seven|eight|nine|ten|twenty|twenty-five|thirty|forty|fifty|hundred)\s+(years?|months?|days?)\s+ago$/.exec(s);
    if (m) {
      const words: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twenty: 20, 'twenty-five': 25, thirty: 30, forty: 40, fifty: 50, hundred: 100 };
      const n = /^\d+$/.test(m[1]) ? Number(m[1]) : words[m[1]];
      const unit = m[2].replace(/s$/, '');
      return this.relative(s, (ref) =>
        unit === 'year' ? calendarYear(ref, -n) : unit === 'month' ? calendarMonth(ref, -n) : { lo: addDays(ref, -n), hi: addDays(ref, -n), res: 'day' },
      );
    }
    m = RELATIVE_WEEKDAY.exec(s);
    if (m) {
      const target = weekdayNumber(m[2]);
      const which = m[1];
      if (which === 'this') throw new Refusal('"this <weekday>" can be before or after said-at');
      const past = which === 'last' || (which === undefined && (this.context.direction ?? 'past') === 'past');
      const strict = which !== undefined;
      if (which === undefined) this.conventions.add(past ? 'said-at-past' : 'said-at-future');
      return this.relative(s, (ref) => {
        const wd = weekdayOf(ref);
        let n = past ? -((wd - target + 7) % 7) : (target - wd + 7) % 7;
        if (strict && n === 0) n = past ? -7 : 7;
        const d = addDays(ref, n);
        return { lo: d, hi: d, res: 'day' };
      });
    }
    return null;
  }

  private atom(s: string): Span {
    let text = s;
    // A weekday before a full date is checked, then dropped: "Wednesday, December 24, 2025".
    const weekday = WEEKDAY_FIRST.exec(text);
    let expectedWeekday: number | undefined;
    if (weekday && /\d/.test(weekday[2])) {
      expectedWeekday = weekdayNumber(weekday[1]);
      text = weekday[2];
    }
    // A time of day is dropped; the day is the one written ("Dec 05 2025 | 8:53 PM IST").
    text = text.replace(/(?:\s*[|,.]\s*|\s+)(at\s+)?\d{1,2}[:.]\d{2}(\s*(am|pm|a\.m\.|p\.m\.))?(\s*\(?[a-z]{2,5}\)?)?$/, '').trim();
    const span = this.atomCore(text);
    if (expectedWeekday !== undefined) {
      if (span.res !== 'day' || span.lo === null) throw new Refusal('a weekday goes only with a day');
      if (weekdayOf(span.lo) !== expectedWeekday) throw new Refusal(`${span.lo} is a ${WEEKDAYS[weekdayOf(span.lo)]}, not a ${WEEKDAYS[expectedWeekday]}`);
    }
    return span;
  }

  private atomCore(s: string): Span {
    let m: RegExpExecArray | null;
    if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) return daySpan(Number(m[1]), Number(m[2]), Number(m[3]), s);
    if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
      // One reading everywhere (RULES.md, "Year ranges"): "2025-12" is a month; "2026-27" and
      // "2001-34" are years; "2010-11" could be either and is the years only where a year-range
      // convention is known (the source's fiscal year or the caller's), else refused.
      const [y, nn] = [Number(m[1]), Number(m[2])];
      const ambiguous = ambiguousYearMonth(y, m[2]);
      if (nn >= 1 && nn <= 12 && !ambiguous) return monthSpan(y, nn);
      if (ambiguous && this.context.convention === undefined && this.context.fiscalYear === undefined) {
        throw new Refusal(`"${s}" is ${MONTH_NAMES[nn - 1]} ${y} as ISO and the years ${y}–${m[2]} in the press: write "${MONTH_NAMES[nn - 1]} ${y}" or "${y}–${m[2]}"`);
      }
      return this.yearRange(y, m[2], s, false);
    }
    if ((m = /^(?:year\s+)?(\d{4})$/.exec(s))) return yearSpan(Number(m[1]));
    if ((m = /^(\d{4})\s?(?:[–-]\s?(\d{2}|\d{4})|\/(\d{2}))$/.exec(s))) {
      // "2026/2027" (four digits after a slash) is left to EDTF: an interval of calendar years.
      return this.yearRange(Number(m[1]), m[2] ?? m[3], s, false);
    }
    if ((m = /^(\d{3})0s$/.exec(s))) return { lo: yearStart(Number(m[1]) * 10), hi: yearEnd(Number(m[1]) * 10 + 9), res: 'span' };

    // Day and month in either order, with or without the year.
    if ((m = DAY_MONTH_YEAR.exec(s))) return daySpan(Number(m[3]), monthNumber(m[2]), Number(m[1]), s);
    if ((m = MONTH_DAY_YEAR.exec(s))) return daySpan(Number(m[3]), monthNumber(m[1]), Number(m[2]), s);
    if ((m = MONTH_YEAR.exec(s))) return monthSpan(Number(m[2]), monthNumber(m[1]));
    if ((m = DAYS_MONTH_YEAR.exec(s))) {
      const mo = monthNumber(m[3]);
      const y = Number(m[4]);
      return this.checkedRange(daySpan(y, mo, Number(m[1]), s), daySpan(y, mo, Number(m[2]), s));
    }
    if ((m = MONTH_DAYS_YEAR.exec(s))) {
      const mo = monthNumber(m[1]);
      const y = Number(m[4]);
      return this.checkedRange(daySpan(y, mo, Number(m[2]), s), daySpan(y, mo, Number(m[3]), s));
    }
    if ((m = MONTHS_YEAR.exec(s))) {
      const y = Number(m[3]);
      return this.checkedRange(monthSpan(y, monthNumber(m[1])), monthSpan(y, monthNumber(m[2])));
    }
    if ((m = DAY_MONTH.exec(s)) || (m = MONTH_DAY.exec(s))) {
      const dayFirst = /^\d/.test(s);
      const mo = monthNumber(dayFirst ? m[2] : m[1]);
      const d = Number(dayFirst ? m[1] : m[2]);
      if (d < 1 || d > 31) throw new Refusal(`"${s}" is not a day of the calendar`);
      return this.recurring(s, (y) => (isValidDay(y, mo, d) ? day(y, mo, d) : null), (y) => (isValidDay(y, mo, d) ? day(y, mo, d) : null));
    }
    if ((m = MONTH_ONLY.exec(s))) {
      const mo = monthNumber(m[1]);
      return this.recurring(s, (y) => monthStart(y, mo), (y) => monthEnd(y, mo), 'month');
    }
    if ((m = MONTH_TO_MONTH.exec(s))) {
      // "July-September" without a year: the last (or, read forward, the next) such stretch.
      const [a, b] = [monthNumber(m[1]), monthNumber(m[2])];
      if (a > b) throw new Refusal(`"${s}" runs across a year end; give the years`);
      return this.recurring(s, (y) => monthStart(y, a), (y) => monthEnd(y, b), 'span');
    }
    if (/^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$/.test(s)) throw new Refusal('numeric dates like 04/12/2025 are day-first in some places and month-first in others');
    if (/^[\d\-/.~?%x[\]{},\s:+tz]+$/i.test(s) && /\d{2}[\dx]{2}/i.test(s)) {
      const e = readEdtf(s.toUpperCase()); // EDTF letters (X, T, Z) are upper case; the words were folded
      this.edtf = e.normalized;
      return { lo: e.lo, hi: e.hi, res: 'span' };
    }
    return this.chronoDate(s) ?? (() => {
      throw new Refusal('not a date this parser reads (see RULES.md)');
    })();
  }

  /**
   * Other ways of writing a day or month with its name ("2018 March 18", "09-JAN-2017",
   * "10-August-2012", "Sep-2012", "Dec. 4th, 2025"), read by chrono. Only a reading of the whole
   * text that names a month is kept: no relative words, and a year only as four digits written.
   */
  private chronoDate(s: string): Span | null {
    if (!MONTH_WORD.test(s) || MONTH_DASH_TWO_DIGITS.test(s)) return null; // "Sep-12": the 12th or 2012?
    const results = chronoGB.parse(s, { instant: new Date(Date.UTC(2000, 0, 1)), timezone: 0 });
    if (results.length !== 1) return null;
    const [r] = results;
    const c = r.start;
    if (r.index !== 0 || r.text.length !== s.length || r.end || !c.isCertain('month')) return null;
    if ([...c.tags()].some((t) => t.startsWith('result/relative'))) return null;
    const month = c.get('month')!;
    const dayOfMonth = c.isCertain('day') ? c.get('day')! : undefined;
    let span: Span;
    if (c.isCertain('year')) {
      const y = c.get('year')!;
      if (!new RegExp(`(^|[^\\d])${y}([^\\d]|$)`).test(s)) return null;
      span = dayOfMonth === undefined ? monthSpan(y, month) : daySpan(y, month, dayOfMonth, s);
    } else if (dayOfMonth !== undefined) {
      span = this.recurring(s, (y) => (isValidDay(y, month, dayOfMonth) ? day(y, month, dayOfMonth) : null), (y) => (isValidDay(y, month, dayOfMonth) ? day(y, month, dayOfMonth) : null));
    } else {
      span = this.recurring(s, (y) => monthStart(y, month), (y) => monthEnd(y, month), 'month');
    }
    if (c.isCertain('weekday') && span.res === 'day' && weekdayOf(span.lo!) !== c.get('weekday')) {
      throw new Refusal(`${span.lo} is a ${WEEKDAYS[weekdayOf(span.lo!)]}, not a ${WEEKDAYS[c.get('weekday')!]}`);
    }
    return span;
  }

  private checkedRange(a: Span, b: Span): Span {
    if (a.lo === null || b.hi === null || a.lo > b.hi) throw new Refusal('the range runs backwards');
    return { lo: a.lo, hi: b.hi, res: 'span' };
  }

  /** A month or day without a year: the last one on or before said-at, or the next one on or after. */
  private recurring(s: string, start: (y: number) => Day | null, end: (y: number) => Day | null, res: Resolution = 'day'): Span {
    const past = (this.context.direction ?? 'past') === 'past';
    this.conventions.add(past ? 'said-at-past' : 'said-at-future');
    return this.relative(s, (ref) => {
      const [y0] = splitDay(ref);
      // Feb 29 may be up to 8 years away; search a little wider than that.
      for (let k = 0; k <= 8; k += 1) {
        const y = past ? y0 - k : y0 + k;
        if (!isValidYear(y)) break;
        const a = start(y);
        const b = end(y);
        if (a === null || b === null) continue;
        if (past ? a <= ref : b >= ref) return { lo: a, hi: b, res };
      }
      throw new Refusal(`no such day near said-at for "${s}"`);
    });
  }

  /**
   * "2026–27", "2009–13", "FY2026-27": calendar years by default; one fiscal year where the words
   * say fiscal or the source keeps a fiscal year (two consecutive years only: "2009–13" stays a
   * span of calendar years); every range by the caller's convention when one is given.
   */
  private yearRange(start: number, endText: string, s: string, fiscalWords: boolean): Span {
    const end = endText.length === 4 ? Number(endText) : laterYear(start, endText);
    if (end === null || end <= start) throw new Refusal(`"${s}": the second year must come after the first`);
    if (!isValidYear(start) || !isValidYear(end)) throw new Refusal('year out of range');
    if (fiscalWords) {
      if (end !== start + 1) throw new Refusal(`"${s}": a fiscal year spans two consecutive years; is this FY${start} to FY${end}, or April ${start} to March ${end}?`);
      return this.fiscalYears(end, end, this.fiscalMonth(s, FISCAL_MONTH.april));
    }
    const convention = this.context.convention;
    if (convention !== undefined && convention !== 'calendar-years') return this.fiscalYears(start + 1, end, this.fiscalMonth(s));
    if (convention === undefined && this.context.fiscalYear !== undefined && end === start + 1) return this.fiscalYears(end, end, this.fiscalMonth(s));
    this.conventions.add('calendar-years');
    return { lo: yearStart(start), hi: yearEnd(end), res: 'span' };
  }
}

/** Reads date words (or EDTF) into day bounds. Throws Refusal with a reason. */
export function readDateWords(original: string, context: DateContext = {}): DateReading {
  const folded = foldWords(original).replace(/\s*\|\s*/g, ' | ');
  const reader = new Reader(context);
  const span = reader.read(folded);
  if (span.lo === null && span.hi === null) throw new Refusal('no bounds at all');
  return { lo: span.lo, hi: span.hi, conventions: [...reader.conventions], edtf: reader.edtf };
}
