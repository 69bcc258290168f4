import { Inject, Injectable, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { fromRecorded, isDomainEventType } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ALL_PROJECTIONS } from './all-projections.js';
import { ProjectionRunner } from './projection-runner.js';
import { ReadModels } from './read-models.js';

/** Injection token: the directory of this instance's read-model files. */
export const READ_MODEL_DIR = 'claimline.ReadModelDir';

/** The runner and the queries over it, started with the app and stopped before the store closes. */
@Injectable()
export class Projections implements OnModuleInit, OnModuleDestroy {
  readonly runner: ProjectionRunner;
  readonly read: ReadModels;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(READ_MODEL_DIR) dir: string) {
    this.runner = new ProjectionRunner(store, ALL_PROJECTIONS, {
      dir,
      decode: (recorded) => (isDomainEventType(recorded.type) ? fromRecorded(recorded) : null),
    });
    this.read = new ReadModels(this.runner, store);
  }

  async onModuleInit(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}

@Module({ providers: [Projections], exports: [Projections] })
export class ProjectionsModule {}
