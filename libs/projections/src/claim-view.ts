import {
  claimStanding,
  type ClaimStatus,
  compareValues,
  CONCURRENT_WITHIN_DAYS,
  DISCREPANCY_RELATIONS,
  disagreeingPairs,
  relateValues,
  saidWithin,
  type Standing,
  type ValueChange,
  type AssertionFacts,
  type ClaimEvent,
  type Comparison,
  type DateValue,
  type ClaimDefinition,
  type Entity,
  type Rating,
  type RetractionKind,
  type Value,
} from '#domain';

/**
 * A claim folded from its events: the one shape the claim-state, claim-timeline and discrepancies
 * views are derived from. Folding changes it in place (it is never stored, and only the fold stage
 * holds it), so one event costs what it changes.
 */
export interface ClaimFold extends ClaimDefinition {
  openedAt: string;
  openedBy: string;
  /** Log position of the claim's opening (the claim list is in this order). */
  openedPosition: number;
  /** Stream revision of the last event folded in (what If-Match compares with). */
  revision: number;
  lastPosition: number;
  lastChange: LastChange;
  assertions: AssertionEntry[];
  verdicts: VerdictEntry[];
  /**
   * Every pair of assertions that has disagreed, as the discrepancies view keeps it: open, or
   * resolved by the event that ended it. It depends on the order of events, not only on the
   * assertions now, so it is folded event by event like the rest.
   */
  discrepancies: Map<string, DiscrepancyRow>;
  /**
   * The open ones by assertion (each with the other assertion of the pair and the pair's key): an
   * event looks at its own assertion's pairs only, not at every pair of the claim (n²/2 of n
   * assertions).
   */
  openPairs: Map<string, Map<string, string>>;
  /**
   * The pairs the latest events changed, oldest first ([position, key]), every change after
   * `pairChangesFrom` (pairsChangedAfter): the discrepancies view writes a batch's pairs without
   * going through every pair of the claim.
   */
  pairChanges: [number, string][];
  pairChangesFrom: number;
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

/**
 * Folds one claim event into `fold` (changing it) and returns it; an opening starts a new fold.
 * Without `pairs` the discrepancy pairs are not kept (a read of the past counts them from the
 * assertions, and their words cost more than the rest of the fold).
 */
export function foldClaim(fold: ClaimFold | null, event: ClaimEvent, ctx: EventContext, { pairs = true }: { pairs?: boolean } = {}): ClaimFold | null {
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
      openedPosition: ctx.position,
      revision: ctx.revision,
      lastPosition: ctx.position,
      lastChange: { at: ctx.recordedAt, by: ctx.actor, type: event.type, summary: `opened: ${d.subject} — ${d.predicate}` },
      assertions: [],
      verdicts: [],
      discrepancies: new Map(),
      openPairs: new Map(),
      pairChanges: [],
      pairChangesFrom: -1,
    };
  }
  // Events of a claim never precede its opening; a fold without one has nothing to attach them to.
  if (!fold) return null;
  fold.revision = ctx.revision;
  fold.lastPosition = ctx.position;
  const at = ctx.recordedAt;
  const by = ctx.actor;
  switch (event.type) {
    case 'claimline.assertion-recorded': {
      const d = event.data;
      const { assertionId } = d;
      fold.assertions.push({
        sourceId: d.sourceId, quote: d.quote, sourceTextVersion: d.sourceTextVersion, value: d.value, saidAt: d.saidAt, speaker: d.speaker, modality: d.modality,
        assertionId, note: d.note ?? null, recordedAt: at, recordedBy: by, position: ctx.position, corrections: [], retraction: null,
      });
      fold.lastChange = { at, by, type: event.type, assertionId, summary: `recorded "${d.value.text}" from ${d.speaker}` };
      break;
    }
    case 'claimline.assertion-corrected': {
      const { assertionId, changes, previous, reason } = event.data;
      const a = fold.assertions.find((x) => x.assertionId === assertionId);
      if (a) Object.assign(a, changes, { corrections: [...a.corrections, { at, by, reason, changes, previous }] });
      fold.lastChange = { at, by, type: event.type, assertionId, summary: `corrected ${Object.keys(changes).join(', ')}: ${reason}` };
      break;
    }
    case 'claimline.assertion-retracted': {
      const { assertionId, kind, reason } = event.data;
      const a = fold.assertions.find((x) => x.assertionId === assertionId);
      if (a) a.retraction = { at, by, kind, reason };
      fold.lastChange = { at, by, type: event.type, assertionId, summary: `retracted (${kind}): ${reason}` };
      break;
    }
    case 'claimline.verdict-recorded': {
      const { claimId: _claimId, ...verdict } = event.data;
      fold.verdicts.push({ ...verdict, recordedAt: at, recordedBy: by });
      fold.lastChange = { at, by, type: event.type, summary: `verdict: ${verdict.rating.alternateName}` };
      return fold;
    }
    default: {
      const unexpected: never = event;
      throw new Error(`unhandled claim event ${(unexpected as ClaimEvent).type}`);
    }
  }
  if (pairs) foldDiscrepancies(fold, event.data.assertionId, ctx);
  return fold;
}

