import { assertionContext } from '../claim/claim.js';
import type { Modality } from '../events/events.js';
import { QuoteOccurrences, type QuoteSelector, selectorAt } from '../quote/quote.js';
import { compareValues } from '../values/compare.js';
import type { FiscalYearStart } from '../values/dates.js';
import { parseDate, parseValue } from '../values/parse.js';
import { UnparseableValue, type Comparison, type DateValue, type DayBounds, type Value, type ValueType } from '../values/value.js';
import { type Cues, cuesOf } from './cues.js';
import { findValues, type FoundType, type ReadAt, type UnreadValue, type ValueMention } from './find-values.js';
import { type CandidateClaim, ClaimIndex, contextOf, recordedIn, type TrackedClaim } from './match.js';
import { quoteSpan, type Sentence, sentencesIn, type Span, type Token, tokensOf, wordKey } from './text.js';

/** A headline has no full stop; a sentence of the story has one. */
const PROSE_END = /[.!?]["”’)]?\s*$/u;
/** A count that is who spoke: right before the verb ("two officials said"), or people the verb comes to ("two people familiar with the matter said"). */
const SAYS = '(?:said|say|says|told|stated)';
const SPEAKS_NEXT = new RegExp(`^\\s+${SAYS}\\b`);
const PEOPLE_WHO_SPEAK = /^\S+\s+(?:\S+\s+)?(?:people|persons|officials|sources|diplomats|executives|analysts|experts|spokespersons|lawmakers)\b/i;
const SPEAK_LATER = new RegExp(`^[^.;:]*?\\b${SAYS}\\b`);
/** A dateline on a line of its own ("New Delhi:", "MOSCOW"): a place, not the story's first sentence. */
const DATELINE_ALONE = /^(?:[\p{Lu}][\p{L}.'’-]*\s*){1,3}:?\s*$/u;
/** An interview's lines: "Q: …" asks, "A: …" answers it. */
const QUESTION_LINE = /^Q[:.]\s/;
const ANSWER_LINE = /^A[:.]\s/;
/** Who an interview is with, as its title names them ("…: an interview with Air Marshal (retd) K. Menon"). */
function intervieweeOf(title: string | null): { name: string; words: string } | null {
  const m = title ? /\binterview with (\p{Lu}[^,:;]{1,80}?)\s*$/u.exec(title) : null;
  return m ? { name: m[1]!, words: m[0] } : null;
}

/** A sentence that asks. */
const ASKS = /\?["”’)]*\s*$/u;
/** "two of the five units": the five are the whole, as contracted. */
const OF_THE = /\bof\s+(?:the|its|their)\s+$/i;

/** Words a value's place says of it beyond its words: a plan when it lies ahead, a contract when it is the whole of a part ("two of the five"). */
function impliedWords(text: string, mention: ValueMention, ahead: boolean): string[] {
  const implied = ahead ? ['plan'] : [];
  if (mention.type === 'count' && OF_THE.test(text.slice(Math.max(0, mention.start - 12), mention.start))) implied.push(wordKey('contracted')!);
  return implied;
}

/** The source a suggestion reads: its current text and the defaults its assertions take. */
export interface IntakeSource {
  sourceId: string;
  title: string | null;
  /** The default speaker; null when the source names no publisher. */
  publisher: string | null;
  publishedAt: DateValue;
  /** The month the outlet's fiscal year starts in, when it is recorded: year ranges are read by it. */
  fiscalYear?: FiscalYearStart;
  text: string;
}

/** A value stated in the source that a tracked claim could hold, ready to be recorded as an assertion. */
export interface Suggestion {
  /** Stable for one text version: where the value words stand. */
  id: string;
  /** The value words' place in the text. */
  valueAt: Span;
  /** What the value reader made of the words as written. */
  value: Value;
  /** The smallest quotable span holding the value, with the selectors the assertion endpoint computes; `occurrence` when its words occur more than once. */
  quote: QuoteSelector & { occurrence?: number };
  /** Best first; empty when no tracked claim fits (then see proposedClaim). */
  claims: CandidateClaim[];
  proposedClaim: { subject: string; predicate: string; valueType: ValueType } | null;
  /** The value against the first claim's current value (null without a claim or a current value). */
  relationToCurrent: (Comparison & { claimId: string; current: string }) | null;
  /** Who made the statement: the one the text names, else the source's publisher (null: none known). */
  speaker: string | null;
  modality: Modality;
  saidAt: DateValue;
  /** Where speaker, modality and said-at came from, with the words that said so. */
  cues: {
    speaker: { from: 'text' | 'source'; words?: string };
    modality: { from: 'text' | 'default'; words?: string };
    saidAt: { from: 'text' | 'source'; words?: string };
  };
  /** The assertion id when this source already has this value recorded from this passage for the first claim. */
  alreadyRecorded: string | null;
  /** The body of POST /claims/<first claim>/assertions that records it as suggested. */
  assertion: {
    sourceId: string;
    quote: { exact: string; occurrence?: number };
    value: Omit<Value, 'parser'>;
    speaker?: string;
    modality: Modality;
    saidAt?: string;
  };
}

export interface SuggestionsFor {
  sourceId: string;
  /** The text offset this answer starts at. */
  from: number;
  /** Where to go on (ask again with from=next), or null when the text has been read to its end. */
  next: number | null;
  suggestions: Suggestion[];
  /** Value words found but refused by the value reader: shown so an editor can record them by hand. */
  unread: UnreadValue[];
}

/**
 * At most this many suggestions in one answer: an article has far fewer, and a 1 MB text (some ten
 * thousand) is read a page at a time, so no answer takes long to compute or to send.
 */
export const SUGGESTIONS_PER_PAGE = 500;

/**
 * The suggestions for a source from text offset `from`, a sentence at a time: each `yield` is a
 * point where the caller may let other work run, and the return value is the answer, which stops
 * after the sentence that brings it to `perPage` suggestions (`next` says where to go on). Pure: the
 * same source and claims give the same suggestions.
 */
export function suggestionSteps(source: IntakeSource, claims: readonly TrackedClaim[], from = 0, perPage = SUGGESTIONS_PER_PAGE): Generator<void, SuggestionsFor> {
  return nextPageOf(suggestionPages(source, claims, from, perPage));
}

/**
 * suggestionSteps page after page: a step yields nothing and a page yields itself, then the reading
 * goes on from its `next` with everything it knew there (who spoke, the title, the lede, the text's
 * index), so a caller that keeps the generator gets the next page without reading the text before
 * it again. Each page is what suggestionSteps gives from that page's `from`.
 */
export function* suggestionPages(source: IntakeSource, claims: readonly TrackedClaim[], from = 0, perPage = SUGGESTIONS_PER_PAGE): Generator<SuggestionsFor | undefined, void> {
  const index = new ClaimIndex(claims.filter((c) => c.valueType !== 'text'));
  yield;
  const { text } = source;
  // Each suggestion says which occurrence its quote is when the text holds it more than once.
  const quotes = new QuoteOccurrences(text);
  yield* quotes.indexing();
  let title = source.title;
  // Its words, read once: every value's context counts them.
  let titleWords = title === null ? null : tokensOf(title);
  let lede: Sentence | null = null;
  let pageFrom = from;
  let suggestions: Suggestion[] = [];
  let unread: UnreadValue[] = [];
  let earlierSpeaker: string | null = null;
  /** The two sentences before this one (the paragraph's context). */
  const recent: Sentence[] = [];
  /** An interview's last question line and answer line ("Q: …", "A: …"): the question is the answer's context. */
  let questionLine = -1;
  let answerLine = -1;
  /** The words of the interview's questions so far: an answer is about what was asked before ("Q: And the other two?"). */
  const asked = new Set<string>();
  /** Who the interview is with, when its title says so: its answers are theirs. */
  let interviewee = intervieweeOf(title);

  let i = 0;
  for (const sentence of sentencesIn(text)) {
    i += 1;
    if (title === null && sentence.paragraph === 0) {
      title = text.slice(sentence.start, sentence.end);
      titleWords = tokensOf(title);
      interviewee = intervieweeOf(title);
    }
    // The lede is the first sentence of the story: after the headline (and a dateline on a line of its own), or the first line when the text starts with prose.
    const line = text.slice(sentence.start, sentence.end);
    if (lede === null && ((sentence.paragraph > 0 && !DATELINE_ALONE.test(line)) || PROSE_END.test(line))) lede = sentence;
    if (QUESTION_LINE.test(line)) questionLine = sentence.paragraph;
    if (ANSWER_LINE.test(line)) answerLine = sentence.paragraph;
    const answers = sentence.paragraph === answerLine;
    const answersQuestion = answers && questionLine === answerLine - 1;
    const before = recent.filter((s) => s.paragraph === sentence.paragraph || (answersQuestion && s.paragraph === questionLine));
    recent.push(sentence);
    if (recent.length > 2) recent.shift();
    if (sentence.paragraph === questionLine) for (const t of tokensOf(line)) asked.add(t.key);
    if (sentence.start < pageFrom) {
      // Read only for who spoke ("he said" on the next page needs the name given before it).
      earlierSpeaker = cuesOfClauses(text, sentence, earlierSpeaker).speaker;
      if (i % 5 === 0) yield;
      continue;
    }
    if (suggestions.length >= perPage) {
      yield { sourceId: source.sourceId, from: pageFrom, next: sentence.start, suggestions, unread };
      pageFrom = sentence.start;
      suggestions = [];
      unread = [];
    }
    const { cues, speaker } = cuesOfClauses(text, sentence, earlierSpeaker);
    const cuesAt = (at: number): Cues => cues[Math.max(0, sentence.clauses.findIndex((c) => c.end > at))] ?? cues[0]!;
    const saidAtOf = (c: Cues): DateValue | null => (c.saidAt ? readSaidAt(c.saidAt.words, source.publishedAt) : null);
    const modalityAt = new Map<number, Modality>();
    const read: ReadAt = (type, words, at) => {
      const cues = cuesAt(at);
      const { modality, value } = readAsWritten(type, words, cues, saidAtOf(cues)?.bounds ?? source.publishedAt.bounds, source.fiscalYear);
      modalityAt.set(at, modality);
      return value;
    };
    const taken = cues.flatMap((c) => c.saidAtSpans);
    // A question asserts nothing ("How many squadrons does India have today?").
    const found = ASKS.test(line) ? { found: [], unread: [] } : findValues(text, sentence, read, taken);
    unread.push(...found.unread);

    for (const mention of found.found) {
      if (SPEAKS_NEXT.test(text.slice(mention.end, mention.end + 12))) continue; // "two officials said": who spoke, not a value
      // "two people familiar with the matter said": who spoke, not a value.
      if (mention.type === 'count' && PEOPLE_WHO_SPEAK.test(mention.text) && SPEAK_LATER.test(text.slice(mention.end, mention.end + 80))) continue;
      const cues = cuesAt(mention.start);
      const others = found.found.filter((other) => other !== mention && other.type === mention.type);
      const where: Surroundings = { sentence, before, title, titleWords, lede, asked: answers ? asked : null, otherValues: others, answeredBy: answers ? interviewee : null };
      const suggestion = suggestionFor(source, index, quotes, where, mention, cues, modalityAt.get(mention.start)!, saidAtOf(cues));
      if (suggestion) suggestions.push(suggestion);
    }
    earlierSpeaker = speaker;
    yield;
  }
  yield { sourceId: source.sourceId, from: pageFrom, next: null, suggestions, unread };
}

/**
 * The steps of suggestionPages up to its next page, which it returns. The pages are read with
 * next() (not for…of, which would close them at the return), so they can go on afterwards.
 */
export function* nextPageOf(pages: Generator<SuggestionsFor | undefined, void>): Generator<void, SuggestionsFor> {
  for (let step = pages.next(); !step.done; step = pages.next()) {
    if (step.value) return step.value;
    yield;
  }
  throw new Error('the suggestion pages ended after their last page');
}

/**
 * The cues of a sentence's clauses, clause after clause, and who spoke last: "he said" is the
 * speaker named last before it, in an earlier sentence or an earlier clause ("X said …, while he
 * said …" is X). Read alike on a page and before it, so where a page starts never changes who spoke.
 */
function cuesOfClauses(text: string, sentence: Sentence, earlierSpeaker: string | null): { cues: Cues[]; speaker: string | null } {
  const cues: Cues[] = [];
  let speaker = earlierSpeaker;
  for (const clause of sentence.clauses) {
    const c = cuesOf(text, sentence, clause, speaker);
    cues.push(c);
    speaker = c.speaker?.name ?? speaker;
  }
  return { cues, speaker };
}

/** The suggestions at once (for callers with nothing else to run meanwhile). */
export function suggest(source: IntakeSource, claims: readonly TrackedClaim[], from = 0, perPage = SUGGESTIONS_PER_PAGE): SuggestionsFor {
  const steps = suggestionSteps(source, claims, from, perPage);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function readSaidAt(words: string, publishedAt: DateValue): DateValue | null {
  try {
    return parseDate(words, { saidAt: publishedAt.bounds });
  } catch (e) {
    if (e instanceof UnparseableValue) return null;
    throw e;
  }
}

/**
 * Words read as recording the assertion will read them (the claim decider's own context), with the
 * modality the suggestion will carry: the one the text gives, else what a named speaker states or
 * the source reports. Where the clause looks ahead ("will arrive in June") and the words read
 * otherwise forward, the modality is "expected", which makes the write read them forward too.
 */
function readAsWritten(type: FoundType, words: string, cues: Cues, saidAt: DayBounds, fiscalYear: FiscalYearStart | undefined): { modality: Modality; value: Value | { refused: string } } {
  const readAs = (modality: Modality): Value | { refused: string } => {
    try {
      return parseValue({ type, text: words }, assertionContext(saidAt, modality, fiscalYear));
    } catch (e) {
      if (e instanceof UnparseableValue) return { refused: e.reason };
      throw e;
    }
  };
  const stated: Modality = cues.modality?.value ?? (cues.speaker ? 'stated' : 'reported');
  const plain = readAs(stated);
  if (cues.modality || !cues.future || 'refused' in plain) return { modality: stated, value: plain };
  const ahead = readAs('expected');
  const forwardDiffers = !('refused' in ahead) && 'bounds' in ahead && 'bounds' in plain && JSON.stringify(ahead.bounds) !== JSON.stringify(plain.bounds);
  return forwardDiffers ? { modality: 'expected', value: ahead } : { modality: stated, value: plain };
}

/** Where a value stands: its sentence and what around it says what the passage is about. */
interface Surroundings {
  sentence: Sentence;
  /** Earlier sentences of its paragraph (and an interview answer's question). */
  before: Sentence[];
  title: string | null;
  titleWords: readonly Token[] | null;
  lede: Sentence | null;
  /** On an interview's "A:" line: the words of its questions so far, else null. */
  asked: ReadonlySet<string> | null;
  /** On an interview's "A:" line: who answers (the title's "interview with X") and those words, else null. */
  answeredBy: { name: string; words: string } | null;
  /** The sentence's other values of the same type. */
  otherValues: readonly Span[];
}

function suggestionFor(
  source: IntakeSource,
  index: ClaimIndex,
  quotes: QuoteOccurrences,
  { sentence, before, title, titleWords, lede, asked, otherValues, answeredBy }: Surroundings,
  mention: ValueMention,
  cues: Cues,
  modality: Modality,
  saidAtInText: DateValue | null,
): Suggestion | null {
  const { text } = source;
  const span = quoteSpan(text, sentence, mention);
  const selector = selectorAt(text, span.start, span.end - span.start);
  const occurrences = quotes.of(selector.exact);
  const occurrence = occurrences.length > 1 ? occurrences.indexOf(span.start) + 1 : undefined;
  const said = saidAtInText ?? source.publishedAt;
  const v = mention.value;
  const ahead = cues.future || (v.type === 'date' && v.bounds.lo !== null && said.bounds.hi !== null && v.bounds.lo > said.bounds.hi);
  // "by 2023" said in 2026 is an old plan, not a past event: only a value with both ends counts as past.
  const past = v.type === 'date' && v.bounds.lo !== null && v.bounds.hi !== null && said.bounds.lo !== null && v.bounds.hi < said.bounds.lo;
  const { context, about } = contextOf(text, mention, {
    quote: span,
    sentence,
    before,
    title: sentence.paragraph === 0 ? null : titleWords,
    lede: lede && lede !== sentence ? lede : null,
    implied: impliedWords(text, mention, ahead),
    otherValues,
    ...(asked ? { asked } : {}),
  });
  const claims = index.candidates(mention.value, context, about, past, (claim) => recordedIn(claim, source.sourceId, text, mention, mention.value));
  if (claims.length === 0 && !worthAClaim(mention)) return null;

  const first = claims[0] ? index.claims.find((c) => c.claimId === claims[0]!.claimId)! : null;
  const relationToCurrent = first?.current ? { claimId: first.claimId, current: first.current.text, ...compareValues(first.current, mention.value) } : null;
  const alreadyRecorded = first ? recordedIn(first, source.sourceId, text, mention, mention.value) : null;
  const speaker = cues.speaker?.name ?? answeredBy?.name ?? source.publisher;
  const { parser: _parser, ...value } = mention.value;

  return {
    id: `${mention.start}-${mention.end}`,
    valueAt: { start: mention.start, end: mention.end },
    value: mention.value,
    quote: { ...selector, ...(occurrence ? { occurrence } : {}) },
    claims,
    proposedClaim: claims.length === 0 ? proposeClaim(text, sentence, mention, title) : null,
    relationToCurrent,
    speaker,
    modality,
    saidAt: said,
    cues: {
      speaker: cues.speaker ? { from: 'text', words: cues.speaker.words } : answeredBy ? { from: 'text', words: answeredBy.words } : { from: 'source' },
      modality: cues.modality ? { from: 'text', words: cues.modality.words } : { from: 'default' },
      saidAt: saidAtInText && cues.saidAt ? { from: 'text', words: cues.saidAt.words } : { from: 'source' },
    },
    alreadyRecorded,
    assertion: {
      sourceId: source.sourceId,
      quote: { exact: selector.exact, ...(occurrence ? { occurrence } : {}) },
      value,
      ...(speaker !== null ? { speaker } : {}),
      modality,
      ...(saidAtInText && cues.saidAt ? { saidAt: cues.saidAt.words } : {}),
    },
  };
}

/**
 * Whether a value no tracked claim fits is still worth offering as a new claim: money, shares and
 * units, dates that name a year, counts of something named. A lone "one" or a bare weekday is not.
 */
function worthAClaim(mention: ValueMention): boolean {
  if (mention.type === 'quantity') return true;
  if (mention.type === 'date') return /\d{4}/.test(mention.text);
  return mention.value.type === 'count' && mention.value.noun !== undefined && Number(mention.value.normalized) > 1;
}

/** A subject and predicate for a new claim, from the sentence's longest name and the value's own words. */
function proposeClaim(text: string, sentence: Sentence, mention: ValueMention, title: string | null): { subject: string; predicate: string; valueType: ValueType } {
  const words = text.slice(sentence.start, mention.start);
  const names = [...text.slice(sentence.start, sentence.end).matchAll(/(?:[\p{Lu}][\p{L}\p{N}&'’-]*|[\p{L}]+-\d+)(?:\s+(?:of|the|and|on|for|&)?\s*(?:[\p{Lu}][\p{L}\p{N}&'’-]*|[\p{L}]+-\d+))*/gu)]
    .map((m) => ({ name: m[0].trim().replace(/^(?:The|A|An)\s+/, ''), at: sentence.start + m.index }))
    .filter((n) => n.at > sentence.start || n.name.includes(' '))
    .filter((n) => !(n.at >= mention.start && n.at < mention.end));
  const subject = names.sort((a, b) => b.name.length - a.name.length)[0]?.name ?? title ?? 'subject';
  const v = mention.value;
  let predicate: string;
  if (v.type === 'count') predicate = v.noun ? `number of ${v.noun.toLowerCase()}` : 'count';
  else if (v.type === 'quantity') predicate = v.unit === '%' ? 'share (%)' : `amount (${v.unit})`;
  else {
    const verb = /\b(\p{L}+ed|due|held|set)\s+(?:\p{L}+\s+){0,3}$/u.exec(words)?.[1];
    predicate = verb ? `date ${verb.toLowerCase()}` : 'date';
  }
  return { subject, predicate, valueType: v.type };
}
