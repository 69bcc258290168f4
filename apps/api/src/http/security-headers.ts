import type { SecurityHeadersOptions } from '@nestjs/common';
import { resolveSecurityHeaders } from '@nestjs/core/security/security-headers.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What every answer says: the header set of OWASP's REST Security Cheat Sheet. An API answer is
 * data, never a page: it loads nothing, may not be framed, and is never sniffed into another type.
 * helmet's other headers are about what a page may do, so a JSON answer (most of the traffic) does
 * not carry them: on GET /claims/:id they were a seventh of the server's work.
 */
export const API_SECURITY_HEADERS: SecurityHeadersOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/**
 * What a page says (the web UI, its scripts and styles, the API documentation): helmet's defaults,
 * its own scripts only, never framed.
 */
export const PAGE_SECURITY_HEADERS: SecurityHeadersOptions = {
  contentSecurityPolicy: { directives: { frameAncestors: ["'none'"], upgradeInsecureRequests: null } },
  xFrameOptions: { action: 'deny' },
};

/**
 * The API set as headers, for answers that Nest's hook never sees: the router's own refusals of a
 * malformed URL come before any request hook.
 */
export function apiSecurityHeaders(): Record<string, string> {
  return Object.fromEntries(resolveSecurityHeaders(API_SECURITY_HEADERS).headers);
}

/** Content types a browser renders or runs as part of a page. */
const PAGE_TYPES = /^(?:text\/html|text\/css|(?:text|application)\/javascript)\b/;

/**
 * A Fastify onSend hook that gives page answers the page set. Every answer has the API set already:
 * Nest's security hook writes it when the request comes in, before anything can fail, and the
 * headers given here take precedence over it. Validated by Nest, as `useSecurityHeaders` validates its own.
 */
export function pageSecurityHeaders(): (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => void {
  const page = Object.fromEntries(resolveSecurityHeaders(PAGE_SECURITY_HEADERS).headers);
  return (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    // A 304 revalidates a cached page or asset (the API sends no validators), and the browser
    // takes the 304's headers for the cached page: the API set there would block its scripts.
    if (reply.statusCode === 304 || (typeof type === 'string' && PAGE_TYPES.test(type))) void reply.headers(page);
    done(null, payload);
  };
}
