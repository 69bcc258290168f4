import type { QuoteSelector } from '../quote/quote.js';
import type { FiscalYearStart } from '../values/dates.js';
import type { DateValue, Value, ValueType } from '../values/value.js';

/**
 * Every fact claimline records (DESIGN section 4). The `type` is the stable stored name: it is what
 * the log holds, so it never follows a class or file rename. Data is plain JSON, nothing derived
 * from it later (relations between values are views, recomputed by projections, never stored here).
 */
export interface EventOf<Type extends string, Data> {
  type: Type;
  data: Data;
}

export const sourceStream = (sourceId: string): string => `source-${sourceId}`;
export const claimStream = (claimId: string): string => `claim-${claimId}`;
/** The claim a stream holds the events of, or null for a stream of another kind. */
export const claimOfStream = (stream: string): string | null => (stream.startsWith('claim-') ? stream.slice('claim-'.length) : null);

// ---- source-<id> ---------------------------------------------------------------------------------

export type SourceRegistered = EventOf<'claimline.source-registered', {
  sourceId: string;
  title: string;
  /** The outlet; null when there is none (a post, a leaked document). */
  publisher: string | null;
  /** Null when the piece is unsigned. */
  author: string | null;
  url: string | null;
  /** BCP 47 tag, e.g. `en`; `und` when not given. */
  language: string;
  /** The said-at of everything in the source unless an assertion says otherwise. */
  publishedAt: DateValue;
  /** When the text was fetched (ISO 8601 instant), if known. */
  retrievedAt: string | null;
  /**
   * The outlet's fiscal year, when it writes by one (Indian outlets: april): its "2026–27" is that
   * fiscal year and its "FY27" is read by it. Absent: year ranges are calendar years.
   */
  fiscalYear?: FiscalYearStart;
  /** Text version 1, stored whole: quotes are matched against it. */
  text: string;
  /** sha256 of the UTF-8 text, lower-case hex. */
  contentHash: string;
}>;

/** The outlet edited the article: a whole new text, never a patch, so any version reads alone. */
export type SourceTextRevised = EventOf<'claimline.source-text-revised', {
  sourceId: string;
  text: string;
  contentHash: string;
  /** The number of this text version; the registered text is version 1. */
  textVersion: number;
  reason?: string;
}>;

export type SourceEvent = SourceRegistered | SourceTextRevised;

// ---- claim-<id> ----------------------------------------------------------------------------------

export interface Entity {
  name: string;
  aliases: string[];
}

export type ClaimOpened = EventOf<'claimline.claim-opened', {
  claimId: string;
  /** What the claim is about, e.g. "S-400 contract of 2018". */
  subject: string;
  /** What is said of it, e.g. "remaining deliveries due". */
  predicate: string;
  /** Every assertion of this claim carries a value of this type, so any two can be compared. */
  valueType: ValueType;
  description?: string;
  entities?: Entity[];
}>;

/** A claim as it was opened, read back: what every view of a claim starts from. */
export interface ClaimDefinition {
  claimId: string;
  subject: string;
  predicate: string;
  valueType: ValueType;
  description: string | null;
  entities: Entity[];
}

/**
 * How the speaker put it. A closed list, so timelines can group and filter by it; extending it is a
 * code change (and, for old readers, harmless: they read it as a string).
 */
export const MODALITIES = [
  'stated', // said plainly as fact
  'reported', // the source relays what someone else said
  'announced', // made public as a decision
  'expected', // a forecast or belief about the future
  'scheduled', // fixed in a plan or timetable
  'planned', // intended, not yet fixed
  'assured', // promised to a counterpart ("we assure you...")
  'confirmed', // affirms an earlier statement
  'estimated', // an approximation offered as such
  'denied', // the speaker says the value does NOT hold
  'hinted', // suggested, not said outright
  'conditional', // holds only if a stated condition is met
  'cautioned', // offered as a warning of a risk
  'invited', // an invitation or offer, not yet accepted
  'characterized', // the speaker's framing of something, not a measurement
  'implied', // not said in so many words: follows from what was said (e.g. 5 contracted - 2 pending)
] as const;
export type Modality = (typeof MODALITIES)[number];

export function isModality(value: unknown): value is Modality {
  return typeof value === 'string' && (MODALITIES as readonly string[]).includes(value);
}

/** Modalities that speak of what is to come: a bare date in them ("on 7 June") is read forward from said-at. */
export const FORWARD_MODALITIES: readonly Modality[] = ['expected', 'scheduled', 'planned', 'assured', 'invited'];

/** The facts of an assertion that a correction may set right. */
export interface AssertionFacts {
  sourceId: string;
  quote: QuoteSelector;
  /** The source text version the quote was matched against. */
  sourceTextVersion: number;
  value: Value;
  /** When the source asserted it (the said-at clock), not when the value's event happens. */
  saidAt: DateValue;
  /** Who made the statement, which can differ from the publisher. */
  speaker: string;
  modality: Modality;
}

export type AssertionRecorded = EventOf<'claimline.assertion-recorded', AssertionFacts & {
  claimId: string;
  assertionId: string;
  note?: string;
}>;

/**
 * Some facts were recorded wrongly. `changes` holds their new values and `previous` the values they
 * replace, key for key, so the audit trail reads without replaying. `quote` and `sourceTextVersion`
 * always change together, as do `sourceId` and `quote`.
 */
export type AssertionCorrected = EventOf<'claimline.assertion-corrected', {
  claimId: string;
  assertionId: string;
  changes: Partial<AssertionFacts>;
  previous: Partial<AssertionFacts>;
  reason: string;
}>;

export const RETRACTION_KINDS = ['withdrawn-by-source', 'recorded-in-error'] as const;
export type RetractionKind = (typeof RETRACTION_KINDS)[number];

export type AssertionRetracted = EventOf<'claimline.assertion-retracted', {
  claimId: string;
  assertionId: string;
  kind: RetractionKind;
  reason: string;
}>;

/** schema.org Rating as ClaimReview uses it: 1 (false) to 5 (true). */
export interface Rating {
  ratingValue: 1 | 2 | 3 | 4 | 5;
  /** The rating in words, e.g. "Mostly false". */
  alternateName: string;
  bestRating: 5;
  worstRating: 1;
}

export type VerdictRecorded = EventOf<'claimline.verdict-recorded', {
  claimId: string;
  verdictId: string;
  rating: Rating;
  reasoning: string;
  reviewer: string;
  /** When the fact-checker reached the verdict (ISO 8601 instant). */
  reviewedAt: string;
}>;

export type ClaimEvent = ClaimOpened | AssertionRecorded | AssertionCorrected | AssertionRetracted | VerdictRecorded;

export type DomainEvent = SourceEvent | ClaimEvent;
export type DomainEventType = DomainEvent['type'];

export const SOURCE_EVENT_TYPES = ['claimline.source-registered', 'claimline.source-text-revised'] as const satisfies readonly SourceEvent['type'][];
export const CLAIM_EVENT_TYPES = [
  'claimline.claim-opened',
  'claimline.assertion-recorded',
  'claimline.assertion-corrected',
  'claimline.assertion-retracted',
  'claimline.verdict-recorded',
] as const satisfies readonly ClaimEvent['type'][];

export function isDomainEventType(type: string): type is DomainEventType {
  return (SOURCE_EVENT_TYPES as readonly string[]).includes(type) || (CLAIM_EVENT_TYPES as readonly string[]).includes(type);
}
