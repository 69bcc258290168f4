import { foldWords } from '../values/quantity.js';
import { leadingModifier, trailingModifier } from '../values/modifiers.js';
import type { Value } from '../values/value.js';
import type { Span } from './text.js';

export type FoundType = 'date' | 'quantity' | 'count';

/** A value stated in running text: where its words stand and what the value reader made of them. */
export interface ValueMention extends Span {
  type: FoundType;
  /** The words as written, e.g. "by August 2026", "over Rs 35,000 crore", "five squadrons". */
  text: string;
  value: Value;
}

/** Words the value reader could not read: shown to the editor, never guessed at. */
export interface UnreadValue extends Span {
  type: FoundType;
  text: string;
  reason: string;
}

/**
 * Reads words as a value of a type, in the context of where they stand (said-at, tense); returns
 * the value or the reader's reason for refusing it. The finder never reads values itself: every
 * phrase it finds goes through the domain's own reader (parseValue), so suggestions follow its rules.
 */
export type ReadAt = (type: FoundType, words: string, at: number) => Value | { refused: string };

const cap = (word: string): string => `[${word[0]}${word[0]!.toUpperCase()}]${word.slice(1)}`;
const anyCase = (words: string[]): string => words.map(cap).join('|');

const MONTH = '(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?)';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';
const YEAR = '(?:1[89]\\d\\d|20\\d\\d)';
const WEEKDAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const NOT_IN_WORD = '(?<![\\p{L}\\p{N}$₹£€])';
const END = '(?![\\p{L}\\p{N}])';
/** A year said-at names ("next year", "the current year", "the year"); read only inside a part of it ("the second half of the year"). */
const SAID_AT_YEAR = `(?:(?:${anyCase(['next', 'last', 'this', 'previous'])})\\s+year|${anyCase(['the'])}\\s+(?:current|previous)\\s+year|${anyCase(['the'])}\\s+year)`;
/** The same, or a month or decade said-at names ("the end of the month", "by the end of the decade"). */
const SAID_AT_PERIOD = `(?:${SAID_AT_YEAR}|(?:${anyCase(['next', 'last', 'this', 'the'])})\\s+(?:month|decade))`;
const SMALL_NUMBER = 'a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|twenty-five|thirty|forty|fifty|\\d+';

