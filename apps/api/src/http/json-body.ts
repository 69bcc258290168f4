import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemException } from './problem.js';

/**
 * What a JSON body may hold, checked right after parsing and before the DTO layer sees it, whatever
 * the route. Each is far above any request claimline accepts and low enough that transforming and
 * validating the body stays a few milliseconds of the event loop: class-transformer slows down more
 * than linearly with the keys of an object (150,000 unknown keys held the loop for 15 s), and every
 * object in an array is validated on its own (200 empty entities: ~40 ms).
 */
export const JSON_LIMITS = {
  /**
   * Nesting levels. The DTOs nest three; class-transformer overflows the stack at a few thousand,
   * which a 2 MB body reaches easily (that was a 500).
   */
  depth: 32,
  /** Object keys in the whole body (the largest valid body, a claim with 50 entities, has ~110). */
  keys: 500,
  /** Objects in the whole body (that claim has ~55). */
  objects: 100,
  /** Array items in the whole body (its 50 entities with 50 aliases each are 2,550). */
  items: 3000,
} as const;

function invalidBody(detail: string, message: string, field = 'body'): ProblemException {
  return new ProblemException({ status: 400, type: '/problems/invalid-body', title: 'Invalid body', detail, errors: [{ field, message }] });
}

/** What is wrong with a body, and the request field it concerns (`body` for the whole of it). */
export interface BodyFault {
  kind: 'deep' | 'keys' | 'objects' | 'items' | 'reserved' | 'surrogate';
  field: string;
}

/**
 * Measures JSON text against JSON_LIMITS without parsing it: nesting (naming the field it sits
 * under, as `quote.exact`), keys, objects and list items. A body over a limit is refused before
 * JSON.parse spends the event loop on it (150,000 keys in 1.7 MB took JSON.parse alone ~150 ms).
 * For text that is not JSON the measures mean little, and it is refused either way.
 */
export function overLimit(text: string, limits: typeof JSON_LIMITS = JSON_LIMITS): BodyFault | undefined {
  let keys = 0;
  let objects = 0;
  let items = 0;
  // The open containers; for an object, where its current key's string is in the text.
  const open: { array: boolean; keyAt: number; keyEnd: number }[] = [];
  let justOpened = false;
  let stringAt = -1;
  let stringEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (justOpened) {
      justOpened = false;
      if (c !== 0x5d && ++items > limits.items) return { kind: 'items', field: 'body' };
    }
    if (c === 0x22) {
      // Skip the string: a backslash escapes the next character, a bare quote ends it.
      stringAt = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      stringEnd = i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      const array = c === 0x5b;
      if (!array && ++objects > limits.objects) return { kind: 'objects', field: 'body' };
      open.push({ array, keyAt: -1, keyEnd: -1 });
      if (open.length > limits.depth) return { kind: 'deep', field: keyPath(text, open) };
      justOpened = array;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
    } else if (c === 0x3a) {
      if (++keys > limits.keys) return { kind: 'keys', field: 'body' };
      const top = open.at(-1);
      if (top) {
        top.keyAt = stringAt;
        top.keyEnd = stringEnd;
      }
    } else if (c === 0x2c && open.at(-1)?.array === true) {
      if (++items > limits.items) return { kind: 'items', field: 'body' };
    }
  }
  return undefined;
}

/** The keys leading to the innermost container, up to the first list (at most three): `body` if none. */
function keyPath(text: string, open: readonly { array: boolean; keyAt: number; keyEnd: number }[]): string {
  const keys: string[] = [];
  for (const level of open) {
    if (level.array || level.keyAt < 0 || keys.length === 3) break;
    try {
      keys.push(JSON.parse(text.slice(level.keyAt, level.keyEnd)) as string);
    } catch {
      break;
    }
  }
  return keys.length > 0 ? keys.join('.') : 'body';
}

/**
 * False when `s` holds a lone (unpaired) UTF-16 surrogate: `"\ud800"` is valid JSON but not Unicode
 * text. String.prototype.isWellFormed is in Node 20 (ES2024, which the TypeScript lib here is not).
 */
const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * The first thing in a parsed body (within JSON_LIMITS) that the DTO layer would mishandle, with the
 * request field it concerns:
 * - `reserved`: a key that is a member of Object.prototype (`toString`, `constructor`, ...):
 *   class-transformer skips such keys, so they escaped the unknown-field check and the request
 *   was accepted as if they were not there;
 * - `surrogate`: a string (or key) holding a lone surrogate, which no UTF-8 consumer of the event
 *   log could read back; named by its path (`quote.exact`, `entities[0].aliases[2]`).
 */
export function bodyFault(value: unknown): BodyFault | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (!wellFormed(v)) return { kind: 'surrogate', field: path === '' ? 'body' : path };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]` }));
      continue;
    }
    for (const key of Object.keys(v)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (Object.prototype.hasOwnProperty.call(Object.prototype, key)) return { kind: 'reserved', field };
      if (!wellFormed(key)) return { kind: 'surrogate', field: path === '' ? 'body' : path };
      stack.push({ value: (v as Record<string, unknown>)[key], path: field });
    }
  }
  return undefined;
}

/** The 400 for a fault, worded for the client. */
function faultProblem(fault: BodyFault): ProblemException {
  switch (fault.kind) {
    case 'deep':
      return invalidBody(`The body nests deeper than ${JSON_LIMITS.depth} levels (under ${fault.field}).`, `nests deeper than ${JSON_LIMITS.depth} levels`, fault.field);
    case 'keys':
      return invalidBody(`The body has more than ${JSON_LIMITS.keys} fields in all; no request needs that many.`, `has more than ${JSON_LIMITS.keys} fields`);
    case 'objects':
      return invalidBody(`The body has more than ${JSON_LIMITS.objects} objects in all; no request needs that many.`, `has more than ${JSON_LIMITS.objects} objects`);
    case 'items':
      return invalidBody(`The body's lists have more than ${JSON_LIMITS.items} items in all; no request needs that many.`, `has more than ${JSON_LIMITS.items} list items`);
    case 'surrogate': {
      const message = 'holds a lone UTF-16 surrogate (an escape such as \\ud800 without its pair), which is not Unicode text';
      return invalidBody(`${fault.field} ${message}.`, message, fault.field);
    }
    case 'reserved': {
      // Worded as the validation pipe words every other unknown field.
      const message = `property ${fault.field} should not exist`;
      return new ProblemException({ status: 400, type: '/problems/validation-failed', title: 'Validation failed', detail: `${fault.field}: ${message}`, errors: [{ field: fault.field, message }] });
    }
  }
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
 * immutable log), stay within JSON_LIMITS, hold only Unicode text and use no key of
 * Object.prototype as a field. Refusals are 400 problems naming `body` or the field at fault.
 */
export function jsonBodyParser(fastify: FastifyInstance) {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request: FastifyRequest, body: Buffer, done: Done): void => {
    if (!isUtf8(body)) {
      done(invalidBody('The body is not valid UTF-8; send JSON encoded as UTF-8.', 'must be UTF-8 encoded JSON'));
      return;
    }
    const text = body.toString('utf8');
    const over = overLimit(text);
    if (over) {
      done(faultProblem(over));
      return;
    }
    parse(request, text, (error: Error | null, parsed?: unknown) => {
      if (error) {
        done(invalidBody(`The body is not valid JSON: ${whyNotJson(text)}.`, 'must be valid JSON'));
        return;
      }
      const fault = bodyFault(parsed);
      if (fault) {
        done(faultProblem(fault));
        return;
      }
      done(null, parsed);
    });
  };
}
