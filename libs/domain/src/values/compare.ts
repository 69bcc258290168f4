import type { Comparison, Value } from './value.js';

/** Relation of a later value `b` to an earlier value `a` (DESIGN 3), with an explanation in words. */
export function compareValues(a: Value, b: Value): Comparison {
  if (a.type !== b.type) {
    return { relation: 'incomparable', explanation: `different value types: ${a.type} and ${b.type}` };
  }
  if (a.type === 'text' || b.type === 'text') {
    const same = a.normalized.toLowerCase() === b.normalized.toLowerCase();
    return same
      ? { relation: 'same', explanation: `restated: "${b.text}"` }
      : { relation: 'contradicts', explanation: `changed from "${a.text}" to "${b.text}"` };
  }
  return { relation: 'incomparable', explanation: 'not implemented yet' };
}