// ---- discrepancies, kept pair by pair ---------------------------------------------------------------

export interface DiscrepancySide {
  assertionId: string;
  sourceId: string;
  quote: string;
  value: string;
  speaker: string;
  saidAt: string;
}

/** A discrepancy as the view stores and answers it. */
export interface StoredDiscrepancy {
  claimId: string;
  subject: string;
  predicate: string;
  relation: Discrepancy['relation'];
  explanation: string;
  concurrent: boolean;
  earlier: DiscrepancySide;
  later: DiscrepancySide;
  status: 'open' | 'resolved';
  openedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
}

/** A discrepancy as the fold keeps it: as stored but for its explanation (storedDiscrepancy). */
export type PairBody = Omit<StoredDiscrepancy, 'explanation'>;

export interface DiscrepancyRow {
  body: PairBody;
  /**
   * The two values as they were when the row last changed, earlier first: the explanation is put
   * into words from them when the row is written (words for every pair of a claim read whole from
   * the log were most of the time it took).
   */
  values: readonly [Value, Value];
  /** Position of the event that last changed the row: a file at a later checkpoint already holds it. */
  seq: number;
  /**
   * Orders the list: the position of the event that first found the pair, then its place among the
   * pairs that event changed (a row keeps it when it is resolved or found again).
   */
  ordinal: number;
}

const ordinalOf = (position: number, index: number): number => position * 1_048_576 + index;

const pairKey = (earlier: string, later: string): string => `${earlier}\u0000${later}`;

/**
 * A pair depends on its two assertions only, so an event changes only its own assertion's pairs:
 * a pair that disagrees is (re)opened, and one that stopped disagreeing is resolved by this event,
 * with its summary. Most events leave a pair's row as it was.
 */
function foldDiscrepancies(fold: ClaimFold, touched: string, ctx: EventContext): void {
  const wasOpen = new Map<string, DiscrepancyRow>();
  for (const key of fold.openPairs.get(touched)?.values() ?? []) wasOpen.set(key, fold.discrepancies.get(key)!);
  let index = 0;
  const save = (key: string, body: PairBody, values: readonly [Value, Value]): void => {
    fold.discrepancies.set(key, { body, values, seq: ctx.position, ordinal: fold.discrepancies.get(key)?.ordinal ?? ordinalOf(ctx.position, index) });
    index++;
    fold.pairChanges.push([ctx.position, key]);
    indexPair(fold.openPairs, body.earlier.assertionId, body.later.assertionId, key, body.status === 'open');
    indexPair(fold.openPairs, body.later.assertionId, body.earlier.assertionId, key, body.status === 'open');
  };
  const x = fold.assertions.find((a) => a.assertionId === touched);
  if (x && isLiveAssertion(x)) {
    for (const y of fold.assertions) {
      if (y === x || !isLiveAssertion(y)) continue;
      const d = pairDiscrepancy(fold.claimId, x, y, fold.entities);
      if (!d) continue;
      const key = pairKey(d.earlierAssertionId, d.laterAssertionId);
      const previous = wasOpen.get(key);
      wasOpen.delete(key);
      const earlier = sideOf(d.earlierAssertionId === x.assertionId ? x : y);
      const later = sideOf(d.laterAssertionId === x.assertionId ? x : y);
      if (previous && sameDiscrepancy(previous, d, earlier, later)) continue;
      save(key, {
        claimId: d.claimId, subject: fold.subject, predicate: fold.predicate, relation: d.relation,
        concurrent: d.concurrent, earlier, later, status: 'open', openedAt: previous?.body.openedAt ?? ctx.recordedAt, resolvedAt: null, resolution: null,
      }, [d.earlierValue, d.laterValue]);
    }
  }
  // Open before this event and not any more: a retraction or correction resolved it.
  for (const [key, { body, values }] of wasOpen) save(key, { ...body, status: 'resolved', resolvedAt: ctx.recordedAt, resolution: fold.lastChange.summary }, values);
  // The changes of the claim's last few events are listed (an event changes at most one pair with
  // each other assertion); a reader further behind goes through every pair.
  const kept = pairChangeLog.eventsKept * (fold.assertions.length + 1);
  if (fold.pairChanges.length > 2 * kept) fold.pairChangesFrom = fold.pairChanges.splice(0, fold.pairChanges.length - kept).at(-1)![0];
}

/** Notes (or, resolved, forgets) an open pair under one of its two assertions. */
function indexPair(openPairs: ClaimFold['openPairs'], side: string, other: string, key: string, open: boolean): void {
  let pairs = openPairs.get(side);
  if (open) {
    if (!pairs) openPairs.set(side, (pairs = new Map()));
    pairs.set(other, key);
  } else if (pairs?.get(other) === key) {
    // (A correction of said-at can turn a pair around: its new key is open, its old key resolved.)
    pairs.delete(other);
    if (pairs.size === 0) openPairs.delete(side);
  }
}

