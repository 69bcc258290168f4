import { DomainError, optionalText, parsingField, requireText, UnparseableField } from '../events/domain-error.js';
import {
  type AssertionFacts,
  type ClaimEvent,
  type Entity,
  FORWARD_MODALITIES,
  isModality,
  type Modality,
  RETRACTION_KINDS,
  type Rating,
  type RetractionKind,
} from '../events/events.js';
import { type QuoteHint, selectQuote } from '../quote/quote.js';
import { optionalInstant, type SourceState } from '../source/source.js';
import { type FiscalYearStart, type ParseContext, parseDate, parseValue, type ValueInput } from '../values/parse.js';
import { type DateValue, type DayBounds, UnparseableValue, type Value, VALUE_TYPES, type ValueType } from '../values/value.js';

// ---- commands ------------------------------------------------------------------------------------

export interface OpenClaim {
  type: 'OpenClaim';
  data: {
    claimId: string;
    subject: string;
    predicate: string;
    valueType: ValueType;
    description?: string;
    entities?: Entity[];
  };
}

/** The words quoted from the source; where they sit is computed, never taken from the caller. */
export interface QuoteInput extends QuoteHint {
  exact: string;
}

/** A value as words or structured fields; `type` may be left out (it is the claim's). */
export type AssertionValueInput = Omit<ValueInput, 'type'> & { type?: ValueType };

export interface RecordAssertion {
  type: 'RecordAssertion';
  data: {
    claimId: string;
    assertionId: string;
    sourceId: string;
    quote: QuoteInput;
    value: AssertionValueInput;
    /** Date words or EDTF; defaults to the source's publishedAt. */
    saidAt?: string;
    /** Defaults to the source's publisher (required when the source has none). */
    speaker?: string;
    /** Defaults to `stated`. */
    modality?: string;
    note?: string;
  };
}

/** The new values of the facts recorded wrongly; each is validated as on record. */
export interface AssertionChanges {
  sourceId?: string;
  quote?: QuoteInput;
  value?: AssertionValueInput;
  saidAt?: string;
  speaker?: string;
  modality?: string;
}

export interface CorrectAssertion {
  type: 'CorrectAssertion';
  data: { claimId: string; assertionId: string; changes: AssertionChanges; reason: string };
}

export interface RetractAssertion {
  type: 'RetractAssertion';
  data: { claimId: string; assertionId: string; kind: RetractionKind; reason: string };
}

export interface RecordVerdict {
  type: 'RecordVerdict';
  data: {
    claimId: string;
    verdictId: string;
    rating: { ratingValue: number; alternateName: string };
    reasoning: string;
    reviewer: string;
    /** ISO 8601 instant. */
    reviewedAt: string;
  };
}

export type ClaimCommand = OpenClaim | RecordAssertion | CorrectAssertion | RetractAssertion | RecordVerdict;

/**
 * What a claim decision may need beyond the claim: the source being quoted. For RecordAssertion it
 * is the assertion's source; for CorrectAssertion, the source the corrected assertion will cite
 * (the new one when `changes.sourceId` is given, else its current one).
 */
export interface ClaimContext {
  source?: SourceState;
}

// ---- state ---------------------------------------------------------------------------------------

export interface AssertionState extends AssertionFacts {
  assertionId: string;
  retracted: { kind: RetractionKind; reason: string } | null;
}

export type ClaimState =
  | { status: 'absent' }
  | {
      status: 'open';
      claimId: string;
      valueType: ValueType;
      assertions: Readonly<Record<string, AssertionState>>;
      verdictIds: readonly string[];
    };

type OpenClaimState = Extract<ClaimState, { status: 'open' }>;

export const initialClaimState = (): ClaimState => ({ status: 'absent' });

// ---- decide --------------------------------------------------------------------------------------

