import { type DynamicModule, Inject, Injectable, type INestApplicationContext, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { join } from 'node:path';
import { ClaimsModule } from '#claims';
import { EVENT_STORE, openEventStore, STORE_CONFIG, storeConfigFromEnv, type EventStore, type StoreConfig } from '#event-store';
import { Projections, ProjectionsModule, READ_MODEL_DIR } from '#projections';

@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

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
 * Starts the application context (which starts the projection runner: the read models catch up with
 * the log before this resolves). Close it when done: that stops the runner and closes the store.
 */
export async function openCliContext(env: NodeJS.ProcessEnv): Promise<CliContext> {
  const config = storeConfigFromEnv(env);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
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
      await app.close();
    },
  };
}

/** Runs `use` inside a fresh context and always closes it. */
export async function withCliContext<T>(env: NodeJS.ProcessEnv, use: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = await openCliContext(env);
  try {
    return await use(ctx);
  } finally {
    await ctx.close();
  }
}