/** Date words, longest forms first at any one place (the regex engine takes the first that matches). */
const DATE = new RegExp(
  NOT_IN_WORD +
    '(?:' +
    [
      '\\d{4}-\\d{2}-\\d{2}',
      `${DAY}\\s*[–-]\\s*${DAY}\\s+${MONTH},?\\s+${YEAR}`,
      `${MONTH}\\s+${DAY}\\s*[–-]\\s*${DAY},?\\s+${YEAR}`,
      `(?:${WEEKDAY},?\\s+)?${DAY}\\s+(?:of\\s+)?${MONTH},?\\s+${YEAR}`,
      `(?:${WEEKDAY},?\\s+)?${MONTH}\\s+${DAY},?\\s+${YEAR}`,
      `${MONTH}\\s*[–-]\\s*${MONTH},?\\s+${YEAR}`,
      `${MONTH},?\\s+(?:of\\s+)?${YEAR}`,
      `(?:${anyCase(['early', 'mid', 'late'])})[\\s-]+(?:${MONTH}\\s+)?${YEAR}`,
      `(?:${anyCase(['the', ''].filter(Boolean))}\\s+)?(?:beginning|start|middle|end)\\s+of\\s+(?:${MONTH}\\s+)?${YEAR}`,
      `(?:${anyCase(['early', 'mid', 'late'])})[\\s-]+${MONTH}`,
      `(?:${anyCase(['the'])}\\s+)?(?:${anyCase(['first', 'second', 'third', 'fourth', 'last'])}|1st|2nd|3rd|4th)\\s+quarter\\s+(?:of\\s+)?${YEAR}`,
      `(?:${anyCase(['the'])}\\s+)?(?:${anyCase(['first', 'second'])})\\s+half\\s+(?:of\\s+)?${YEAR}`,
      // Parts of a year said-at names: the reader knows them (RULES.md, relative words), and the year alone would be wider than written.
      `(?:${anyCase(['the'])}\\s+)?(?:${anyCase(['first', 'second', 'third', 'fourth', 'last'])}|1st|2nd|3rd|4th)\\s+quarter\\s+of\\s+${SAID_AT_YEAR}`,
      `(?:${anyCase(['the'])}\\s+)?(?:${anyCase(['first', 'second'])})\\s+half\\s+of\\s+${SAID_AT_YEAR}`,
      `(?:${anyCase(['the'])}\\s+)?(?:beginning|start|middle|end)\\s+of\\s+${SAID_AT_PERIOD}`,
      `(?:${anyCase(['early', 'mid', 'late'])})-(?:next|this|last)\\s+year`,
      `(?:${anyCase(['the'])}\\s+)?year-end(?:\\s+${YEAR})?`,
      `${anyCase(['end'])}-(?:${MONTH}\\s+)?${YEAR}`,
      `${MONTH}-end(?:,?\\s+${YEAR})?`,
      `${MONTH}-${YEAR}`,
      `${YEAR}-end`,
      // A day or month without its year, in the year said-at names ("by March next year", "on 4th December last year").
      `(?:${DAY}\\s+(?:of\\s+)?${MONTH}|${MONTH}\\s+${DAY}|${MONTH})\\s+(?:next|last|this)\\s+year`,
      `Q[1-4]\\s*${YEAR}`,
      `${YEAR}\\s*Q[1-4]`,
      `H[12]\\s*${YEAR}`,
      `FY\\s?'?${YEAR}\\s?[–/-]\\s?(?:\\d{4}|\\d{2})`,
      `${YEAR}\\s?[–-]\\s?${YEAR}`,
      `${YEAR}\\s?[–/-]\\s?\\d{2}(?![\\d-])`,
      `(?:${anyCase(['the'])}\\s+)?(?:1[89]|20)\\d0s`,
      `${DAY}\\s+(?:of\\s+)?${MONTH}`,
      `${MONTH}\\s+${DAY}(?!\\d)`,
      `(?:${anyCase(['next', 'last', 'this', 'previous'])}|${anyCase(['the'])}\\s+(?:coming|following|previous|current))\\s+(?:year|month)`,
      `(?:${anyCase(['later', 'earlier'])})\\s+this\\s+(?:year|month)`,
      `(?:${anyCase(['today', 'yesterday', 'tomorrow'])})`,
      `(?:${SMALL_NUMBER})\\s+(?:years?|months?|days?)\\s+ago`,
      `(?:(?:${anyCase(['last', 'next'])})\\s+)?${WEEKDAY}`,
      YEAR,
      MONTH,
    ].join('|') +
    `)${END}`,
  'gu',
);

/**
 * Date words that are a date only in some company, each with what the text before them must (or
 * must not) end with: a month named alone after "in", "by"… (else a verb or a name: "May the talks
 * go well"); "year-end" alone after "by", "until"… (else an adjective: "its year-end review"); a
 * year joined to a word by a hyphen is part of a name ("the Army-2026 forum"; "mid-2026" and
 * "end-2026" are read whole before).
 */
const DATE_ONLY_AFTER: readonly { words: RegExp; before: RegExp; needed: boolean }[] = [
  { words: new RegExp(`^${MONTH}$`, 'u'), before: /\b(in|by|since|until|till|from|before|after|during|of|early|mid|late|end|last|next|this)\s*$/i, needed: true },
  { words: /^(?:the\s+)?year-end$/i, before: /\b(by|until|till|before|after|at|around|from|since|through|to)\s*$/i, needed: true },
  { words: /^(?:1[89]|20)\d\d$/, before: /\p{L}[-–]$/u, needed: false },
];

/** Whether date words found at `at` are a date where they stand (DATE_ONLY_AFTER). */
function dateWhereItStands(text: string, span: Span, words: string, at: number): boolean {
  return DATE_ONLY_AFTER.every((rule) => !rule.words.test(words) || rule.before.test(text.slice(span.start, at)) === rule.needed);
}

