import { type CompareOptions, relateValues, textAgreement, valueKinds } from '../values/compare.js';
import type { DateValue, Relation, TextValue, Value } from '../values/value.js';

/**
 * How a claim stands (RULES.md, "How a claim stands"): whether the record moved (revised), whether
 * sources disagree at the same time (contested) or neither (settled); the change in words; and the
 * current value, the best-supported one, with the assertions that support it. Pure: the
 * projections and as-of reads derive it from the live assertions alone.
 */

/** What the standing of a claim is derived from: one live assertion. */
export interface StandingAssertion {
  assertionId: string;
  sourceId: string;
  speaker: string;
  value: Value;
  saidAt: DateValue;
}

export type ClaimStatus = 'settled' | 'revised' | 'contested';

export type ChangeKind =
  | 'deadline-moved-later' | 'deadline-moved-earlier' | 'start-moved-later' | 'start-moved-earlier'
  | 'moved-later' | 'moved-earlier' | 'revised-up' | 'revised-down' | 'changed' | 'disputed';

/** A change on the record: from one assertion's value to another's, in words. */
export interface ValueChange {
  kind: ChangeKind;
  from: { assertionId: string; sourceId: string; text: string };
  to: { assertionId: string; sourceId: string; text: string };
  /** E.g. "deadline moved later: by September 2026 → by 2026–27". */
  words: string;
}

/** How an assertion supports the current value: it states it, states it less precisely (rounds it), or spells it another way. */
export type Support = 'states' | 'less-precise' | 'spelling-variant';

export interface Standing {
  status: ClaimStatus;
  /** The latest revision when the record moved; the dispute when contested; null when settled. */
  change: ValueChange | null;
  current: { assertionId: string; supportedBy: { assertionId: string; sourceId: string; support: Support }[] } | null;
}

/**
 * Two statements said within this many days of each other are concurrent: when they disagree, the
 * sources dispute the claim (contested) rather than the record having moved on (revised).
 */
export const CONCURRENT_WITHIN_DAYS = 7;

const DAY_MS = 86_400_000;

/** Whether two said-at intervals lie within `days` of each other (an open end reaches anywhere). */
export function saidWithin(a: DateValue, b: DateValue, days: number): boolean {
  return gapDays(dayMs(a.bounds.hi), dayMs(b.bounds.lo)) <= days && gapDays(dayMs(b.bounds.hi), dayMs(a.bounds.lo)) <= days;
}

type End = string | number | null;

/** -1, 0, 1 comparing two ends, `null` being -inf as a start and +inf as an end. */
function cmpEnd(a: End, b: End, side: 'lo' | 'hi'): number {
  if (a === b) return 0;
  if (a === null) return side === 'lo' ? -1 : 1;
  if (b === null) return side === 'lo' ? 1 : -1;
  return a < b ? -1 : 1;
}

/**
 * How a later value moved from an earlier one, or null when it did not: values that disagree
 * (overlap, contradict) moved; so did two deadlines ("by X") with different ends or two floors
 * ("from X", "over X") with different starts, though their bounds stay consistent. A value only
 * rounded or narrowed did not move.
 */
export function movement(earlier: Value, later: Value, relation: Relation): ChangeKind | null {
  if (relation === 'same' || relation === 'incomparable') return null;
  if (earlier.type === 'text' || later.type === 'text') return relation === 'contradicts' ? 'changed' : null;
  const a = earlier.bounds;
  const b = later.bounds;
  const disagree = relation === 'overlaps' || relation === 'contradicts';
  const date = earlier.type === 'date';
  if (a.lo === null && b.lo === null && a.hi !== b.hi) {
    const up = cmpEnd(b.hi, a.hi, 'hi') > 0;
    return date ? (up ? 'deadline-moved-later' : 'deadline-moved-earlier') : up ? 'revised-up' : 'revised-down';
  }
  if (a.hi === null && b.hi === null && a.lo !== b.lo) {
    const up = cmpEnd(b.lo, a.lo, 'lo') > 0;
    return date ? (up ? 'start-moved-later' : 'start-moved-earlier') : up ? 'revised-up' : 'revised-down';
  }
  if (!disagree) return null;
  const up = cmpEnd(b.hi, a.hi, 'hi') > 0 || (b.hi === a.hi && cmpEnd(b.lo, a.lo, 'lo') > 0);
  return date ? (up ? 'moved-later' : 'moved-earlier') : up ? 'revised-up' : 'revised-down';
}

