import {
  claimStanding,
  type ClaimStatus,
  compareValues,
  CONCURRENT_WITHIN_DAYS,
  DISCREPANCY_RELATIONS,
  relateValues,
  saidWithin,
  type Standing,
  type ValueChange,
  type AssertionFacts,
  type ClaimEvent,
  type Comparison,
  type DateValue,
  type Entity,
  type Rating,
  type RetractionKind,
  type Value,
  type ValueType,
} from '#domain';

/**
 * A claim folded from its events: the one shape the claim-state, claim-timeline and discrepancies
 * views are derived from. Pure data (JSON-safe), so projections can store it between batches.
 */
export interface ClaimFold {
  claimId: string;
  subject: string;
  predicate: string;
  valueType: ValueType;
  description: string | null;
  entities: Entity[];
  openedAt: string;
  openedBy: string;
  /** Stream revision of the last event folded in (what If-Match compares with). */
  revision: number;
  lastPosition: number;
  lastChange: LastChange;
  assertions: AssertionEntry[];
  verdicts: VerdictEntry[];
}

export interface LastChange {
  at: string;
  by: string;
  type: ClaimEvent['type'];
  assertionId?: string;
  summary: string;
}

export interface CorrectionEntry {
  at: string;
  by: string;
  reason: string;
  changes: Partial<AssertionFacts>;
  previous: Partial<AssertionFacts>;
}

export interface AssertionEntry extends AssertionFacts {
  assertionId: string;
  note: string | null;
  recordedAt: string;
  recordedBy: string;
  position: number;
  corrections: CorrectionEntry[];
  retraction: { at: string; by: string; kind: RetractionKind; reason: string } | null;
}

export interface VerdictEntry {
  verdictId: string;
  rating: Rating;
  reasoning: string;
  reviewer: string;
  reviewedAt: string;
  recordedAt: string;
  recordedBy: string;
}

/** What the fold needs of a stored event besides its data. */
export interface EventContext {
  revision: number;
  position: number;
  recordedAt: string;
  actor: string;
}

export function foldClaim(fold: ClaimFold | null, event: ClaimEvent, ctx: EventContext): ClaimFold | null {
  if (event.type === 'claimline.claim-opened') {
    const d = event.data;
    return {
      claimId: d.claimId,
      subject: d.subject,
      predicate: d.predicate,
      valueType: d.valueType,
      description: d.description ?? null,
      entities: d.entities ?? [],
      openedAt: ctx.recordedAt,
      openedBy: ctx.actor,
      revision: ctx.revision,
      lastPosition: ctx.position,
      lastChange: { at: ctx.recordedAt, by: ctx.actor, type: event.type, summary: `opened: ${d.subject} — ${d.predicate}` },
      assertions: [],
      verdicts: [],
    };
  }
  // Events of a claim never precede its opening; a fold without one has nothing to attach them to.
  if (!fold) return null;
  const next: ClaimFold = { ...fold, revision: ctx.revision, lastPosition: ctx.position };
  switch (event.type) {
    case 'claimline.assertion-recorded': {
      const { claimId: _claimId, assertionId, note, ...facts } = event.data;
      next.assertions = [
        ...fold.assertions,
        { ...facts, assertionId, note: note ?? null, recordedAt: ctx.recordedAt, recordedBy: ctx.actor, position: ctx.position, corrections: [], retraction: null },
      ];
      next.lastChange = { at: ctx.recordedAt, by: ctx.actor, type: event.type, assertionId, summary: `recorded "${facts.value.text}" from ${facts.speaker}` };
      return next;
    }
    case 'claimline.assertion-corrected': {
      const { assertionId, changes, previous, reason } = event.data;
      next.assertions = fold.assertions.map((a) =>
        a.assertionId === assertionId
          ? { ...a, ...changes, corrections: [...a.corrections, { at: ctx.recordedAt, by: ctx.actor, reason, changes, previous }] }
          : a,
      );
      next.lastChange = { at: ctx.recordedAt, by: ctx.actor, type: event.type, assertionId, summary: `corrected ${Object.keys(changes).join(', ')}: ${reason}` };
      return next;
    }
    case 'claimline.assertion-retracted': {
      const { assertionId, kind, reason } = event.data;
      next.assertions = fold.assertions.map((a) =>
        a.assertionId === assertionId ? { ...a, retraction: { at: ctx.recordedAt, by: ctx.actor, kind, reason } } : a,
      );
      next.lastChange = { at: ctx.recordedAt, by: ctx.actor, type: event.type, assertionId, summary: `retracted (${kind}): ${reason}` };
      return next;
    }
    case 'claimline.verdict-recorded': {
      const { claimId: _claimId, ...verdict } = event.data;
      next.verdicts = [...fold.verdicts, { ...verdict, recordedAt: ctx.recordedAt, recordedBy: ctx.actor }];
      next.lastChange = { at: ctx.recordedAt, by: ctx.actor, type: event.type, summary: `verdict: ${verdict.rating.alternateName}` };
      return next;
    }
    default: {
      const unexpected: never = event;
      throw new Error(`unhandled claim event ${(unexpected as ClaimEvent).type}`);
    }
  }
}

