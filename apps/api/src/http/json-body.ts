import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemException } from './problem.js';

/**
 * Deeper than any request claimline accepts (its DTOs nest three levels), shallow enough that the
 * recursive DTO transform and validation cannot overflow the stack (class-transformer does at a few
 * thousand levels, which a 2 MB body reaches easily: that was a 500).
 */
export const MAX_JSON_DEPTH = 32;

function invalidBody(detail: string, message: string, field = 'body'): ProblemException {
  return new ProblemException({ status: 400, type: '/problems/invalid-body', title: 'Invalid body', detail, errors: [{ field, message }] });
}

/**
 * What the DTO layer would mishandle in a parsed body, with the request field it concerns:
 * - `deep`: nesting deeper than `max` levels, named by the field it sits under (`subject`,
 *   `quote.exact`; `body` when the top level itself is an array);
 * - `reserved`: a key that is a member of Object.prototype (`toString`, `constructor`, ...):
 *   class-transformer skips such keys, so they escaped the unknown-field check and the request
 *   was accepted as if they were not there.
 */
export function bodyFault(value: unknown, max: number): { field: string; kind: 'deep' | 'reserved' } | undefined {
  const stack: { value: unknown; depth: number; path: string; under: string[]; inKeys: boolean }[] = [{ value, depth: 0, path: '', under: [], inKeys: true }];
  while (stack.length > 0) {
    const { value: v, depth, path, under, inKeys } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return { field: under.length > 0 ? under.slice(0, 3).join('.') : 'body', kind: 'deep' };
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]`, under, inKeys: false }));
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (Object.prototype.hasOwnProperty.call(Object.prototype, key)) return { field, kind: 'reserved' };
      stack.push({ value: item, depth: depth + 1, path: field, under: inKeys ? [...under, key] : under, inKeys });
    }
  }
  return undefined;
}

/** Fastify's parser says only that it refused; this says why. */
function whyNotJson(text: string): string {
  if (text.trim() === '') return 'it is empty';
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return 'it holds a "__proto__" or "constructor.prototype" key';
}

type Done = (error: Error | null, body?: unknown) => void;

/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks included), but a body must be
 * UTF-8 (RFC 8259; decoding it anyway would store U+FFFD in place of what the client sent, in an
 * immutable log), nest at most MAX_JSON_DEPTH levels and use no key of Object.prototype as a field.
 * Refusals are 400 problems naming `body` or the field at fault.
 */
export function jsonBodyParser(fastify: FastifyInstance) {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request: FastifyRequest, body: Buffer, done: Done): void => {
    if (!isUtf8(body)) {
      done(invalidBody('The body is not valid UTF-8; send JSON encoded as UTF-8.', 'must be UTF-8 encoded JSON'));
      return;
    }
    const text = body.toString('utf8');
    parse(request, text, (error: Error | null, parsed?: unknown) => {
      if (error) {
        done(invalidBody(`The body is not valid JSON: ${whyNotJson(text)}.`, 'must be valid JSON'));
        return;
      }
      const fault = bodyFault(parsed, MAX_JSON_DEPTH);
      if (fault?.kind === 'deep') {
        done(invalidBody(`The body nests deeper than ${MAX_JSON_DEPTH} levels (under ${fault.field}).`, `nests deeper than ${MAX_JSON_DEPTH} levels`, fault.field));
        return;
      }
      if (fault?.kind === 'reserved') {
        // Worded as the validation pipe words every other unknown field.
        const message = `property ${fault.field} should not exist`;
        done(new ProblemException({ status: 400, type: '/problems/validation-failed', title: 'Validation failed', detail: `${fault.field}: ${message}`, errors: [{ field: fault.field, message }] }));
        return;
      }
      done(null, parsed);
    });
  };
}
