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

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = intFrom(env, 'PORT', 3000);
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535, not ${port}`);
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
  };
}
