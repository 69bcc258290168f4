import type { ClaimDefinition } from '../events/events.js';
import { relateValues } from '../values/compare.js';
import { isCurrency, isRateUnit } from '../values/units.js';
import type { Relation, Value } from '../values/value.js';
import { isNameLike, type Span, type Token, tokensOf } from './text.js';

/** An assertion of a tracked claim, as matching uses it: its quote and value, and where the quote stands. */
export interface TrackedAssertion {
  assertionId: string;
  sourceId: string;
  quote: Span & { exact: string };
  value: Value;
  live: boolean;
}

/** A claim a value in a new text may belong to: what it is about and what has been recorded for it. */
export interface TrackedClaim extends ClaimDefinition {
  /** The claim's current value, as the claim-state view gives it. */
  current: Value | null;
  assertions: TrackedAssertion[];
}

/** A claim a found value may belong to, best first. */
export interface CandidateClaim {
  claimId: string;
  subject: string;
  predicate: string;
  /** Higher is a better fit; comparable within one call only. */
  score: number;
  /** Why, in words: the claim's words found around the value, the unit, an earlier recording. */
  reason: string;
}

/** How much a word counts by where the claim has it: its predicate says most, an old quote least. */
const FIELDS = [
  ['predicate', 3],
  ['subject', 2],
  ['entity', 1.5],
  ['earlier value', 1.5],
  ['description', 1],
  ['earlier quote', 0.25],
] as const;
type Field = (typeof FIELDS)[number][0];
const FIELD_WEIGHT = new Map<Field, number>(FIELDS);

/** Words either side of a recorded value that count as its neighbourhood ("three squadrons *already delivered*"). */
const NEIGHBOURHOOD = 3;

/** Title words in entity names that name no one in particular ("Defence Minister", "President"). */
const TITLES = new Set(['minister', 'ministers', 'president', 'prime', 'defence', 'defense', 'general', 'lieutenant', 'secretary', 'chief', 'marshal']);

/**
 * Below this a claim is not offered. Chosen on the intake evaluation set (test/intake): its correct
 * filings scored 0.29 and up, distractors (fleet strengths, people, other deals) mostly below 0.25.
 */
export const MIN_SCORE = 0.25;
/** Runners-up are offered when they score at least this share of the best. */
const RUNNER_UP = 0.5;
export const MAX_CANDIDATES = 3;
/**
 * A value its claim's record agrees with (same, refines, or a bounded value that generalizes it) is
 * the likelier reading when the words leave it open. An open-ended value ("by 2026") agrees with
 * any earlier date, so it earns nothing here.
 */
const CONSISTENT = 1.3;
const CONSISTENT_RELATIONS: ReadonlySet<Relation> = new Set(['same', 'refines', 'generalizes']);
/** A date already past when it was said is seldom what a plan ("date planned", "deliveries due") is about. */
const PAST_FOR_A_PLAN = 0.6;
/** A deadline ("by the end of 2026") is seldom what a claim of dates something happened on ("year signed") holds. */
const DEADLINE_FOR_A_DAY = 0.7;

interface Profile {
  /** key -> the best field it appears in. */
  terms: Map<string, { weight: number; field: Field }>;
  /** Keys that say what the claim is about (the names in its subject, its entities' names), for the "about" check. */
  anchors: Set<string>;
  /** The anchors from its subject: kept however many claims share them. */
  subjectAnchors: Set<string>;
}

/** The words around a value, each with how much it counts (nearer counts more) and the word as written. */
export type Context = Map<string, { weight: number; word: string }>;

/**
 * The tracked claims prepared for matching. Each claim is a weighted bag of words (subject,
 * predicate, entity names, description, recorded quotes and the words around recorded values),
 * words shared by fewer claims weighing more (inverse document frequency). A value's context is
 * scored against it like a cosine: the weighted overlap over the size of the context and of the
 * claim's name (subject and predicate), so a claim whose predicate the passage covers wins over
 * one that only shares a word.
 */
export class ClaimIndex {
  private readonly profiles: Profile[];
  private readonly idf = new Map<string, number>();
  /** idf of a word no claim has: as rare as it gets. */
  private readonly unseenIdf: number;
  private readonly nameNorms: number[];
  private readonly units: Set<string>[];
  /** Date claims none of whose live values is a deadline: when something happened. */
  private readonly onDays: boolean[];

