import { type CompareOptions, relateValues, textAgreement } from '../values/compare.js';
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
  const gap = (endOfFirst: string | null, startOfSecond: string | null): number =>
    endOfFirst === null || startOfSecond === null ? 0 : Math.max(0, (Date.parse(startOfSecond) - Date.parse(endOfFirst)) / DAY_MS);
  return Math.max(gap(a.bounds.hi, b.bounds.lo), gap(b.bounds.hi, a.bounds.lo)) <= days;
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
  const superseded = new Set<number>();
  const revisions: [number, number, ChangeKind][] = [];
  const disputes: [number, number][] = [];
  for (let j = 1; j < live.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [live[i]!, live[j]!];
      const relation = relateValues(a.value, b.value, options);
      const kind = movement(a.value, b.value, relation);
      if (kind === null) continue;
      const disagree = relation === 'overlaps' || relation === 'contradicts';
      const sameSaidAt = a.saidAt.bounds.lo === b.saidAt.bounds.lo && a.saidAt.bounds.hi === b.saidAt.bounds.hi;
      if (sameSaidAt || (disagree && saidWithin(a.saidAt, b.saidAt, CONCURRENT_WITHIN_DAYS))) {
        disputes.push([i, j]);
      } else {
        revisions.push([i, j, kind]);
        superseded.add(i);
      }
    }
  }
  const open = disputes.filter(([i, j]) => !superseded.has(i) && !superseded.has(j));
  const latest = <T extends [number, number, ...unknown[]]>(xs: T[]): T | undefined =>
    xs.reduce<T | undefined>((best, x) => (best === undefined || x[1] > best[1] || (x[1] === best[1] && x[0] > best[0]) ? x : best), undefined);

  let status: ClaimStatus = 'settled';
  let change: ValueChange | null = null;
  const dispute = latest(open);
  const revision = latest(revisions);
  if (dispute) {
    status = 'contested';
    change = changeOf('disputed', live[dispute[0]]!, live[dispute[1]]!);
  } else if (revision) {
    status = 'revised';
    change = changeOf(revision[2], live[revision[0]]!, live[revision[1]]!);
  }
  return { status, change, current: currentOf(live.filter((_, i) => !superseded.has(i)), status === 'contested', options) };
}

/** The best-supported value among assertions still standing, and who supports it. */
function currentOf(standing: readonly StandingAssertion[], contested: boolean, options: CompareOptions): Standing['current'] {
  if (standing.length === 0) return null;
  const contains = (outer: StandingAssertion, inner: StandingAssertion) => ['same', 'refines'].includes(relateValues(outer.value, inner.value, options));
  // Inside every other one: the most precise value they all share (a chain when they agree).
  const inner = contested ? [] : standing.filter((c) => standing.every((m) => contains(m, c)));
  let chosen = standing.at(-1)!;
  if (inner.length > 0) {
    const stated = (c: StandingAssertion) => inner.filter((o) => sameWords(o.value, c.value)).length;
    chosen = inner.reduce((best, c) => (stated(c) >= stated(best) ? c : best));
  }
  const supportedBy = standing
    .filter((m) => contains(m, chosen))
    .map((m) => ({ assertionId: m.assertionId, sourceId: m.sourceId, support: supportOf(m.value, chosen.value, options) }));
  return { assertionId: chosen.assertionId, supportedBy };
}

function sameWords(a: Value, b: Value): boolean {
  return a.normalized.toLowerCase() === b.normalized.toLowerCase() && (a.type !== 'quantity' || (b.type === 'quantity' && a.unit === b.unit));
}

function supportOf(member: Value, current: Value, options: CompareOptions): Support {
  if (member.type === 'text' && current.type === 'text') return textAgreement(member as TextValue, current as TextValue, options) === 'variant' ? 'spelling-variant' : 'states';
  return relateValues(member, current, options) === 'same' ? 'states' : 'less-precise';
}
