import { ProblemException } from '../http/problem.js';

/** Parses `If-Match: "3"` (or `3`, or `W/"3"`) into an expected revision. */
export function expectedRevisionFrom(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(-?\d{1,15})"?\s*$/.exec(ifMatch);
  if (!m) {
    throw new ProblemException({
      status: 400,
      detail: `If-Match must be a claim revision such as "3", not ${JSON.stringify(ifMatch)}`,
      errors: [{ field: 'If-Match', message: 'must be a revision number in quotes' }],
    });
  }
  return Number(m[1]);
}