const KIND_WORDS: Record<ChangeKind, string> = {
  'deadline-moved-later': 'deadline moved later',
  'deadline-moved-earlier': 'deadline moved earlier',
  'start-moved-later': 'start moved later',
  'start-moved-earlier': 'start moved earlier',
  'moved-later': 'moved later',
  'moved-earlier': 'moved earlier',
  'revised-up': 'revised up',
  'revised-down': 'revised down',
  changed: 'changed',
  disputed: 'sources disagree',
};

function changeOf(kind: ChangeKind, from: StandingAssertion, to: StandingAssertion): ValueChange {
  const words = kind === 'disputed'
    ? `${KIND_WORDS[kind]}: ${from.value.text} (${from.speaker}) vs ${to.value.text} (${to.speaker})`
    : `${KIND_WORDS[kind]}: ${from.value.text} → ${to.value.text}`;
  const end = (a: StandingAssertion) => ({ assertionId: a.assertionId, sourceId: a.sourceId, text: a.value.text });
  return { kind, from: end(from), to: end(to), words };
}

/**
 * The standing of a claim from its live assertions, given in said-at order (earliest first).
 * A later assertion that moved the value from an earlier one revises it, and the earlier one is
 * superseded; two that disagree while said within CONCURRENT_WITHIN_DAYS (or at the same said-at)
 * dispute it. Contested: a dispute between assertions not superseded. Revised: a revision and no
 * such dispute. The current value: among the assertions not superseded, the most precise one all
 * of them contain (its most often stated form, then the latest), else the latest.
 */
export function claimStanding(live: readonly StandingAssertion[], options: CompareOptions = {}): Standing {
  // Every pair is looked at (a claim of n assertions: n²/2), so the loop allocates nothing and
  // compares each pair of distinct values and said-at days once: the pairs come in order of their
  // later assertion, then their earlier one, so the last of a kind is the latest.
  const superseded = new Uint8Array(live.length);
  let revision: [number, number, ChangeKind] | undefined;
  const disputes: number[] = [];
  const { relate, kindOf } = valueRelations(live, options);
  const said = live.map(({ saidAt: { bounds } }) => ({ lo: bounds.lo, hi: bounds.hi, loMs: dayMs(bounds.lo), hiMs: dayMs(bounds.hi) }));
  for (let j = 1; j < live.length; j++) {
    const b = said[j]!;
    for (let i = 0; i < j; i++) {
      const { relation, kind } = relate(i, j);
      if (kind === null) continue;
      const a = said[i]!;
      const disagree = relation === 'overlaps' || relation === 'contradicts';
      const concurrent = gapDays(a.hiMs, b.loMs) <= CONCURRENT_WITHIN_DAYS && gapDays(b.hiMs, a.loMs) <= CONCURRENT_WITHIN_DAYS;
      if ((a.lo === b.lo && a.hi === b.hi) || (disagree && concurrent)) {
        disputes.push(i, j);
      } else {
        revision = [i, j, kind];
        superseded[i] = 1;
      }
    }
  }
  // The latest dispute between assertions neither of which a later one superseded.
  let dispute: [number, number] | undefined;
  for (let k = disputes.length - 2; k >= 0 && !dispute; k -= 2) {
    const [i, j] = [disputes[k]!, disputes[k + 1]!];
    if (!superseded[i] && !superseded[j]) dispute = [i, j];
  }

  let status: ClaimStatus = 'settled';
  let change: ValueChange | null = null;
  if (dispute) {
    status = 'contested';
    change = changeOf('disputed', live[dispute[0]]!, live[dispute[1]]!);
  } else if (revision) {
    status = 'revised';
    change = changeOf(revision[2], live[revision[0]]!, live[revision[1]]!);
  }
  const standing = live.flatMap((_, i) => (superseded[i] ? [] : [i]));
  return { status, change, current: currentOf(live, standing, status === 'contested', relate, kindOf, options) };
}