// ---- derived views -------------------------------------------------------------------------------

export type { ClaimStatus } from '#domain';

/** Narrows what a view sees: `saidBy` keeps what was on the public record by that day (said-at axis). */
export interface ViewFilter {
  /** `YYYY-MM-DD`: only assertions whose said-at ends on or before this day. */
  saidBy?: string;
}

export { CONCURRENT_WITHIN_DAYS } from '#domain';

/** Whether an assertion is still on the record (not retracted). */
export const isLiveAssertion = (a: AssertionEntry): boolean => a.retraction === null;

function visible(fold: ClaimFold, filter: ViewFilter): AssertionEntry[] {
  const { saidBy } = filter;
  return saidBy === undefined ? fold.assertions : fold.assertions.filter((a) => a.saidAt.bounds.hi !== null && a.saidAt.bounds.hi <= saidBy);
}

/** Said-at order: by start, then end (open ends first/last), then when claimline learned of it. */
export function bySaidAt(a: AssertionEntry, b: AssertionEntry): number {
  const lo = cmpNullable(a.saidAt.bounds.lo, b.saidAt.bounds.lo, -1);
  if (lo !== 0) return lo;
  const hi = cmpNullable(a.saidAt.bounds.hi, b.saidAt.bounds.hi, 1);
  if (hi !== 0) return hi;
  return a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.position - b.position;
}

function cmpNullable(a: string | null, b: string | null, nullIs: -1 | 1): number {
  if (a === b) return 0;
  if (a === null) return nullIs;
  if (b === null) return -nullIs;
  return a < b ? -1 : 1;
}

/**
 * compareValues is pure, and its explanation words cost more than the rest of a view. A claim's
 * fold keeps its value objects from event to event while the runner holds it in memory, so a pair
 * gets its words once there, not once per view written (the state counts every disagreeing pair).
 */
const comparisons = new WeakMap<Value, WeakMap<Value, Comparison>>();

/** Text values are compared through the claim's entities (a value belongs to one claim, so the memo holds). */
function compare(a: Value, b: Value, entities: readonly Entity[]): Comparison {
  let withA = comparisons.get(a);
  if (!withA) comparisons.set(a, (withA = new WeakMap()));
  let comparison = withA.get(b);
  if (!comparison) withA.set(b, (comparison = compareValues(a, b, { entities })));
  return comparison;
}

export interface RelationToPrevious extends Comparison {
  previousAssertionId: string;
}

export interface TimelineEntry extends AssertionFacts {
  assertionId: string;
  note: string | null;
  recordedAt: string;
  recordedBy: string;
  status: 'live' | 'retracted';
  /** Relation to the previous live assertion in said-at order; null for the first and for retracted ones. */
  relationToPrevious: RelationToPrevious | null;
  corrections: CorrectionEntry[];
  retraction: AssertionEntry['retraction'];
}

export function timelineOf(fold: ClaimFold, filter: ViewFilter = {}): TimelineEntry[] {
  let previous: AssertionEntry | null = null;
  return [...visible(fold, filter)].sort(bySaidAt).map((a) => {
    let relationToPrevious: RelationToPrevious | null = null;
    if (isLiveAssertion(a)) {
      if (previous) relationToPrevious = { ...compare(previous.value, a.value, fold.entities), previousAssertionId: previous.assertionId };
      previous = a;
    }
    return {
      assertionId: a.assertionId,
      sourceId: a.sourceId,
      quote: a.quote,
      sourceTextVersion: a.sourceTextVersion,
      value: a.value,
      saidAt: a.saidAt,
      speaker: a.speaker,
      modality: a.modality,
      note: a.note,
      recordedAt: a.recordedAt,
      recordedBy: a.recordedBy,
      status: isLiveAssertion(a) ? 'live' : 'retracted',
      relationToPrevious,
      corrections: a.corrections,
      retraction: a.retraction,
    };
  });
}

