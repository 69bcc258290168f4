import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../tokens.js';
import type { AppConfig } from '../config.js';
import { ProblemException } from '../http/problem.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Remembers the first response to each (caller, Idempotency-Key) so a retry gets it back and
 * appends nothing. The key also seeds the ids of what the request creates, so a retry after a
 * crash between append and remember still cannot append twice (the store refuses the same ids).
 */
@Injectable()
export class IdempotencyKeys implements OnModuleDestroy {
  private readonly db: Database.Database;
  private readonly inFlight = new Map<string, Promise<StoredResponse>>();
  private readonly get: Database.Statement<[string], { request_hash: string; status: number; body: string }>;
  private readonly put: Database.Statement<[string, string, number, string, string]>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    mkdirSync(config.store.dataDir, { recursive: true });
    this.db = new Database(join(config.store.dataDir, 'idempotency.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec('CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL)');
    this.get = this.db.prepare('SELECT request_hash, status, body FROM responses WHERE key = ?');
    this.put = this.db.prepare('INSERT OR IGNORE INTO responses (key, request_hash, status, body, at) VALUES (?, ?, ?, ?, ?)');
  }

  onModuleDestroy(): void {
    this.db.close();
  }

  /** Runs `work` once per key; a retry with the same request gets the stored response. */
  async run(actor: string, key: string | undefined, request: { method: string; path: string; body: unknown }, work: (seed: string | undefined) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    if (key === undefined) return { ...(await work(undefined)), replayed: false };
    if (key.length === 0 || key.length > 200) {
      throw new ProblemException({ status: 400, detail: 'Idempotency-Key must be 1 to 200 characters', errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 200 characters' }] });
    }
    const scoped = `${actor}\u0000${key}`;
    const hash = createHash('sha256').update(`${request.method} ${request.path}\u0000${JSON.stringify(request.body ?? null)}`).digest('hex');
    const known = this.get.get(scoped);
    if (known) {
      if (known.request_hash !== hash) {
        throw new ProblemException({
          status: 422,
          detail: 'This Idempotency-Key was already used for a different request.',
          errors: [{ field: 'Idempotency-Key', message: 'already used for a different request' }],
        });
      }
      return { status: known.status, body: JSON.parse(known.body) as unknown, replayed: true };
    }
    const running = this.inFlight.get(scoped);
    if (running) return { ...(await running), replayed: true };
    const seed = createHash('sha256').update(scoped).digest('hex');
    const promise = work(seed).then((response) => {
      // Only successes are remembered: a refused request changed nothing and may be retried as is.
      if (response.status < 300) this.put.run(scoped, hash, response.status, JSON.stringify(response.body), new Date().toISOString());
      return response;
    });
    this.inFlight.set(scoped, promise);
    try {
      return { ...(await promise), replayed: false };
    } finally {
      this.inFlight.delete(scoped);
    }
  }
}

/** A UUID derived from the idempotency seed, so the same request always creates the same ids. */
export function idFrom(seed: string | undefined, purpose: string): string | undefined {
  if (seed === undefined) return undefined;
  const h = createHash('sha256').update(`${seed}:${purpose}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

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
