import * as D from './decimal.js';
import { formatDayWords } from './calendar.js';
import { isCurrency } from './units.js';
import { DISCREPANCY_RELATIONS, type Comparison, type Relation, type TextValue, type Value } from './value.js';

/** A thing named in a claim and the other names it goes by (the claim's entities). */
export interface Named {
  name: string;
  aliases: readonly string[];
}

export interface CompareOptions {
  /** Text values are compared through these: two names of one entity are the same. */
  entities?: readonly Named[];
}

type End = string | number | null;
interface Bounds {
  lo: End;
  hi: End;
}

/** Compares two finite ends; `null` is -inf as a start and +inf as an end. */
function cmpEnd(a: End, b: End, side: 'lo' | 'hi'): number {
  if (a === b) return 0;
  if (a === null) return side === 'lo' ? -1 : 1;
  if (b === null) return side === 'lo' ? 1 : -1;
  return a < b ? -1 : 1;
}

function isPoint(b: Bounds): boolean {
  return b.lo !== null && b.lo === b.hi;
}

/**
 * The relation of bounds `b` (later) to bounds `a` (earlier). Day and count intervals are inclusive
 * sets of whole days / integers, so [.., 2026-09-30] and [2026-10-01, ..] are disjoint. Quantity
 * intervals are continuous: two that share only an end point are disjoint too (a rounding interval
 * [4.5, 5.5] is really [4.5, 5.5), so "5 billion" and "6 billion" contradict), unless one of them is
 * that single point (RULES.md, "Touching ends").
 */
export function relateBounds(a: Bounds, b: Bounds, continuous: boolean): Relation {
  const lo = cmpEnd(b.lo, a.lo, 'lo');
  const hi = cmpEnd(b.hi, a.hi, 'hi');
  if (lo === 0 && hi === 0) return 'same';
  if (lo >= 0 && hi <= 0) return 'refines';
  if (lo <= 0 && hi >= 0) return 'generalizes';
  const start = cmpEnd(a.lo, b.lo, 'lo') >= 0 ? a.lo : b.lo;
  const end = cmpEnd(a.hi, b.hi, 'hi') <= 0 ? a.hi : b.hi;
  const meet = start === null || end === null ? 1 : start < end ? 1 : start === end ? 0 : -1;
  if (meet > 0) return 'overlaps';
  if (meet === 0 && (!continuous || isPoint(a) || isPoint(b))) return 'overlaps';
  return 'contradicts';
}

/** The entities a text names, for the explanation ("Andrei Belousov"), or "thing". */
function namedIn(text: string, options: CompareOptions): string {
  const folded = throughEntities(foldText(text), options.entities ?? []);
  const names = [...folded.matchAll(/\uE000(\d+)\uE000/g)].map((m) => options.entities![Number(m[1])]!.name);
  return names.length ? `entit${names.length > 1 ? 'ies' : 'y'} (${[...new Set(names)].join(', ')})` : 'entities';
}

function describeNumber(n: number, unit: string): string {
  const abs = Math.abs(n);
  const scales: Array<[number, string]> = [[12, ' trillion'], [9, ' billion'], [6, ' million']];
  const scale = scales.find(([p]) => abs >= 10 ** p);
  const digits = scale ? D.toString(D.shift(D.fromNumber(n), -scale[0])) + scale[1] : D.plainNumber(n);
  if (unit === '') return digits;
  if (isCurrency(unit)) return `${unit} ${digits}`;
  if (unit === '%') return `${digits}%`;
  return `${digits} ${unit}`;
}

function describeDay(d: string): string {
  return `${formatDayWords(d)}`;
}

/** The bounds in words, e.g. "1 January 2026 to 31 December 2027", "USD 4.5 billion to USD 5.5 billion". */
export function describeBounds(value: Value): string {
  if (value.type === 'text') return `"${value.normalized}"`;
  const { lo, hi } = value.bounds;
  const show = (x: string | number): string =>
    value.type === 'date' ? describeDay(x as string) : describeNumber(x as number, value.type === 'quantity' ? value.unit : '');
  if (lo !== null && hi !== null) return lo === hi ? (value.type === 'date' ? `on ${show(lo)}` : `exactly ${show(lo)}`) : `${show(lo)} to ${show(hi)}`;
  if (lo !== null) return value.type === 'date' ? `on or after ${show(lo)}` : `at least ${show(lo)}`;
  if (hi !== null) return value.type === 'date' ? `on or before ${show(hi)}` : `at most ${show(hi)}`;
  return 'unbounded';
}