export interface Discrepancy {
  claimId: string;
  /** The earlier assertion in said-at order. */
  earlierAssertionId: string;
  laterAssertionId: string;
  relation: 'overlaps' | 'contradicts';
  explanation: string;
  /** Said within CONCURRENT_WITHIN_DAYS of each other. */
  concurrent: boolean;
}

export function discrepanciesOf(fold: ClaimFold, filter: ViewFilter = {}): Discrepancy[] {
  const live = visible(fold, filter).filter(isLiveAssertion).sort(bySaidAt);
  const found: Discrepancy[] = [];
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const d = pairDiscrepancy(fold.claimId, live[i]!, live[j]!, fold.entities);
      if (d) found.push(d);
    }
  }
  return found;
}

/**
 * The discrepancy between two live assertions of a claim, if they disagree. It depends on nothing
 * but the two (which is earlier is their said-at order), so an event changes only its own
 * assertion's pairs.
 */
export function pairDiscrepancy(claimId: string, a: AssertionEntry, b: AssertionEntry, entities: readonly Entity[] = []): Discrepancy | null {
  const [earlier, later] = bySaidAt(a, b) <= 0 ? [a, b] : [b, a];
  const relation = relateValues(earlier.value, later.value, { entities });
  if (!DISCREPANCY_RELATIONS.includes(relation)) return null;
  return {
    claimId,
    earlierAssertionId: earlier.assertionId,
    laterAssertionId: later.assertionId,
    relation: relation as Discrepancy['relation'],
    explanation: compare(earlier.value, later.value, entities).explanation,
    concurrent: saidWithin(earlier.saidAt, later.saidAt, CONCURRENT_WITHIN_DAYS),
  };
}

export interface ClaimState {
  claimId: string;
  subject: string;
  predicate: string;
  valueType: ValueType;
  description: string | null;
  entities: Entity[];
  revision: number;
  status: ClaimStatus;
  /** What moved (revised) or who disagrees (contested), in words; null when settled. */
  change: ValueChange | null;
  /** The best-supported live value (claimStanding in #domain) and the assertions that support it. */
  current: ({ assertionId: string; value: Value; saidAt: DateValue; sourceId: string; speaker: string } & Pick<NonNullable<Standing['current']>, 'supportedBy'>) | null;
  counts: { assertions: number; live: number; retracted: number; corrected: number; sources: number; discrepancies: number; verdicts: number };
  verdict: VerdictEntry | null;
  openedAt: string;
  lastChange: LastChange;
}

export function stateOf(fold: ClaimFold, filter: ViewFilter = {}): ClaimState {
  const all = visible(fold, filter);
  const live = all.filter(isLiveAssertion).sort(bySaidAt);
  const discrepancies = discrepanciesOf(fold, filter);
  const { status, change, current } = claimStanding(live, { entities: fold.entities });
  const chosen = current && live.find((a) => a.assertionId === current.assertionId)!;
  return {
    claimId: fold.claimId,
    subject: fold.subject,
    predicate: fold.predicate,
    valueType: fold.valueType,
    description: fold.description,
    entities: fold.entities,
    revision: fold.revision,
    status,
    change,
    current: chosen && { assertionId: chosen.assertionId, value: chosen.value, saidAt: chosen.saidAt, sourceId: chosen.sourceId, speaker: chosen.speaker, supportedBy: current!.supportedBy },
    counts: {
      assertions: all.length,
      live: live.length,
      retracted: all.length - live.length,
      corrected: all.filter((a) => a.corrections.length > 0).length,
      sources: new Set(live.map((a) => a.sourceId)).size,
      discrepancies: discrepancies.length,
      verdicts: fold.verdicts.length,
    },
    verdict: fold.verdicts.at(-1) ?? null,
    openedAt: fold.openedAt,
    lastChange: fold.lastChange,
  };
}
