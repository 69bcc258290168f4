import { stemmer } from 'stemmer';

/** A stretch of a source's text, [start, end) in UTF-16 code units: the unit quote selectors count in. */
export interface Span {
  start: number;
  end: number;
}

export interface Sentence extends Span {
  /** 0-based line of the text it stands on (a headline is line 0 when the text starts with one). */
  paragraph: number;
  /** The sentence's clauses, in order, covering it. */
  clauses: Span[];
}

/** A sentence longer than this is cut at a space: no quote is that long, and it bounds each step's work. */
export const MAX_SENTENCE = 2000;

/** Words before a full stop that do not end a sentence (titles, "Rs.", initials are checked apart). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'gen', 'lt', 'col', 'maj', 'capt', 'cmdr', 'adm', 'brig', 'sgt', 'gov', 'sen', 'rep', 'st',
  'no', 'nos', 'rs', 're', 'vs', 'approx', 'est', 'fig', 'inc', 'ltd', 'co', 'corp', 'dept', 'govt', 'min', 'max', 'mt', 'ft',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'e.g', 'i.e', 'cf', 'al',
]);

/** Where one sentence may end: terminal punctuation, closing quotes, then space and a capital, digit or opening quote. */
const SENTENCE_END = /[.!?]+["”’')\]]*(?=\s+["“‘(]?[\p{Lu}\p{N}])/gu;

/**
 * The text's sentences, line by line. A line break always ends a sentence (headlines and page
 * furniture have no full stop); a full stop after an abbreviation or an initial does not.
 */
export function sentencesOf(text: string): Sentence[] {
  return [...sentencesIn(text)];
}

/** sentencesOf one sentence at a time, reading no further into the text than it must (a line, at most MAX_SENTENCE characters at once). */
export function* sentencesIn(text: string): Generator<Sentence> {
  const lines = /[^\r\n]+/g;
  let paragraph = 0;
  for (let line = lines.exec(text); line; line = lines.exec(text)) {
    const lineStart = line.index;
    const body = line[0];
    let from = 0;
    const sentenceEnd = new RegExp(SENTENCE_END.source, SENTENCE_END.flags);
    for (let end = sentenceEnd.exec(body); end; end = sentenceEnd.exec(body)) {
      if (!endsSentence(body, end.index)) continue;
      yield* sentencesAt(text, lineStart + from, lineStart + end.index + end[0].length, paragraph);
      from = end.index + end[0].length;
    }
    yield* sentencesAt(text, lineStart + from, lineStart + body.length, paragraph);
    paragraph += 1;
  }
}

function endsSentence(line: string, stopAt: number): boolean {
  if (line[stopAt] !== '.') return true;
  const word = /([\p{L}.]+)$/u.exec(line.slice(Math.max(0, stopAt - 12), stopAt))?.[1] ?? '';
  if (/^\p{Lu}$/u.test(word)) return false; // an initial: "A. P. Singh"
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return false; // "U.S", "e.g"
  return !ABBREVIATIONS.has(word.toLowerCase());
}

function* sentencesAt(text: string, start: number, end: number, paragraph: number): Generator<Sentence> {
  const span = trimmed(text, start, end);
  for (let from = span.start; from < span.end; ) {
    let to = span.end;
    if (to - from > MAX_SENTENCE) {
      const space = text.lastIndexOf(' ', from + MAX_SENTENCE);
      to = space > from ? space : from + MAX_SENTENCE;
    }
    const piece = trimmed(text, from, to);
    if (piece.end > piece.start) yield { ...piece, paragraph, clauses: clausesOf(text, piece) };
    from = to;
  }
}

/** The span without leading and trailing white space. */
export function trimmed(text: string, start: number, end: number): Span {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s]!)) s += 1;
  while (e > s && /\s/.test(text[e - 1]!)) e -= 1;
  return { start: s, end: e };
}

/**
 * Where a sentence divides into clauses: semicolons, spaced dashes, and a comma before a word that
 * opens a new clause ("…, while …", "…, which …", "…, according to …").
 */
const CLAUSE_BREAK = /;\s+|\s+[—–-]\s+|,\s+(?=(?:while|whereas|but|and|which|who|where|when|although|though|after|before|as|with|since|because|leaving|according to|said|says|officials said|sources said)\b)/g;

function clausesOf(text: string, sentence: Span): Span[] {
  const body = text.slice(sentence.start, sentence.end);
  const clauses: Span[] = [];
  let from = 0;
  // Two spaced dashes set off an aside ("the pending deliveries - two of the five - are expected"): one clause.
  const aside = (body.match(/\s[—–-]\s/g) ?? []).length >= 2;
  CLAUSE_BREAK.lastIndex = 0;
  for (let m = CLAUSE_BREAK.exec(body); m; m = CLAUSE_BREAK.exec(body)) {
    if (aside && /[—–-]/.test(m[0])) continue;
    clauses.push(trimmed(text, sentence.start + from, sentence.start + m.index));
    from = m.index + m[0].length;
  }
  clauses.push(trimmed(text, sentence.start + from, sentence.end));
  return clauses.filter((c) => c.end > c.start);
}

/** A quote shorter than this many words says too little on its own: it takes in its neighbour. */
export const MIN_QUOTE_WORDS = 6;

/**
 * The smallest quotable span around `value`: its clause, joined with neighbouring clauses of the same
 * sentence until it has MIN_QUOTE_WORDS words, without a trailing comma, colon or semicolon.
 */
