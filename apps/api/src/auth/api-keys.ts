import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.js';

export type Role = 'editor' | 'maintainer';
export const ROLES: readonly Role[] = ['editor', 'maintainer'];

export interface ApiKey {
  name: string;
  role: Role;
  key: string;
}

/** Parses `name:role:key,name:role:key`. */
export function parseApiKeys(raw: string): ApiKey[] {
  const keys = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, role, ...rest] = entry.split(':');
      const key = rest.join(':');
      if (!name || !key || !ROLES.includes(role as Role)) {
        throw new ConfigError(`CLAIMLINE_API_KEYS entries are name:role:key with role editor or maintainer; one entry is malformed (name "${name ?? ''}")`);
      }
      if (key.length < 16) throw new ConfigError(`CLAIMLINE_API_KEYS: the key of "${name}" is shorter than 16 characters`);
      return { name, role: role as Role, key };
    });
  if (keys.length === 0) throw new ConfigError('CLAIMLINE_API_KEYS is set but holds no key');
  return keys;
}

export const KEYS_FILE = 'api-keys.json';

/**
 * Keys come from the environment, or from the data dir; on first start a key per role is
 * generated there with mode 0600 and `generated` tells the caller to print it once.
 */
export function loadOrCreateApiKeys(raw: string | undefined, dataDir: string): { keys: ApiKey[]; generated: boolean } {
  if (raw) return { keys: parseApiKeys(raw), generated: false };
  const file = join(dataDir, KEYS_FILE);
  if (existsSync(file)) return { keys: JSON.parse(readFileSync(file, 'utf8')) as ApiKey[], generated: false };
  mkdirSync(dataDir, { recursive: true });
  const keys = ROLES.map((role) => ({ name: `local-${role}`, role, key: `cl_${role}_${randomBytes(24).toString('base64url')}` }));
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return { keys, generated: true };
}

/** Looks keys up by digest so the comparison is constant-time and keys are never kept in logs. */
export class ApiKeyRing {
  private readonly byDigest = new Map<string, { name: string; role: Role; digest: Buffer }>();

  constructor(keys: readonly ApiKey[]) {
    for (const k of keys) {
      const digest = createHash('sha256').update(k.key).digest();
      this.byDigest.set(digest.toString('hex'), { name: k.name, role: k.role, digest });
    }
  }

  identify(presented: string): { name: string; role: Role } | undefined {
    const digest = createHash('sha256').update(presented).digest();
    const found = this.byDigest.get(digest.toString('hex'));
    if (!found || !timingSafeEqual(found.digest, digest)) return undefined;
    return { name: found.name, role: found.role };
  }
}