const dayMs = (day: string | null): number | null => (day === null ? null : Date.parse(day));

/** Days from the end of one said-at to the start of another (0 when they meet, overlap or an end is open), as saidWithin counts them. */
const gapDays = (endOfFirst: number | null, startOfSecond: number | null): number =>
  endOfFirst === null || startOfSecond === null ? 0 : Math.max(0, (startOfSecond - endOfFirst) / DAY_MS);

/**
 * relateValues (and movement) of two of the claim's values by their places in `live`, each pair of
 * distinct values worked out once: a claim's assertions repeat a few values, and comparing every
 * pair afresh made the standing of a claim of hundreds of assertions take a large part of a second.
 */
function valueRelations(live: readonly StandingAssertion[], options: CompareOptions): { relate: (i: number, j: number) => { relation: Relation; kind: ChangeKind | null }; kindOf: readonly number[] } {
  const { kindOf, kinds } = valueKinds(live.map((a) => a.value));
  const known: ({ relation: Relation; kind: ChangeKind | null } | undefined)[] = [];
  const relate = (i: number, j: number) => {
    const key = kindOf[i]! * kinds.length + kindOf[j]!;
    let pair = known[key];
    if (!pair) {
      const [a, b] = [live[i]!.value, live[j]!.value];
      const relation = relateValues(a, b, options);
      known[key] = pair = { relation, kind: movement(a, b, relation) };
    }
    return pair;
  };
  return { relate, kindOf };
}

/** The best-supported value among the assertions still standing (places in `live`), and who supports it. */
function currentOf(
  live: readonly StandingAssertion[],
  standing: readonly number[],
  contested: boolean,
  relate: (i: number, j: number) => { relation: Relation },
  kindOf: readonly number[],
  options: CompareOptions,
): Standing['current'] {
  if (standing.length === 0) return null;
  const contains = (outer: number, inner: number) => ['same', 'refines'].includes(relate(outer, inner).relation);
  // Inside every other one: the most precise value they all share (a chain when they agree). One
  // assertion of each value stands for all of that value.
  const oneOfEach = [...new Map(standing.map((m) => [kindOf[m]!, m])).values()];
  const inner = contested ? [] : standing.filter((c) => oneOfEach.every((m) => contains(m, c)));
  let chosen = standing.at(-1)!;
  if (inner.length > 0) {
    // How often its words are stated: each form of words counted once over the inner ones.
    const counted = new Map<string, number>();
    for (const o of inner) {
      const words = wordsOf(live[o]!.value);
      counted.set(words, (counted.get(words) ?? 0) + 1);
    }
    const stated = (c: number) => counted.get(wordsOf(live[c]!.value))!;
    chosen = inner.reduce((best, c) => (stated(c) >= stated(best) ? c : best));
  }
  const supportedBy = standing
    .filter((m) => contains(m, chosen))
    .map((m) => ({ assertionId: live[m]!.assertionId, sourceId: live[m]!.sourceId, support: supportOf(live[m]!.value, live[chosen]!.value, options) }));
  return { assertionId: live[chosen]!.assertionId, supportedBy };
}

/** A value's words as written, case aside (and a quantity's unit): two values state the same words when these are equal. */
const wordsOf = (value: Value): string => JSON.stringify([value.normalized.toLowerCase(), value.type === 'quantity' ? value.unit : null]);

function supportOf(member: Value, current: Value, options: CompareOptions): Support {
  if (member.type === 'text' && current.type === 'text') return textAgreement(member as TextValue, current as TextValue, options) === 'variant' ? 'spelling-variant' : 'states';
  return relateValues(member, current, options) === 'same' ? 'states' : 'less-precise';
}
