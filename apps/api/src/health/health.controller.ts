import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ProblemException } from '../http/problem.js';
import { dataDirFault } from '../http/storage.js';
import { APP_CONFIG } from '../tokens.js';
import type { AppConfig } from '../config.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  /** What was down at the last check: readiness changes are logged once, not on every poll. */
  private lastDown: string | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness, event-store readiness and a writable data directory with room' })
  async check() {
    try {
      const result = await this.health.check([
        async () => {
          const indicator = this.indicators.check('eventStore');
          const ready = await this.store.isReady().catch(() => false);
          const details = { kind: this.config.store.kind };
          return ready ? indicator.up(details) : indicator.down({ ...details, message: 'the event store cannot take writes' });
        },
        () => {
          // The read models (and, on SQLite, the event log) live here: full or read-only, no write can succeed.
          const indicator = this.indicators.check('dataDir');
          const fault = dataDirFault(this.config.store.dataDir);
          return fault === undefined ? indicator.up() : indicator.down({ message: fault });
        },
      ]);
      if (this.lastDown !== undefined) this.logger.log(`ready again (was: ${this.lastDown})`);
      this.lastDown = undefined;
      return result;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      // Terminus's own body, as problem+json whose detail says what is down.
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.entries(result.error ?? {}).map(([name, status]) => `${name}: ${String((status as { message?: unknown }).message ?? 'down')}`).join('; ');
      if (down !== this.lastDown) this.logger.warn(`not ready: ${down}`);
      this.lastDown = down;
      throw new ProblemException({ status: 503, title: 'Not ready', detail: `Not ready: ${down}.`, type: '/problems/not-ready', checks: result.details, health: result.status });
    }
  }
}
