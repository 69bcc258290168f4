import { join } from 'node:path';
import type { EventStore } from './event-store.js';

export type StoreKind = 'sqlite' | 'eventstoredb';

export interface StoreConfig {
  kind: StoreKind;
  /** Where the SQLite files live (the event log for `sqlite`, read models for both). */
  dataDir: string;
  /** `esdb://…` connection string, required for `eventstoredb`. */
  eventStoreUrl?: string;
}

/** Injection token for the StoreConfig the app was started with (so other threads can open the same log). */
export const STORE_CONFIG = 'claimline.StoreConfig';

export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
}

export function storeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const kind = (env.CLAIMLINE_STORE ?? 'sqlite').trim();
  if (kind !== 'sqlite' && kind !== 'eventstoredb') {
    throw new StoreConfigError(`CLAIMLINE_STORE must be "sqlite" or "eventstoredb", not "${kind}"`);
  }
  const eventStoreUrl = env.CLAIMLINE_EVENTSTORE_URL?.trim() || undefined;
  if (kind === 'eventstoredb' && !eventStoreUrl) {
    throw new StoreConfigError('CLAIMLINE_STORE=eventstoredb needs CLAIMLINE_EVENTSTORE_URL, e.g. esdb://localhost:2113?tls=false');
  }
  return { kind, dataDir: env.CLAIMLINE_DATA_DIR?.trim() || './data', eventStoreUrl };
}

export function eventLogFile(dataDir: string): string {
  return join(dataDir, 'events.sqlite');
}

/** Opens the configured adapter; the gRPC client is only loaded when EventStoreDB is chosen. */
export async function openEventStore(config: StoreConfig): Promise<EventStore> {
  if (config.kind === 'eventstoredb') {
    const { EventStoreDbEventStore } = await import('./eventstoredb-event-store.js');
    return new EventStoreDbEventStore(config.eventStoreUrl!);
  }
  const { SqliteEventStore } = await import('./sqlite-event-store.js');
  return SqliteEventStore.open(eventLogFile(config.dataDir));
}