function shared(a: Bounds, b: Bounds, value: Value): string {
  const lo = cmpEnd(a.lo, b.lo, 'lo') >= 0 ? a.lo : b.lo;
  const hi = cmpEnd(a.hi, b.hi, 'hi') <= 0 ? a.hi : b.hi;
  return describeBounds({ ...value, bounds: { lo, hi } } as Value);
}

/** Texts recently folded: a claim's values are compared pair by pair, each many times. */
const folded = new Map<string, string>();
const FOLDED_KEPT = 4096;

/** Text as compared: case, spacing, diacritics, dash and apostrophe forms aside. */
export function foldText(text: string): string {
  let out = folded.get(text);
  if (out === undefined) {
    if (folded.size >= FOLDED_KEPT) folded.clear();
    folded.set(text, (out = foldTextOnce(text)));
  }
  return out;
}

function foldTextOnce(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019`\u00b4]/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

const compiledEntities = new WeakMap<readonly Named[], { pattern: RegExp; token: string }[]>();

/** Every name of every entity replaced by one token for the entity, longest names first. */
function throughEntities(folded: string, entities: readonly Named[]): string {
  let names = compiledEntities.get(entities);
  if (!names) {
    names = entities
      .flatMap((e, i) => [e.name, ...e.aliases].map((n) => ({ name: foldText(n), token: `\uE000${i}\uE000` })))
      .filter((n) => n.name !== '')
      .sort((x, y) => y.name.length - x.name.length)
      .map(({ name, token }) => ({ pattern: new RegExp(`(?<![\\p{L}\\p{N}])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu'), token }));
    compiledEntities.set(entities, names);
  }
  let out = folded;
  for (const { pattern, token } of names) out = out.replace(pattern, token);
  return out;
}

/** How two texts agree: as written (case, spacing, diacritics aside), as names of the same entities, or not. */
export function textAgreement(a: TextValue, b: TextValue, options: CompareOptions = {}): 'same' | 'variant' | 'different' {
  const fa = foldText(a.normalized);
  const fb = foldText(b.normalized);
  if (fa === fb) return 'same';
  const entities = options.entities ?? [];
  return entities.length > 0 && throughEntities(fa, entities) === throughEntities(fb, entities) ? 'variant' : 'different';
}

/**
 * The relation alone, as compareValues gives it: its explanation costs far more than the relation,
 * and most pairs a projection looks at are never shown.
 */
export function relateValues(a: Value, b: Value, options: CompareOptions = {}): Relation {
  if (a.type !== b.type) return 'incomparable';
  if (a.type === 'text' || b.type === 'text') return textAgreement(a as TextValue, b as TextValue, options) === 'different' ? 'contradicts' : 'same';
  if (a.type === 'quantity' && b.type === 'quantity' && a.unit !== b.unit) return 'incomparable';
  return relateBounds(a.bounds, b.bounds, a.type === 'quantity');
}

/**
 * What relateValues reads of a value: two values with the same key relate alike to every value (a
 * claim's assertions repeat a few values, so their pairs need relating once per pair of keys).
 */
function relationKey(value: Value): string {
  return JSON.stringify(value.type === 'text' ? [value.type, value.normalized] : [value.type, value.type === 'quantity' ? value.unit : null, value.bounds.lo, value.bounds.hi]);
}

/** Values grouped by relationKey: each value's kind (an index), and one value and its count per kind. */
export function valueKinds(values: readonly Value[]): { kindOf: number[]; kinds: { value: Value; n: number }[] } {
  const byKey = new Map<string, number>();
  const kinds: { value: Value; n: number }[] = [];
  const kindOf = values.map((value) => {
    const key = relationKey(value);
    let kind = byKey.get(key);
    if (kind === undefined) {
      byKey.set(key, (kind = kinds.length));
      kinds.push({ value, n: 0 });
    }
    kinds[kind]!.n++;
    return kind;
  });
  return { kindOf, kinds };
}