  constructor(readonly claims: readonly TrackedClaim[]) {
    this.profiles = claims.map(profileOf);
    const documents = new Map<string, number>();
    for (const p of this.profiles) for (const key of p.terms.keys()) documents.set(key, (documents.get(key) ?? 0) + 1);
    const n = Math.max(1, claims.length);
    for (const [key, df] of documents) this.idf.set(key, Math.log(1 + n / df));
    this.unseenIdf = Math.log(1 + n / 0.5);
    // An entity most claims share (India, Russia) says nothing about which one a passage is about.
    for (const p of this.profiles) for (const key of [...p.anchors]) if (documents.get(key)! > n / 2 && !p.subjectAnchors.has(key)) p.anchors.delete(key);
    this.nameNorms = this.profiles.map((p) => {
      let sum = 0;
      for (const [key, { weight, field }] of p.terms) if (field === 'predicate' || field === 'subject') sum += weight ** 2 * this.idf.get(key)!;
      return Math.sqrt(sum) || 1;
    });
    this.units = claims.map((c) => new Set(c.assertions.flatMap((a) => (a.value.type === 'quantity' ? [a.value.unit] : []))));
    this.onDays = claims.map((c) => c.valueType === 'date' && c.assertions.some((a) => a.live) && c.assertions.every((a) => !a.live || !deadline(a.value)));
  }

  /**
   * The claims `value` may belong to, best first. `context` weighs the words around it; `about`
   * holds the words of its passage, paragraph, title and lede: a claim is offered only when one of
   * its anchors (subject words, entity names) is among them.
   */
  candidates(value: Value, context: Context, about: About, past: boolean, recordedHere: (claim: TrackedClaim) => string | null): CandidateClaim[] {
    let contextNorm = 0;
    for (const [key, { weight }] of context) contextNorm += weight ** 2 * (this.idf.get(key) ?? this.unseenIdf);
    contextNorm = Math.sqrt(contextNorm) || 1;

    const offered: CandidateClaim[] = [];
    this.claims.forEach((claim, i) => {
      if (claim.valueType !== value.type) return;
      const unit = this.unitFit(i, value);
      if (unit === null) return;
      const profile = this.profiles[i]!;
      const recorded = recordedHere(claim);
      if (profile.anchors.size > 0 && ![...profile.anchors].some((key) => about.has(key)) && !recorded) return;

      let dot = 0;
      const evidence = new Map<Field, Set<string>>();
      for (const [key, { weight, word }] of context) {
        const term = profile.terms.get(key);
        if (!term) continue;
        dot += weight * term.weight * this.idf.get(key)!;
        if (!evidence.has(term.field)) evidence.set(term.field, new Set());
        evidence.get(term.field)!.add(word);
      }
      let score = (dot / (contextNorm * this.nameNorms[i]!)) * unit.factor;
      const reasons = FIELDS.flatMap(([f]) => {
        const words = evidence.get(f);
        return words ? [`${f}: ${[...words].slice(0, 4).join(', ')}`] : [];
      });
      if (claim.current) {
        const relation = relateValues(claim.current, value);
        const bounded = value.type === 'text' || (value.bounds.lo !== null && value.bounds.hi !== null);
        if (CONSISTENT_RELATIONS.has(relation) && (relation !== 'generalizes' || bounded)) {
          score *= CONSISTENT;
          reasons.push(`agrees with its current value (${relation})`);
        }
      }
      if (past && profile.terms.get('plan')?.field === 'predicate') {
        score *= PAST_FOR_A_PLAN;
        reasons.push('already past when said, and the claim is about a plan');
      }
      if (this.onDays[i] && deadline(value)) {
        score *= DEADLINE_FOR_A_DAY;
        reasons.push('a deadline, and the claim records when something happened');
      }
      if (unit.words) reasons.push(unit.words);
      if (recorded) {
        score += 10; // this passage already holds this value for this claim
        reasons.unshift(`already recorded from this passage (assertion ${recorded})`);
      }
      if (score < MIN_SCORE) return;
      offered.push({ claimId: claim.claimId, subject: claim.subject, predicate: claim.predicate, score: round(score), reason: reasons.join('; ') });
    });
    offered.sort((a, b) => b.score - a.score || (a.claimId < b.claimId ? -1 : 1));
    const best = offered[0]?.score ?? 0;
    return offered.filter((c) => c.score >= best * RUNNER_UP).slice(0, MAX_CANDIDATES);
  }

  /**
   * Whether a quantity's unit fits what the claim has recorded: the same unit counts for it; another
   * currency, or points against per cent, is offered (the relation is then "incomparable", worth
   * seeing); % against money is not.
   */
  private unitFit(claim: number, value: Value): { factor: number; words: string | null } | null {
    if (value.type !== 'quantity') return { factor: 1, words: null };
    const units = this.units[claim]!;
    if (units.size === 0) return { factor: 1, words: null };
    if (units.has(value.unit)) return { factor: 1.2, words: `unit: ${value.unit}, as recorded` };
    const recorded = [...units][0]!;
    if (isCurrency(value.unit) && isCurrency(recorded)) return { factor: 1, words: `unit: ${value.unit}, recorded in ${recorded} (incomparable: no exchange rate is applied)` };
    // "25 percentage points" of a 50% tariff is its part in the rate's own terms: worth offering, never equated.
    if (isRateUnit(value.unit) && isRateUnit(recorded)) return { factor: 1, words: `unit: ${value.unit}, recorded in ${recorded} (incomparable: points of a rate are not the rate)` };
    return null;
  }
}