export function decideClaim(command: ClaimCommand, state: ClaimState, context: ClaimContext = {}): ClaimEvent[] {
  if (command.type === 'OpenClaim') return [openClaim(command, state)];
  if (state.status === 'absent') {
    throw new DomainError('not-found', `no claim ${command.data.claimId}`, 'claimId');
  }
  switch (command.type) {
    case 'RecordAssertion':
      return [recordAssertion(command, state, context)];
    case 'CorrectAssertion':
      return [correctAssertion(command, state, context)];
    case 'RetractAssertion':
      return [retractAssertion(command, state)];
    case 'RecordVerdict':
      return [recordVerdict(command, state)];
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown claim command ${(_exhaustive as { type: string }).type}`);
    }
  }
}

function openClaim({ data: c }: OpenClaim, state: ClaimState): ClaimEvent {
  if (state.status !== 'absent') throw new DomainError('conflict', `claim ${state.claimId} is already open`, 'claimId');
  if (!VALUE_TYPES.includes(c.valueType)) {
    throw new DomainError('invalid', `valueType must be one of ${VALUE_TYPES.join(', ')}`, 'valueType');
  }
  const description = optionalText(c.description, 'description');
  const entities = c.entities?.map((entity, i) => ({
    name: requireText(entity?.name, `entities.${i}.name`),
    aliases: [...new Set((entity.aliases ?? []).map((alias, j) => requireText(alias, `entities.${i}.aliases.${j}`)))],
  }));
  return {
    type: 'claimline.claim-opened',
    data: {
      claimId: requireText(c.claimId, 'claimId'),
      subject: requireText(c.subject, 'subject'),
      predicate: requireText(c.predicate, 'predicate'),
      valueType: c.valueType,
      ...(description === undefined ? {} : { description }),
      ...(entities === undefined || entities.length === 0 ? {} : { entities }),
    },
  };
}

function recordAssertion({ data: c }: RecordAssertion, claim: OpenClaimState, { source }: ClaimContext): ClaimEvent {
  const assertionId = requireText(c.assertionId, 'assertionId');
  if (claim.assertions[assertionId]) {
    throw new DomainError('conflict', `claim ${claim.claimId} already has an assertion ${assertionId}`, 'assertionId');
  }
  const cited = citedSource(source, c.sourceId, 'sourceId');
  const quote = quoteIn(cited, c.quote, 'quote');
  const saidAt = c.saidAt === undefined ? cited.publishedAt : readSaidAt(c.saidAt, cited, 'saidAt');
  const note = optionalText(c.note, 'note');
  const modality = c.modality === undefined ? 'stated' : readModality(c.modality, 'modality');
  return {
    type: 'claimline.assertion-recorded',
    data: {
      claimId: claim.claimId,
      assertionId,
      sourceId: cited.sourceId,
      ...quote,
      value: readValue(c.value, claim.valueType, assertionContext(saidAt.bounds, modality, cited.fiscalYear), 'value'),
      saidAt,
      speaker: c.speaker === undefined && cited.publisher !== null ? cited.publisher : requireText(c.speaker, 'speaker'),
      modality,
      ...(note === undefined ? {} : { note }),
    },
  };
}

function correctAssertion({ data: c }: CorrectAssertion, claim: OpenClaimState, { source }: ClaimContext): ClaimEvent {
  const current = liveAssertion(claim, c.assertionId, 'corrected');
  const reason = requireText(c.reason, 'reason');
  const asked = c.changes ?? {};

  // Validate every given field as on record, then keep only those that really differ.
  const next: Partial<AssertionFacts> = {};
  const sourceMoves = asked.sourceId !== undefined && asked.sourceId !== current.sourceId;
  const needsSource = sourceMoves || asked.quote !== undefined || asked.saidAt !== undefined;
  const cited = needsSource
    ? citedSource(source, sourceMoves ? asked.sourceId! : current.sourceId, sourceMoves ? 'changes.sourceId' : 'changes.quote')
    : undefined;
  if (cited && (sourceMoves || asked.quote !== undefined)) {
    // A quote is only ever matched against the source it cites, in its current text.
    const quote = quoteIn(cited, asked.quote ?? { exact: current.quote.exact }, 'changes.quote');
    if (sourceMoves) next.sourceId = cited.sourceId;
    if (sourceMoves || !sameJson(quote, { quote: current.quote, sourceTextVersion: current.sourceTextVersion })) {
      Object.assign(next, quote);
    }
  }
  if (asked.saidAt !== undefined) {
    const saidAt = readSaidAt(asked.saidAt, cited!, 'changes.saidAt');
    if (!sameJson(withoutParser(saidAt), withoutParser(current.saidAt))) next.saidAt = saidAt;
  }
  if (asked.modality !== undefined) {
    const modality = readModality(asked.modality, 'changes.modality');
    if (modality !== current.modality) next.modality = modality;
  }
  const fiscalYear = source?.status === 'registered' && source.sourceId === (next.sourceId ?? current.sourceId) ? source.fiscalYear : undefined;
  const context = assertionContext((next.saidAt ?? current.saidAt).bounds, next.modality ?? current.modality, fiscalYear);
  if (asked.value !== undefined) {
    const value = readValue(asked.value, claim.valueType, context, 'changes.value');
    // Re-reading the same words with a newer parser that agrees is not a correction.
    if (!sameJson(withoutParser(value), withoutParser(current.value))) next.value = value;
  } else if (current.value.type === 'date' && (next.saidAt !== undefined || next.modality !== undefined)) {
    // Relative or bare date words ("next year", "on 7 June") follow the corrected said-at and tense.
    const value = rereadDate(current.value, context);
    if (value && !sameJson(value.bounds, current.value.bounds)) next.value = value;
  }
  if (asked.speaker !== undefined) {
    const speaker = requireText(asked.speaker, 'changes.speaker');
    if (speaker !== current.speaker) next.speaker = speaker;
  }

  const keys = Object.keys(next) as (keyof AssertionFacts)[];
  if (keys.length === 0) {
    throw new DomainError('conflict', `the correction changes nothing: assertion ${current.assertionId} already holds these values`, 'changes');
  }
  const previous = Object.fromEntries(keys.map((key) => [key, current[key]])) as Partial<AssertionFacts>;
  return {
    type: 'claimline.assertion-corrected',
    data: { claimId: claim.claimId, assertionId: current.assertionId, changes: next, previous, reason },
  };
}

function retractAssertion({ data: c }: RetractAssertion, claim: OpenClaimState): ClaimEvent {
  const current = liveAssertion(claim, c.assertionId, 'retracted');
  if (!RETRACTION_KINDS.includes(c.kind)) {
    throw new DomainError('invalid', `kind must be one of ${RETRACTION_KINDS.join(', ')}`, 'kind');
  }
  return {
    type: 'claimline.assertion-retracted',
    data: { claimId: claim.claimId, assertionId: current.assertionId, kind: c.kind, reason: requireText(c.reason, 'reason') },
  };
}

function recordVerdict({ data: c }: RecordVerdict, claim: OpenClaimState): ClaimEvent {
  const verdictId = requireText(c.verdictId, 'verdictId');
  if (claim.verdictIds.includes(verdictId)) {
    throw new DomainError('conflict', `claim ${claim.claimId} already has a verdict ${verdictId}`, 'verdictId');
  }
  const ratingValue = c.rating?.ratingValue;
  if (!Number.isInteger(ratingValue) || ratingValue < 1 || ratingValue > 5) {
    throw new DomainError('invalid', 'rating.ratingValue must be a whole number from 1 (false) to 5 (true)', 'rating.ratingValue');
  }
  const rating: Rating = {
    ratingValue: ratingValue as Rating['ratingValue'],
    alternateName: requireText(c.rating.alternateName, 'rating.alternateName'),
    bestRating: 5,
    worstRating: 1,
  };
  const reviewedAt = optionalInstant(c.reviewedAt, 'reviewedAt');
  if (reviewedAt === null) throw new DomainError('invalid', 'reviewedAt is required', 'reviewedAt');
  return {
    type: 'claimline.verdict-recorded',
    data: {
      claimId: claim.claimId,
      verdictId,
      rating,
      reasoning: requireText(c.reasoning, 'reasoning'),
      reviewer: requireText(c.reviewer, 'reviewer'),
      reviewedAt,
    },
  };
}

// ---- evolve --------------------------------------------------------------------------------------

export function evolveClaim(state: ClaimState, event: ClaimEvent): ClaimState {
  if (event.type === 'claimline.claim-opened') {
    return { status: 'open', claimId: event.data.claimId, valueType: event.data.valueType, assertions: {}, verdictIds: [] };
  }
  if (state.status === 'absent') return state; // nothing can happen to a claim that was never opened
  switch (event.type) {
    case 'claimline.assertion-recorded': {
      const { claimId: _claimId, note: _note, ...facts } = event.data;
      return { ...state, assertions: { ...state.assertions, [facts.assertionId]: { ...facts, retracted: null } } };
    }
    case 'claimline.assertion-corrected': {
      const current = state.assertions[event.data.assertionId];
      if (!current) return state;
      return { ...state, assertions: { ...state.assertions, [current.assertionId]: { ...current, ...event.data.changes } } };
    }
    case 'claimline.assertion-retracted': {
      const current = state.assertions[event.data.assertionId];
      if (!current) return state;
      const retracted = { kind: event.data.kind, reason: event.data.reason };
      return { ...state, assertions: { ...state.assertions, [current.assertionId]: { ...current, retracted } } };
    }
    case 'claimline.verdict-recorded':
      return { ...state, verdictIds: [...state.verdictIds, event.data.verdictId] };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

// ---- shared rules --------------------------------------------------------------------------------

function liveAssertion(claim: OpenClaimState, assertionId: string, doing: 'corrected' | 'retracted'): AssertionState {
  const assertion = claim.assertions[assertionId];
  if (!assertion) throw new DomainError('not-found', `claim ${claim.claimId} has no assertion ${assertionId}`, 'assertionId');
  if (assertion.retracted) {
    throw new DomainError('conflict', `assertion ${assertionId} was retracted and cannot be ${doing}`, 'assertionId');
  }
  return assertion;
}

type RegisteredSource = Extract<SourceState, { status: 'registered' }>;

function citedSource(source: SourceState | undefined, sourceId: string, field: string): RegisteredSource {
  if (source === undefined) throw new Error('the cited source must be passed to decideClaim as context');
  if (source.status === 'absent' || source.sourceId !== sourceId) {
    throw new DomainError('not-found', `no source ${sourceId}`, field);
  }
  return source;
}

function quoteIn(source: RegisteredSource, input: QuoteInput, field: string): Pick<AssertionFacts, 'quote' | 'sourceTextVersion'> {
  const quote = withField(field, 'quote', () => selectQuote(source.text, input?.exact, { occurrence: input?.occurrence, prefix: input?.prefix }));
  return { quote, sourceTextVersion: source.textVersion };
}

/** Said-at words are read relative to the source's publication ("yesterday" in a dated article). */
function readSaidAt(words: string, source: RegisteredSource, field: string): DateValue {
  return parsingField(field, () => parseDate(requireText(words, field), { saidAt: source.publishedAt.bounds }));
}

/**
 * How an assertion's words are read: relative words ("next year") against its said-at, a bare date
 * ("on 7 June") forward when the modality speaks of a plan, year ranges by its source's fiscal year.
 */
export function assertionContext(saidAt: DayBounds | undefined, modality: string, fiscalYear?: FiscalYearStart): ParseContext {
  return {
    ...(saidAt === undefined ? {} : { saidAt }),
    ...((FORWARD_MODALITIES as readonly string[]).includes(modality) ? { direction: 'future' as const } : {}),
    ...(fiscalYear === undefined ? {} : { fiscalYear }),
  };
}

/** A stored date's words read again in a new context, keeping its year-range reading; null if they no longer read. */
function rereadDate(value: DateValue, context: ParseContext): DateValue | null {
  const yearRanges = value.convention?.split('+').filter((c) => c === 'calendar-years' || c.startsWith('fiscal-')).join('+');
  try {
    return parseValue({ type: 'date', text: value.text, ...(yearRanges ? { convention: yearRanges } : {}) }, context) as DateValue;
  } catch {
    return null; // entered as fields, not words: nothing to re-read
  }
}

function readValue(input: AssertionValueInput, valueType: ValueType, context: ParseContext, field: string): Value {
  if (input === null || typeof input !== 'object') throw new DomainError('invalid', `${field} is required`, field);
  if (input.type !== undefined && input.type !== valueType) {
    throw new DomainError('unprocessable', `the claim takes ${valueType} values, not ${input.type}`, `${field}.type`);
  }
  const structured = Object.keys(input).some((key) => key !== 'text' && key !== 'type' && input[key as keyof typeof input] !== undefined);
  try {
    return parseValue({ ...input, type: valueType }, context);
  } catch (error) {
    // Named down to the field at fault: `value.text`, `value.edtf`, `value.unit`…
    if (error instanceof UnparseableValue) throw new UnparseableField(structured ? (error.inputField ? `${field}.${error.inputField}` : field) : `${field}.text`, error);
    throw error;
  }
}

function readModality(value: string, field: string): Modality {
  if (!isModality(value)) throw new DomainError('invalid', `${field} must be one of the known modalities, not "${value}"`, field);
  return value;
}

/** Re-homes a refusal about `from` (or a sub-field of it) under `to`, e.g. `quote` -> `changes.quote`. */
function withField<T>(to: string, from: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (to !== from && error instanceof DomainError && error.field?.startsWith(from)) {
      throw new DomainError(error.kind, error.message, to + error.field.slice(from.length));
    }
    if (to !== from && error instanceof UnparseableField && error.field.startsWith(from)) {
      throw new UnparseableField(to + error.field.slice(from.length), error);
    }
    throw error;
  }
}

function withoutParser<T extends { parser: string }>(value: T): Omit<T, 'parser'> {
  const { parser: _parser, ...rest } = value;
  return rest;
}

/** Facts are plain JSON, so equal JSON (with keys in a fixed order) is equal facts. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, sortedKeys) === JSON.stringify(b, sortedKeys);
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