export function quoteSpan(text: string, sentence: Sentence, value: Span): Span {
  const { clauses } = sentence;
  let first = clauses.findIndex((c) => c.end > value.start);
  if (first === -1) first = clauses.length - 1;
  let last = first;
  while (last < clauses.length - 1 && clauses[last]!.end < value.end) last += 1;
  const words = (): number => wordCount(text.slice(clauses[first]!.start, clauses[last]!.end));
  while (words() < MIN_QUOTE_WORDS && (first > 0 || last < clauses.length - 1)) {
    if (first > 0) first -= 1;
    else last += 1;
  }
  let end = clauses[last]!.end;
  while (end > value.end && /[,;:]/.test(text[end - 1]!)) end -= 1;
  return { start: Math.min(clauses[first]!.start, value.start), end: Math.max(end, value.end) };
}

export function wordCount(s: string): number {
  return s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** A word of running text, keyed for matching: lower case, inner hyphens and dots dropped, stemmed. */
export interface Token {
  key: string;
  /** The word as written. */
  word: string;
  start: number;
  end: number;
  /** Its place among the words of the text it was read from (distances are counted in words). */
  index: number;
}

const WORD = /[\p{L}\p{N}]+(?:[-–.'’][\p{L}\p{N}]+)*/gu;

/** Function words that say nothing about which claim a passage is about. */
const STOP_WORDS = new Set(
  ('a an the and or but nor of to in on at by for from with without as is are was were be been being has have had do does did ' +
    'it its it\'s this that these those there their they them he him his she her we our you your i me my who whom whose which what ' +
    'when where why how not no yes so than then too very also just only even about into over under after before again ' +
    'further once here all any both each few more most other some such own same can will would shall should could may might must according ' +
    'said says say told per cent percent up down out off against between through during above below until while if because ' +
    'now new one two three four five six seven eight nine ten year years month months day days week weeks ' +
    'mr mrs ms dr s').split(' '),
);

/**
 * Words news copy uses for the same idea, each group read as one key: "pending", "outstanding" and
 * "remaining" units; units called squadrons, regiments or batteries; a "deal" or an "order" for a
 * contract. Without them a claim's predicate matches only the wording it happened to be given.
 */
const SAME_IDEA: Record<string, readonly string[]> = {
  remain: ['remaining', 'remain', 'pending', 'outstanding', 'still', 'yet', 'left', 'balance', 'rest', 'last'],
  deliver: ['delivered', 'deliver', 'delivery', 'deliveries', 'received', 'receive', 'inducted', 'induction', 'arrived', 'arrive', 'arrival', 'handed', 'supplied', 'supply', 'operational', 'deployed', 'service'],
  contract: ['contract', 'contracted', 'ordered', 'order', 'deal', 'bought', 'signed', 'sign', 'inked'],
  unit: ['unit', 'units', 'squadron', 'regiment', 'battery', 'batteries', 'system'],
  held: ['held', 'hold', 'hosted', 'host', 'convened', 'met', 'meeting', 'visit', 'visited'],
  plan: ['planned', 'plan', 'scheduled', 'schedule', 'due', 'expected', 'likely', 'slated', 'upcoming', 'forthcoming', 'next'],
  value: ['value', 'valued', 'worth', 'cost', 'priced'],
  india: ['indian'],
  russia: ['russian'],
};

const IDEA_OF = new Map<string, string>(Object.entries(SAME_IDEA).flatMap(([idea, words]) => words.map((w): [string, string] => [stemmer(w), idea])));

/** Words recur: their keys are kept (the stemmer is most of the cost of reading a text's words). */
const KEYS = new Map<string, string | null>();
const KEYS_KEPT = 50_000;

/** The key a word is matched by, or null for a function word. */
export function wordKey(word: string): string | null {
  let key = KEYS.get(word);
  if (key === undefined) {
    if (KEYS.size >= KEYS_KEPT) KEYS.clear();
    KEYS.set(word, (key = keyOf(word)));
  }
  return key;
}

function keyOf(word: string): string | null {
  const lower = word.toLowerCase().replace(/['’]s$/, '');
  if (STOP_WORDS.has(lower)) return null;
  const joined = lower.replace(/[-–.'’]/g, '');
  if (joined.length < 2 && !/\d/.test(joined)) return null;
  if (/\d/.test(joined)) return joined;
  const stem = stemmer(joined);
  return IDEA_OF.get(stem) ?? stem;
}

/** A proper name's word or a figure ("S-400", "Belousov", "2018"), as against a common word. */
export function isNameLike(word: string): boolean {
  return /^\p{Lu}/u.test(word) || /\d/.test(word);
}

/** The matching words of `text` (stop words left out, positions kept). */
export function tokensOf(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    // Two names joined ("India-Russia", "Modi–Putin") are the two names; "S-400" and "co-production" stay one word.
    const parts = /^\p{Lu}\p{L}+(?:[-–]\p{Lu}\p{L}+)+$/u.test(m[0]) ? [...m[0].matchAll(/\p{L}+/gu)] : [Object.assign([m[0]], { index: 0 })];
    for (const part of parts) {
      const key = wordKey(part[0]);
      const start = offset + m.index + part.index!;
      if (key !== null) tokens.push({ key, word: part[0], start, end: start + part[0].length, index });
      index += 1;
    }
  }
  return tokens;
}