const CURRENCY_BEFORE = '(?:US\\$|A\\$|C\\$|S\\$|HK\\$|\\$|₹|€|£|₽|Rs\\.?|Re\\.?|INR|USD|EUR|GBP|RUB|CNY|JPY)';
const NUMBER = '(?:\\d{1,3}(?:,\\d{2,3})+|\\d+)(?:\\.\\d+)?';
const SCALE = '(?:thousand|million|billion|trillion|lakh|lakhs|lac|crore|crores|bn|mn|mln|bln|tn|trn|cr|m|b|k)';
const CURRENCY_AFTER = '(?:US dollars|dollars|dollar|rupees|rupee|euros|roubles|rubles|yuan|yen|USD|INR|EUR|RUB)';
const UNIT_AFTER = '(?:%|per\\s?cent|percentage points?|basis points?|bps|km|kilometres|kilometers|tonnes|MW|GW|barrels|kg)';
const DURATION = '(?:years|months|weeks|days|decades)';
const NUMBER_WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const WORD_NUMBER = `(?:${anyCase(NUMBER_WORDS)})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?`;

/** Money, percentages, named units and durations: a number with its unit on either side. */
const QUANTITY = new RegExp(
  NOT_IN_WORD +
    '(?:' +
    [
      `${CURRENCY_BEFORE}\\s?${NUMBER}(?:[\\s-]?${SCALE}${END})*`,
      `(?:${NUMBER}|${WORD_NUMBER})(?:\\s?${SCALE})*\\s?${CURRENCY_AFTER}`,
      `(?:${NUMBER}|${WORD_NUMBER})[\\s-]?${UNIT_AFTER}`,
      `(?:${NUMBER}|${WORD_NUMBER})\\s${DURATION}(?!\\s+ago)`,
    ].join('|') +
    `)${END}`,
  'gu',
);

/** A whole number standing alone (not part of a name like S-400 or Su-30MKI, a decimal, an ordinal or a compound like "four-day"). */
const COUNT = new RegExp(`(?<![\\p{L}\\p{N}$₹£€.,][-–]?)(?:\\d{1,3}(?:,\\d{3})+|\\d+|${WORD_NUMBER})(?![\\p{L}\\p{N}]|[.,]\\d|-\\p{L}|-\\d)`, 'gu');

/** Words after a number that end the counted noun. */
const NOUN_STOP = new Set(
  ('of the a an and or but to in on at for with by from into over under against than as so that which who whom whose ' +
    'have has had are is was were be been being will would could should may might can must do does did said says say told ' +
    'each more most also already now still only just then there here this these those their its it they he she we were ' +
    'per cent percent including across between among after before during since until while when where if about around ' +
    'later earlier ago remain remains arrive arrives reach reaches come comes stand stands continue continues include includes ' +
    'cost costs make makes take takes need needs face faces get gets join joins seem seems appear appears become becomes').split(' '),
);

/**
 * Every value stated in `text` within `span`, as the value reader reads it. Money, percentages and
 * units are looked for first, then dates, then counts, each in what the others left; `taken` spans
 * (a said-at such as "said on Wednesday") are left alone.
 */
