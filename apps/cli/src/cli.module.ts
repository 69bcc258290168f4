import { type DynamicModule, Inject, Injectable, type INestApplicationContext, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { join } from 'node:path';
import { ClaimsModule } from '#claims';
import { DataDirLocked, EVENT_STORE, lockDataDir, openEventStore, STORE_CONFIG, storeConfigFromEnv, type DataDirLock, type EventStore, type StoreConfig } from '#event-store';
import { Projections, ProjectionsModule, READ_MODEL_DIR } from '#projections';
import { CliError } from './io.js';

@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** What a command says to do instead when another process holds the data dir. */
export type WhenLocked = (locked: DataDirLocked) => Error;

/**
 * The same wiring as the API without HTTP: the configured event store, the read models under
 * `<dataDir>/read-models`, the projection runner and the command handlers. Commands go through the
 * same CommandBus as API requests, so the CLI can write nothing the API would refuse.
 */
@Module({})
export class CliModule {
  static forRoot(store: StoreConfig): DynamicModule {
    return {
      module: CliModule,
      global: true,
      imports: [CqrsModule.forRoot(), ProjectionsModule, ClaimsModule],
      providers: [
        { provide: EVENT_STORE, useFactory: () => openEventStore(store) },
        { provide: STORE_CONFIG, useValue: store },
        { provide: READ_MODEL_DIR, useValue: join(store.dataDir, 'read-models') },
        StoreCloser,
      ],
      exports: [EVENT_STORE, STORE_CONFIG, READ_MODEL_DIR],
    };
  }
}

export interface CliContext {
  app: INestApplicationContext;
  config: StoreConfig;
  store: EventStore;
  projections: Projections;
  commands: CommandBus;
  close(): Promise<void>;
}

/**
 * Takes the data dir's lock for `command` (every command that opens this context writes there: the
 * runner brings the read models up to date), then starts the application context (which starts the
 * projection runner: the read models catch up with the log before this resolves). Close it when
 * done: that stops the runner, closes the store and releases the lock. When another process holds
 * the data dir, `whenLocked` says what to do instead.
 */
export async function openCliContext(env: NodeJS.ProcessEnv, command = 'a claimline command', whenLocked?: WhenLocked): Promise<CliContext> {
  const config = storeConfigFromEnv(env);
  let lock: DataDirLock;
  try {
    lock = lockDataDir(config.dataDir, `\`claimline ${command}\``);
  } catch (error) {
    if (error instanceof DataDirLocked) throw whenLocked?.(error) ?? new CliError(`${error.message}; run this when it has stopped.`);
    throw error;
  }
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
  } catch (error) {
    lock.release();
    throw error;
  }
  let closed = false;
  return {
    app,
    config,
    store: app.get<EventStore>(EVENT_STORE),
    projections: app.get(Projections),
    commands: app.get(CommandBus),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await app.close();
      } finally {
        lock.release();
      }
    },
  };
}

/** Runs `use` inside a fresh context and always closes it. */
export async function withCliContext<T>(env: NodeJS.ProcessEnv, command: string, use: (ctx: CliContext) => Promise<T>, whenLocked?: WhenLocked): Promise<T> {
  const ctx = await openCliContext(env, command, whenLocked);
  try {
    return await use(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * Runs `use` with the configured event log alone: no read models, no lock, nothing appended. For
 * commands that only read the log, which they may do beside a running server.
 */
export async function withEventLog<T>(env: NodeJS.ProcessEnv, use: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await openEventStore(storeConfigFromEnv(env));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