/**
 * How many pairs of these values disagree (overlap or contradict, DISCREPANCY_RELATIONS), counted
 * by distinct value: each pair of kinds is related once, however many assertions state them.
 */
export function disagreeingPairs(values: readonly Value[], options: CompareOptions = {}): number {
  const { kinds } = valueKinds(values);
  let pairs = 0;
  for (let i = 0; i < kinds.length; i++) {
    // Values of one kind are the same (never a discrepancy); the relation is symmetric in disagreeing.
    for (let j = i + 1; j < kinds.length; j++) {
      if (DISCREPANCY_RELATIONS.includes(relateValues(kinds[i]!.value, kinds[j]!.value, options))) pairs += kinds[i]!.n * kinds[j]!.n;
    }
  }
  return pairs;
}

/** Relation of a later value `b` to an earlier value `a` (DESIGN 3), with an explanation in words. */
export function compareValues(a: Value, b: Value, options: CompareOptions = {}): Comparison {
  const A = `"${a.text}"`;
  const B = `"${b.text}"`;
  if (a.type !== b.type) {
    return { relation: 'incomparable', explanation: `incomparable: ${A} is a ${a.type} and ${B} is a ${b.type}` };
  }
  if (a.type === 'text' || b.type === 'text') {
    const agreement = textAgreement(a as TextValue, b as TextValue, options);
    if (agreement === 'same') return { relation: 'same', explanation: `same: ${A} and ${B} are the same words (case, spacing and accents aside)` };
    if (agreement === 'variant') return { relation: 'same', explanation: `same: ${A} and ${B} name the same ${namedIn(a.normalized, options)}, a spelling variant` };
    return { relation: 'contradicts', explanation: `changed from ${A} to ${B}` };
  }
  if (a.type === 'quantity' && b.type === 'quantity' && a.unit !== b.unit) {
    const why = isCurrency(a.unit) && isCurrency(b.unit) ? 'different currencies; no exchange rate is applied' : 'different units; no conversion is applied';
    return { relation: 'incomparable', explanation: `incomparable: ${A} is in ${a.unit} and ${B} in ${b.unit} (${why})` };
  }
  const relation = relateBounds(a.bounds, b.bounds, a.type === 'quantity');
  const da = describeBounds(a);
  const db = describeBounds(b);
  const later = a.type === 'date' ? 'later' : 'higher';
  const earlier = a.type === 'date' ? 'earlier' : 'lower';
  let explanation: string;
  switch (relation) {
    case 'same':
      explanation = `same: ${A} and ${B} both mean ${db}`;
      break;
    case 'refines':
      explanation = `narrowed from ${a.text} to ${b.text}: ${db} lies within ${da}`;
      break;
    case 'generalizes':
      explanation = `widened from ${a.text} to ${b.text}: ${da} lies within ${db}`;
      // Two deadlines ("by X" -> "by Y") are consistent on their bounds, yet a later Y is a slip a
      // fact-checker wants named even though it is no discrepancy.
      if (a.type === 'date' && a.bounds.lo === null && b.bounds.lo === null && cmpEnd(b.bounds.hi, a.bounds.hi, 'hi') > 0) {
        explanation += `; the deadline moved later`;
      }
      break;
    case 'overlaps': {
      const direction = cmpEnd(b.bounds.hi, a.bounds.hi, 'hi') > 0 ? later : earlier;
      explanation = `partly overlaps: moved ${direction} from ${a.text} (${da}) to ${b.text} (${db}); they share only ${shared(a.bounds, b.bounds, a)}`;
      break;
    }
    case 'contradicts': {
      const direction = cmpEnd(b.bounds.lo, a.bounds.lo, 'lo') > 0 ? later : earlier;
      explanation = `contradicts: ${b.text} (${db}) is entirely ${direction} than ${a.text} (${da})`;
      break;
    }
    default:
      explanation = relation;
  }
  if (a.type === 'count' && b.type === 'count' && a.noun && b.noun && a.noun.toLowerCase() !== b.noun.toLowerCase()) {
    explanation += ` (counted as "${a.noun}" and "${b.noun}"; compared on the numbers only)`;
  }
  return { relation, explanation };
}