export function findValues(text: string, span: Span, read: ReadAt, taken: Span[] = []): { found: ValueMention[]; unread: UnreadValue[] } {
  const found: ValueMention[] = [];
  const unread: UnreadValue[] = [];
  const busy = [...taken];
  const free = (s: Span): boolean => !busy.some((b) => b.start < s.end && s.start < b.end);
  const body = text.slice(span.start, span.end);

  const accept = (type: FoundType, tries: Span[]): void => {
    let refused: string | null = null;
    for (const t of tries) {
      if (!free(t)) continue;
      const words = text.slice(t.start, t.end);
      const value = read(type, words, t.start);
      if ('refused' in value) {
        refused ??= value.refused;
        continue;
      }
      found.push({ type, start: t.start, end: t.end, text: words, value });
      busy.push(t);
      return;
    }
    const first = tries[0]!;
    unread.push({ type, start: first.start, end: first.end, text: text.slice(first.start, first.end), reason: refused ?? 'not read' });
    busy.push(first);
  };

  for (const m of body.matchAll(QUANTITY)) {
    const core = { start: span.start + m.index, end: span.start + m.index + m[0].length };
    if (!free(core)) continue;
    // A modifier changes the bounds, so a quantity is read with it or not at all.
    accept('quantity', [withModifiers(text, span, wholeCompound(text, span, core))]);
  }

  for (const m of body.matchAll(DATE)) {
    let core = { start: span.start + m.index, end: span.start + m.index + m[0].length };
    if (!free(core)) continue;
    if (!dateWhereItStands(text, span, m[0], core.start)) continue;
    core = joinedRange(text, span, core, busy);
    accept('date', dateTries(text, span, core));
  }

  for (const m of body.matchAll(COUNT)) {
    const core = { start: span.start + m.index, end: span.start + m.index + m[0].length };
    if (!free(core)) continue;
    if (/^(1[89]|20)\d\d$/.test(m[0])) continue; // a year the date finder did not take is no count either
    accept('count', countTries(text, span, core));
  }

  found.sort((a, b) => a.start - b.start);
  unread.sort((a, b) => a.start - b.start);
  return { found, unread };
}

/** Up to `n` whole words before `at` (within the span), nearest last, with their start offsets. */
function wordsBefore(text: string, span: Span, at: number, n: number): { start: number; word: string }[] {
  // A few words are never more than this many characters: look no further back (the span may be long).
  const from = Math.max(span.start, at - 24 * n);
  const words = [...text.slice(from, at).matchAll(/[^\s]+/g)].map((m) => ({ start: from + m.index, word: m[0] }));
  // The first word may be cut by the window: keep it only when it starts at the window's edge or after a space.
  if (words.length > 0 && from > span.start && words[0]!.start === from && !/\s/.test(text[from - 1]!)) words.shift();
  return words.slice(-n);
}

/** Extends a number leftwards over a modifier the value reader knows ("more than", "about", "nearly"), and rightwards over "or more". */
/** What may be joined on to a figure: a second figure ("$5–6 billion") or a word ("40,000-odd", "crore-plus"), with their units. */
const JOINED_ON = new RegExp(
  `^(?:[-–]\\s?(?:${CURRENCY_BEFORE}\\s?)?${NUMBER}|-\\p{L}+)(?:[\\s-]?${SCALE}${END}|\\s?${CURRENCY_AFTER}${END}|\\s?${UNIT_AFTER})*`,
  'u',
);

/**
 * A figure with more joined on to it is read whole or not at all: "Rs 40,000-odd crore" must not
 * become the forty thousand rupees of "Rs 40,000".
 */
function wholeCompound(text: string, span: Span, core: Span): Span {
  let end = core.end;
  for (let joined = JOINED_ON.exec(text.slice(end, span.end)); joined; joined = JOINED_ON.exec(text.slice(end, span.end))) end += joined[0].length;
  return { start: core.start, end };
}