function profileOf(claim: TrackedClaim): Profile {
  const terms = new Map<string, { weight: number; field: Field }>();
  const anchors = new Set<string>();
  const subjectAnchors = new Set<string>();
  const add = (text: string, field: Field, keep: (word: string) => boolean = () => true): void => {
    const weight = FIELD_WEIGHT.get(field)!;
    for (const t of tokensOf(text)) {
      if (!keep(t.word)) continue;
      const had = terms.get(t.key);
      if (!had || had.weight < weight) terms.set(t.key, { weight, field });
      if ((field === 'subject' || field === 'entity') && isNameLike(t.word)) anchors.add(t.key);
      if (field === 'subject' && isNameLike(t.word)) subjectAnchors.add(t.key);
    }
  };
  const notAFigure = (word: string): boolean => !/\d/.test(word) || /\p{L}/u.test(word);
  // A parenthesis qualifies the name ("units delivered (as of December 2025)"): it describes, it does not name.
  const [predicate, predicateAside] = withoutAsides(claim.predicate);
  const [subject, subjectAside] = withoutAsides(claim.subject);
  add(predicate, 'predicate');
  add(subject, 'subject');
  add(`${predicateAside} ${subjectAside}`, 'description');
  for (const e of claim.entities) for (const name of [e.name, ...e.aliases]) add(name, 'entity', (w) => isNameLike(w) && !TITLES.has(w.toLowerCase()));
  if (claim.description) add(claim.description, 'description');
  for (const a of claim.assertions) {
    if (!a.live) continue;
    // Figures in old quotes are other values, and names there are the entities' business.
    add(a.quote.exact, 'earlier quote', notAFigure);
    const around = neighbourhood(a.quote.exact, a.value.text);
    if (around) add(around, 'earlier value', (w) => notAFigure(w) && !/^\p{Lu}/u.test(w));
  }
  return { terms, anchors, subjectAnchors };
}

function withoutAsides(name: string): [string, string] {
  const asides = [...name.matchAll(/\(([^)]*)\)/g)].map((m) => m[1]!);
  return [name.replace(/\([^)]*\)/g, ' '), asides.join(' ')];
}

/** The words around a recorded value within its quote ("with three squadrons already delivered"), or null. */
function neighbourhood(quote: string, valueWords: string): string | null {
  const at = quote.toLowerCase().indexOf(valueWords.toLowerCase());
  if (at === -1) return null;
  const before = quote.slice(0, at).split(/\s+/).filter(Boolean).slice(-NEIGHBOURHOOD);
  const after = quote.slice(at + valueWords.length).split(/\s+/).filter(Boolean).slice(0, NEIGHBOURHOOD);
  return [...before, valueWords, ...after].join(' ');
}

/** Where the words around a value sit, and what the text says beyond them. */
export interface ContextZones {
  /** The quote holding the value. */
  quote: Span;
  sentence: Span;
  /** Earlier sentences of the same paragraph. */
  before: Span[];
  /** The words of the headline or title, when there is one (and the value is not in it). */
  title: readonly Token[] | null;
  /** The article's first sentence after the title (when the value is elsewhere). */
  lede: Span | null;
  /** Words that say something of the value beyond its wording ("plan" when it lies ahead). */
  implied: string[];
  /** The sentence's other values of the same type. */
  otherValues?: readonly Span[];
  /** The words of an interview's questions so far, for an answer: what it is about, though it does not name it. */
  asked?: ReadonlySet<string>;
}

/** The words a passage is about (the "about" check asks only whether a key is among them). */
export interface About {
  has(key: string): boolean;
}

/** A sentence's words, read once however many values it holds. */
const tokensIn = new WeakMap<Span, Token[]>();

/** The words of a sentence of the text (the value's, one before it, the lede), read once for every value near it. */
function tokensOfSpan(text: string, span: Span): Token[] {
  let tokens = tokensIn.get(span);
  if (!tokens) tokensIn.set(span, (tokens = tokensOf(text.slice(span.start, span.end), span.start)));
  return tokens;
}

/** Nearness in words; a comma, semicolon or dash between a word and the value counts as this many more. */
const PUNCTUATION_DISTANCE = 3;
/**
 * How much a word counts when it stands in another part of the sentence (between commas, semicolons,
 * dashes, brackets) that holds another value of the same type: "a 50% levy ..., of which 25 percentage
 * points were imposed over purchases of Russian oil" (the oil is the 25's).
 */