/** How many of a claim's events the changed-pairs list covers, at least (tests lower it to go past it). */
export const pairChangeLog = { eventsKept: 16 };

/** The discrepancy rows changed by the claim's events after the log position `after`. */
export function* pairsChangedAfter(fold: ClaimFold, after: number): Generator<DiscrepancyRow> {
  if (after < fold.pairChangesFrom) {
    for (const row of fold.discrepancies.values()) if (row.seq > after) yield row;
    return;
  }
  const seen = new Set<string>();
  for (let i = fold.pairChanges.length - 1; i >= 0 && fold.pairChanges[i]![0] > after; i--) {
    const key = fold.pairChanges[i]![1];
    if (seen.has(key)) continue;
    seen.add(key);
    yield fold.discrepancies.get(key)!;
  }
}

const sideOf = (a: AssertionEntry): DiscrepancySide => ({
  assertionId: a.assertionId, sourceId: a.sourceId, quote: a.quote.exact, value: a.value.text, speaker: a.speaker, saidAt: a.saidAt.text,
});

const sameSide = (a: DiscrepancySide, b: DiscrepancySide): boolean =>
  a.assertionId === b.assertionId && a.sourceId === b.sourceId && a.quote === b.quote && a.value === b.value && a.speaker === b.speaker && a.saidAt === b.saidAt;

/** Values that give the same words (the same object, or one equal to it). */
const sameValue = (a: Value, b: Value): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

function sameDiscrepancy(stored: DiscrepancyRow, d: Discrepancy, earlier: DiscrepancySide, later: DiscrepancySide): boolean {
  const { body } = stored;
  return body.relation === d.relation && body.concurrent === d.concurrent && sameSide(body.earlier, earlier) && sameSide(body.later, later) &&
    sameValue(stored.values[0], d.earlierValue) && sameValue(stored.values[1], d.laterValue);
}

/** A discrepancy row as the view stores it, its explanation put into words. */
export function storedDiscrepancy(row: DiscrepancyRow, entities: readonly Entity[]): StoredDiscrepancy {
  const { claimId, subject, predicate, relation, ...rest } = row.body;
  return { claimId, subject, predicate, relation, explanation: compareValues(row.values[0], row.values[1], { entities }).explanation, ...rest };
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
  /** False when its source's current text no longer contains the quote. */
  quoteInCurrentText: boolean;
}

/**
 * The timeline: every visible assertion in said-at order; `quoteInCurrentText` looks at its
 * source's current text, and `compare` may be a memo of compareValues.
 */
export function timelineOf(
  fold: ClaimFold,
  quoteInCurrentText: (a: AssertionFacts) => boolean,
  filter: ViewFilter = {},
  compare: (a: Value, b: Value, entities: readonly Entity[]) => Comparison = (a, b, entities) => compareValues(a, b, { entities }),
): TimelineEntry[] {
  let previous: AssertionEntry | null = null;
  return [...visible(fold, filter)].sort(bySaidAt).map((a) => {
    let relationToPrevious: RelationToPrevious | null = null;
    const live = isLiveAssertion(a);
    if (live) {
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
      status: live ? 'live' : 'retracted',
      relationToPrevious,
      corrections: a.corrections,
      retraction: a.retraction,
      quoteInCurrentText: quoteInCurrentText(a),
    };
  });
}

/** Two live assertions of a claim that disagree, without the words (made only for what is stored). */
export interface Discrepancy {
  claimId: string;
  /** The earlier assertion in said-at order. */
  earlierAssertionId: string;
  laterAssertionId: string;
  relation: 'overlaps' | 'contradicts';
  /** Said within CONCURRENT_WITHIN_DAYS of each other. */
  concurrent: boolean;
  earlierValue: Value;
  laterValue: Value;
}

/**
 * The discrepancy between two live assertions of a claim, if they disagree (which is earlier is
 * their said-at order). Text values are compared through the claim's entities.
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
    concurrent: saidWithin(earlier.saidAt, later.saidAt, CONCURRENT_WITHIN_DAYS),
    earlierValue: earlier.value,
    laterValue: later.value,
  };
}

/** The claim-state view (the decider's own `ClaimState` in the domain is another thing). */
export interface ClaimStateView extends ClaimDefinition {
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

export function stateOf(fold: ClaimFold, filter: ViewFilter = {}): ClaimStateView {
  const all = visible(fold, filter);
  const live = all.filter(isLiveAssertion).sort(bySaidAt);
  // How the claim moved and where it stands (claimStanding in #domain), from the live assertions.
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
      discrepancies: disagreeingPairs(live.map((a) => a.value), { entities: fold.entities }),
      verdicts: fold.verdicts.length,
    },
    verdict: fold.verdicts.at(-1) ?? null,
    openedAt: fold.openedAt,
    lastChange: fold.lastChange,
  };
}
