import { UnparseableValue } from '../values/value.js';

/**
 * Why a decider refused a command. The kind is all the HTTP layer needs to pick a status:
 * `invalid` 400 (the input itself is malformed: a blank reason, an unknown modality),
 * `unprocessable` 422 (well-formed but the rules refuse it: the quote is not in the source, the value
 * has the wrong type), `not-found` 404, `conflict` 409 (it clashes with what the log already holds).
 * `field` names the input field at fault in the request's own dotted spelling (`quote`,
 * `value.text`, `saidAt`) when the refusal is about one.
 *
 * It lives beside the events because a decider answers a command with one of the two: events, or this.
 */
export type DomainErrorKind = 'invalid' | 'unprocessable' | 'not-found' | 'conflict';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** An UnparseableValue that knows which input field held the words (still `instanceof UnparseableValue`). */
export class UnparseableField extends UnparseableValue {
  constructor(
    readonly field: string,
    error: UnparseableValue,
  ) {
    super(error.type, error.input, error.reason);
  }
}

/** Runs a parse; when the words cannot be read, the UnparseableValue propagates naming `field`. */
export function parsingField<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UnparseableValue && !(error instanceof UnparseableField)) throw new UnparseableField(field, error);
    throw error;
  }
}

/** Required free text: a reason, a title. Blank is the same as missing. */
export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DomainError('invalid', `${field} is required and cannot be blank`, field);
  }
  return value.trim();
}

/** Optional free text: blank reads as absent. */
export function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new DomainError('invalid', `${field} must be text`, field);
  return value.trim() === '' ? undefined : value.trim();
}