const IN_ANOTHER_VALUES_PART = 0.5;
const PART_BREAK = /[,;()]|\s[–—-]\s/g;

/**
 * The words around a value, weighted: in its quote 1, elsewhere in its sentence 0.6, in the
 * sentences before it in the paragraph 0.3, in the title 0.25, in the lede 0.2; within the sentence
 * a word counts more the nearer it stands (1 beside the value, about 0.6 nine words away, farther
 * across punctuation). The value's own figures are left out (they are the value, not its context).
 * Returns the weighted words and the words of its sentence, paragraph and lede (for the "about" check).
 */
export function contextOf(text: string, value: Span, zones: ContextZones): { context: Context; about: About } {
  const context: Context = new Map();
  const about = new Set<string>();
  const put = (key: string, weight: number, word: string): void => {
    const had = context.get(key);
    if (!had || had.weight < weight) context.set(key, { weight, word });
  };
  const sentenceTokens = tokensOfSpan(text, zones.sentence);
  const partOf = partsOf(text, zones.sentence);
  const valuePart = partOf(value.start);
  const othersParts = new Set((zones.otherValues ?? []).map((o) => partOf(o.start)).filter((p) => p !== valuePart));
  const first = sentenceTokens.find((t) => t.end > value.start);
  const last = [...sentenceTokens].reverse().find((t) => t.start < value.end);
  for (const t of sentenceTokens) {
    const inValue = t.start >= value.start && t.end <= value.end;
    if (inValue && /\d/.test(t.word) && !/\p{L}/u.test(t.word)) continue;
    about.add(t.key);
    const inQuote = t.start >= zones.quote.start && t.end <= zones.quote.end;
    let distance = 0;
    if (first && t.index < first.index) distance = first.index - t.index + PUNCTUATION_DISTANCE * punctuation(text.slice(t.end, value.start));
    else if (last && t.index > last.index) distance = t.index - last.index + PUNCTUATION_DISTANCE * punctuation(text.slice(value.end, t.start));
    const elsewhere = othersParts.has(partOf(t.start)) ? IN_ANOTHER_VALUES_PART : 1;
    put(t.key, (inQuote ? 1 : 0.6) * (0.5 + 0.5 * (3 / (3 + distance))) * elsewhere, t.word);
  }
  const zone = (span: Span, weight: number): void => {
    for (const t of tokensOfSpan(text, span)) {
      about.add(t.key);
      put(t.key, weight, t.word);
    }
  };
  for (const s of zones.before) zone(s, 0.3);
  // The title weighs in, but is not enough to say what a passage is about: headlines sum up the whole article.
  if (zones.title) for (const t of zones.title) put(t.key, 0.25, t.word);
  if (zones.lede) zone(zones.lede, 0.2);
  for (const key of zones.implied) put(key, 0.8, `(${key})`);
  const asked = zones.asked;
  return { context, about: asked ? { has: (key) => about.has(key) || asked.has(key) } : about };
}

/** Where a sentence's parts break, read once however many values it holds. */
const breaksIn = new WeakMap<Span, number[]>();

/** Which part of the sentence (between commas, semicolons, dashes, brackets) a position is in. */
function partsOf(text: string, sentence: Span): (at: number) => number {
  let breaks = breaksIn.get(sentence);
  if (!breaks) breaksIn.set(sentence, (breaks = [...text.slice(sentence.start, sentence.end).matchAll(PART_BREAK)].map((m) => sentence.start + m.index)));
  return (at) => {
    let part = 0;
    while (part < breaks.length && breaks[part]! < at) part++;
    return part;
  };
}

function punctuation(between: string): number {
  return (between.match(/[,;:()]|\s[–—-]\s/g) ?? []).length;
}

/** The live assertion of `claim` from `sourceId` whose quote holds `at` with the same value, if any. */
export function recordedIn(claim: TrackedClaim, sourceId: string, text: string, at: Span, value: Value): string | null {
  for (const a of claim.assertions) {
    if (!a.live || a.sourceId !== sourceId) continue;
    const where = text.slice(a.quote.start, a.quote.end) === a.quote.exact ? a.quote.start : text.indexOf(a.quote.exact);
    if (where === -1 || where > at.start || where + a.quote.exact.length < at.end) continue;
    if (relateValues(a.value, value) === 'same') return a.assertionId;
  }
  return null;
}

/** "by 2026", "before March": a date with no start, only an end (not "since 2010", which says when something began). */
const deadline = (value: Value): boolean => value.type === 'date' && value.bounds.lo === null && value.bounds.hi !== null;

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
