import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '#event-store';
import { APP_CONFIG } from '../tokens.js';
import type { AppConfig } from '../config.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and event-store readiness' })
  check() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        const ready = await this.store.isReady().catch(() => false);
        const details = { kind: this.config.store.kind };
        return ready ? indicator.up(details) : indicator.down({ ...details, message: 'the event store cannot take writes' });
      },
    ]);
  }
}