function withModifiers(text: string, span: Span, core: Span): Span {
  let result = core;
  const coreWords = foldWords(text.slice(core.start, core.end));
  const before = wordsBefore(text, span, core.start, 4);
  for (let k = before.length; k >= 1; k -= 1) {
    const start = before[before.length - k]!.start;
    const gap = text.slice(start, core.start);
    if (/[,;:()"“”]/.test(gap)) continue;
    const lead = leadingModifier(foldWords(text.slice(start, core.end)));
    if (lead && lead.rest === coreWords) {
      result = { start, end: core.end };
      break;
    }
  }
  const after = /^\s+(or more|or less|or so|or fewer|or above|and above|and more|or over)\b|^\+/.exec(text.slice(core.end, span.end));
  if (after) {
    const end = core.end + after[0].length;
    if (trailingModifier(foldWords(text.slice(result.start, end)))) result = { start: result.start, end };
  }
  return result;
}

/** "from X to Y", "between X and Y", "X to Y", "X–Y" as one date range when both ends are dates. */
function joinedRange(text: string, span: Span, core: Span, busy: Span[]): Span {
  const rest = text.slice(core.end, span.end);
  const link = /^\s*(?:–|-|to|until|till|through|and)\s*/.exec(rest);
  if (!link) return core;
  const next = new RegExp(DATE.source, 'yu');
  next.lastIndex = core.end + link[0].length;
  const other = next.exec(text);
  if (!other || other.index + other[0].length > span.end) return core;
  const end = other.index + other[0].length;
  if (busy.some((b) => b.start < end && core.start < b.end && b.start >= core.end)) return core;
  const joiner = link[0].trim();
  const opener = /\b(from|between)\s+$/i.exec(text.slice(span.start, core.start));
  if (joiner === 'and' && !(opener && /between/i.test(opener[1]!))) return core;
  return { start: opener ? core.start - opener[0].length : core.start, end };
}

/**
 * The readings to try for date words, longest first: with up to five words before them ("by",
 * "no later than", "by the end of", "sometime in"), then the words alone. A word that leaves the
 * bounds unchanged ("in 2026", "on Friday") is left out of the value words.
 */
function dateTries(text: string, span: Span, core: Span): Span[] {
  const tries: Span[] = [];
  const before = wordsBefore(text, span, core.start, 5);
  for (let k = before.length; k >= 1; k -= 1) {
    const start = before[before.length - k]!.start;
    if (!DATE_OPERATOR.test(text.slice(start, core.start))) continue;
    tries.push({ start, end: core.end });
  }
  tries.push(core);
  return tries.map((t) => withoutFiller(text, t, core));
}

/** Words before date words that belong to the value: "by", "no later than", "by the end of", "sometime in". */
const DATE_OPERATOR = new RegExp(
  '^(?:(?:' +
    [
      'by the end of', 'by end of', 'by the close of', 'at the latest by', 'no later than', 'not later than', 'no earlier than', 'not earlier than',
      'on or before', 'on or after', 'not before', 'not after', 'prior to', 'earlier than', 'later than', 'up to', 'up until', 'the end of',
      'the beginning of', 'the start of', 'the middle of', 'end of', 'beginning of', 'start of', 'middle of', 'sometime in', 'some time in',
      'starting in', 'starting from', 'beginning in', 'by', 'before', 'after', 'until', 'till', 'from', 'since', 'through', 'between', 'around',
      'about', 'circa', 'approximately', 'roughly', 'starting', 'early', 'mid', 'late',
    ].join('|') +
    ')\\s+)?(?:(?:in|on|during|the)\\s+)?$',
  'i',
);

const FILLER = /^(?:in|on|during|at|the|sometime in|some time in|dated)\s+/i;

function withoutFiller(text: string, t: Span, core: Span): Span {
  let start = t.start;
  for (let filler = FILLER.exec(text.slice(start, t.end)); filler && start + filler[0].length <= core.start; filler = FILLER.exec(text.slice(start, t.end))) {
    start += filler[0].length;
  }
  return { start, end: t.end };
}

/** A count with its noun ("five squadrons", "two outstanding S-400 units"), shorter nouns next, then the number alone. */
function countTries(text: string, span: Span, core: Span): Span[] {
  const start = withModifiers(text, span, core).start;
  const nouns: number[] = [];
  const after = text.slice(core.end, span.end);
  const word = /^\s+([\p{L}\p{N}][\p{L}\p{N}'’-]*)/u;
  let offset = 0;
  let previous = '';
  for (let i = 0; i < 4; i += 1) {
    const m = word.exec(after.slice(offset));
    if (!m || NOUN_STOP.has(m[1]!.toLowerCase()) || /ly$/i.test(m[1]!)) break;
    // A name after a plural noun begins the next clause ("the five squadrons India contracted"; not "two outstanding S-400 units").
    if (/^\p{Ll}+s$/u.test(previous) && /^\p{Lu}/u.test(m[1]!)) break;
    previous = m[1]!;
    offset += m[0].length;
    // A participle or verb ends the noun unless a noun follows it ("five contracted units", not "five units ordered").
    if (!/(ed|ing)$/i.test(m[1]!)) nouns.push(core.end + offset);
  }
  return [...nouns.reverse().map((end) => ({ start, end })), { start, end: core.end }];
}
