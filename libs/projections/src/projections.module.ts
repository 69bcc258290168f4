import { Inject, Injectable, Module, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EVENT_STORE, STORE_CONFIG, type EventStore, type StoreConfig } from '#event-store';
import { ALL_PROJECTIONS } from './all-projections.js';
import { auditProjection } from './audit.js';
import { ClaimHistory } from './claim-history.js';
import { claimStateProjection } from './claim-state.js';
import { claimTimelineProjection } from './claim-timeline.js';
import { discrepanciesProjection } from './discrepancies.js';
import { readDomainEvent } from './feed.js';
import { ProjectionRunner } from './projection-runner.js';
import { sourcesProjection } from './sources.js';

/** Injection token: the directory of this instance's read-model files. */
export const READ_MODEL_DIR = 'claimline.ReadModelDir';

/**
 * The runner and the live read models, started with the app and stopped before the store closes.
 * Each read model answers its own queries; the claim history answers for the past.
 */
@Injectable()
export class Projections implements OnModuleInit, OnModuleDestroy {
  readonly runner: ProjectionRunner;
  readonly history: ClaimHistory;

  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(READ_MODEL_DIR) dir: string,
    @Optional() @Inject(STORE_CONFIG) storeConfig?: StoreConfig,
  ) {
    this.runner = new ProjectionRunner(store, ALL_PROJECTIONS, { dir, decode: readDomainEvent, storeConfig });
    this.history = new ClaimHistory(store, readDomainEvent, {
      checkpoint: () => this.runner.checkpoint('claim-state'),
      timeline: () => this.timeline,
    });
  }

  get claimState() {
    return this.runner.model(claimStateProjection);
  }

  get timeline() {
    return this.runner.model(claimTimelineProjection);
  }

  get discrepancies() {
    return this.runner.model(discrepanciesProjection);
  }

  get sources() {
    return this.runner.model(sourcesProjection);
  }

  get audit() {
    return this.runner.model(auditProjection);
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
