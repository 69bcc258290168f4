import { isIP } from 'node:net';
import { join } from 'node:path';
import { storeConfigFromEnv, type StoreConfig } from '#event-store';

export interface AppConfig {
  port: number;
  store: StoreConfig;
  /** Raw `CLAIMLINE_API_KEYS`; unset means keys are generated into the data dir. */
  apiKeys?: string;
  seed: boolean;
  seedDir: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Requests per minute per client address; 0 disables the limit. */
  rateLimitPerMinute: number;
  /** When true, reads need a key too (DESIGN 7: reads are open unless configured otherwise). */
  protectReads: boolean;
  logLevel: string;
  /** A request (headers and body) must have arrived within this many ms, else 408. */
  requestTimeoutMs: number;
  /** Which proxies' X-Forwarded-For to believe (Fastify's `trustProxy`): none, any, or these addresses. */
  trustProxy: boolean | string[];
  /** At most this many GET /stream connections at once; more are 503 with Retry-After. */
  maxStreams: number;
  /** Where the web UI is reached from outside, without a trailing slash (ClaimReview links point there). */
  publicUrl: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, not "${raw}"`);
  return n;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, not "${raw}"`);
}

/**
 * `CLAIMLINE_TRUST_PROXY`: unset or `false` trusts no proxy (the socket's address is the client);
 * otherwise a comma-separated list of the proxies' addresses or CIDR ranges, whose X-Forwarded-For
 * names the client. `true` (trust any sender) only suits a server nothing reaches but through the
 * proxy. (A hop count is not offered: Fastify no longer honours one.)
 */
function trustProxyFrom(env: NodeJS.ProcessEnv): AppConfig['trustProxy'] {
  const raw = env.CLAIMLINE_TRUST_PROXY?.trim();
  if (!raw || raw.toLowerCase() === 'false') return false;
  if (raw.toLowerCase() === 'true') return true;
  const addresses = raw.split(',').map((a) => a.trim()).filter(Boolean);
  const bad = addresses.find((a) => !/^[^/]+(\/\d{1,3})?$/.test(a) || isIP(a.split('/')[0]!) === 0);
  if (bad !== undefined) throw new ConfigError(`CLAIMLINE_TRUST_PROXY must be false, true, or IP addresses / CIDR ranges separated by commas; "${bad}" is none of these`);
  return addresses;
}

function publicUrlFrom(env: NodeJS.ProcessEnv, port: number): string {
  const raw = env.CLAIMLINE_PUBLIC_URL?.trim();
  if (!raw) return `http://localhost:${port}`;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) throw new ConfigError(`CLAIMLINE_PUBLIC_URL must be an absolute http(s) URL, not "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = intFrom(env, 'PORT', 3000);
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535, not ${port}`);
  const requestTimeoutMs = intFrom(env, 'CLAIMLINE_REQUEST_TIMEOUT_MS', 30_000);
  if (requestTimeoutMs < 100) throw new ConfigError(`CLAIMLINE_REQUEST_TIMEOUT_MS must be at least 100, not ${requestTimeoutMs}`);
  return {
    port,
    store: storeConfigFromEnv(env),
    apiKeys: env.CLAIMLINE_API_KEYS?.trim() || undefined,
    seed: boolFrom(env, 'CLAIMLINE_SEED', true),
    seedDir: env.CLAIMLINE_SEED_DIR?.trim() || join(process.cwd(), 'seeds'),
    bodyLimit: intFrom(env, 'CLAIMLINE_BODY_LIMIT', 2 * 1024 * 1024),
    rateLimitPerMinute: intFrom(env, 'CLAIMLINE_RATE_LIMIT', 6000),
    protectReads: boolFrom(env, 'CLAIMLINE_PROTECT_READS', false),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    requestTimeoutMs,
    trustProxy: trustProxyFrom(env),
    maxStreams: intFrom(env, 'CLAIMLINE_MAX_STREAMS', 100),
    publicUrl: publicUrlFrom(env, port),
  };
}
