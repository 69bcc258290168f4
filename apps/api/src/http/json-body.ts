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
 * Where `value` first nests deeper than `max` levels, named as the request field it sits under
 * (`subject`, `quote.exact`; `body` when the top level itself is an array), or undefined.
 */
export function tooDeepAt(value: unknown, max: number): string | undefined {
  const stack: { value: unknown; depth: number; field: string[]; inKeys: boolean }[] = [{ value, depth: 0, field: [], inKeys: true }];
  while (stack.length > 0) {
    const { value: v, depth, field, inKeys } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return field.length > 0 ? field.slice(0, 3).join('.') : 'body';
    if (Array.isArray(v)) {
      for (const item of v) stack.push({ value: item, depth: depth + 1, field, inKeys: false });
    } else {
      for (const [key, item] of Object.entries(v)) stack.push({ value: item, depth: depth + 1, field: inKeys ? [...field, key] : field, inKeys });
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
 * immutable log) and nest at most MAX_JSON_DEPTH levels. Refusals are 400 problems naming `body`
 * (or the field that nests too deep).
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
      const deep = tooDeepAt(parsed, MAX_JSON_DEPTH);
      if (deep !== undefined) {
        done(invalidBody(`The body nests deeper than ${MAX_JSON_DEPTH} levels (under ${deep}).`, `nests deeper than ${MAX_JSON_DEPTH} levels`, deep));
        return;
      }
      done(null, parsed);
    });
  };
}
