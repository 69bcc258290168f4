import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import type { WriteContext } from '#claims';
import type { Actor } from '../auth/auth.js';
import { ProblemException } from '../http/problem.js';

/**
 * Who writes and under which guarantees, read off the request: the key's actor, `Idempotency-Key`,
 * `If-Match` (the revision the client read) and the correlation id.
 */
export const Writer = createParamDecorator((_: unknown, ctx: ExecutionContext): WriteContext => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
  const key = header(request, 'idempotency-key');
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    throw new ProblemException({ status: 400, detail: 'Idempotency-Key must be 1 to 200 characters', errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 200 characters' }] });
  }
  const correlation = header(request, 'x-correlation-id');
  return {
    // The guard has put the actor on every route that writes.
    actor: request.actor!.name,
    correlationId: correlation !== undefined && correlation.length > 0 && correlation.length <= 100 ? correlation : randomUUID(),
    causationId: String(request.id),
    idempotencyKey: key,
    requestFingerprint: key === undefined ? undefined : fingerprintOf(request),
    expectedRevision: expectedRevisionFrom(header(request, 'if-match')),
  };
});

/**
 * What makes two requests the same request: method, path and body (keys in any order). Stored with
 * the Idempotency-Key, so the key sent again with another body is refused instead of answered with
 * the first request's result.
 */
export function fingerprintOf(request: Pick<FastifyRequest, 'method' | 'url' | 'body'>): string {
  const path = request.url.split('?', 1)[0];
  return createHash('sha256').update(`${request.method} ${path}\n${canonicalJson(request.body)}`).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses `If-Match: "3"` (or `3`, or `W/"3"`) into an expected revision: a whole number, 0 or more. */
export function expectedRevisionFrom(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(ifMatch);
  if (!m) {
    throw new ProblemException({
      status: 400,
      detail: `If-Match must be a claim revision (a whole number, 0 or more) such as "3", not ${JSON.stringify(ifMatch)}`,
      errors: [{ field: 'If-Match', message: 'must be a revision number (0 or more) in quotes' }],
    });
  }
  return Number(m[1]);
}
