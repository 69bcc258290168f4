import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { join } from 'node:path';
import { ClaimsModule } from '#claims';
import { EVENT_STORE, openEventStore, STORE_CONFIG, type DataDirLock, type EventStore } from '#event-store';
import { ProjectionsModule, READ_MODEL_DIR } from '#projections';
import { ApiKeyGuard } from './auth/auth.js';
import { ApiKeyRing } from './auth/api-keys.js';
import type { AppConfig } from './config.js';
import { HealthController } from './health/health.controller.js';
import { AdminController, ExportController, StreamController } from './reads/live.controller.js';
import { ClaimReadsController, DiscrepanciesController, EventsController, SourceReadsController } from './reads/reads.controller.js';
import { WritesController } from './writes/writes.controller.js';
import { ProblemFilter } from './http/problem.js';
import { APP_CONFIG } from './tokens.js';
import { ValuesModule } from './values/values.module.js';

const DATA_DIR_LOCK = 'claimline.DataDirLock';

/** Closes the store, then lets the next process have the data dir. */
@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_DIR_LOCK) private readonly lock: DataDirLock,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    try {
      await this.store.close();
    } finally {
      this.lock.release();
    }
  }
}

export interface AppModuleOptions {
  config: AppConfig;
  keyRing: ApiKeyRing;
  /** Held from before anything in the data dir is opened until the store is closed. */
  lock: DataDirLock;
}

@Module({})
export class AppModule {
  static forRoot({ config, keyRing, lock }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        CqrsModule.forRoot(),
        // Terminus logs every failed check; HealthController logs when readiness changes instead.
        TerminusModule.forRoot({ logger: false }),
        ProjectionsModule,
        ClaimsModule,
        ValuesModule,
      ],
      controllers: [
        HealthController,
        ClaimReadsController,
        SourceReadsController,
        DiscrepanciesController,
        EventsController,
        StreamController,
        WritesController,
        AdminController,
        ExportController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATA_DIR_LOCK, useValue: lock },
        { provide: ApiKeyRing, useValue: keyRing },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config.store) },
        { provide: STORE_CONFIG, useValue: config.store },
        { provide: READ_MODEL_DIR, useValue: join(config.store.dataDir, 'read-models') },
        StoreCloser,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [APP_CONFIG, EVENT_STORE, STORE_CONFIG, READ_MODEL_DIR, ApiKeyRing],
    };
  }
}
