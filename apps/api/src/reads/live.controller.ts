import { Body, Controller, Get, Headers, HttpCode, Inject, MessageEvent, Post, Req, Sse } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { PROJECTION_NAMES, Projections, claimReviewOf, type ProjectionName } from '#projections';
import { Requires } from '../auth/auth.js';
import { ProblemException } from '../http/problem.js';
import { APP_CONFIG } from '../tokens.js';
import type { AppConfig } from '../config.js';

/** Server-sent events: the backlog after Last-Event-ID from the audit view, then every new event live. */
@ApiTags('events')
@Controller('stream')
export class StreamController {
  constructor(private readonly projections: Projections) {}

  @Sse()
  @ApiOperation({ summary: 'Live changes as server-sent events; resumable with Last-Event-ID (a global position)' })
  stream(@Headers('last-event-id') lastEventId?: string): Observable<MessageEvent> {
    const parsed = lastEventId === undefined ? NaN : Number(lastEventId);
    const resumeAfter = Number.isInteger(parsed) && parsed >= -1 ? parsed : null;
    return new Observable<MessageEvent>((subscriber) => {
      let last = resumeAfter ?? this.projections.runner.checkpoint('audit');
      const buffered: MessageEvent[] = [];
      let replaying = true;
      const emit = (m: MessageEvent): void => {
        const position = Number(m.id);
        if (position <= last) return;
        last = position;
        subscriber.next(m);
      };
      // Subscribe first and buffer, so nothing applied while the backlog is read is lost.
      const live = this.projections.runner.applied.subscribe({
        next: (batch) => {
          for (const { recorded } of batch.events) {
            const m = toMessage(recorded.position, recorded.type, { position: recorded.position, stream: recorded.stream, revision: recorded.revision, type: recorded.type, data: recorded.data, metadata: recorded.metadata });
            if (replaying) buffered.push(m);
            else emit(m);
          }
        },
        // The runner stops on shutdown: end the response so the server can close.
        complete: () => subscriber.complete(),
      });
      if (resumeAfter !== null) {
        for (let page = this.projections.audit.events({ after: resumeAfter, limit: 500 }); ; ) {
          for (const e of page.items) emit(toMessage(e.position, e.type, e));
          if (page.next === null) break;
          page = this.projections.audit.events({ after: page.next, limit: 500 });
        }
      }
      replaying = false;
      for (const m of buffered) emit(m);
      return () => live.unsubscribe();
    });
  }
}

function toMessage(position: number, type: string, data: object): MessageEvent {
  return { id: String(position), type, data };
}

class RebuildDto {
  @ApiPropertyOptional({ enum: PROJECTION_NAMES, description: 'One projection; all when omitted' })
  @IsOptional()
  @IsIn([...PROJECTION_NAMES])
  projection?: ProjectionName;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/projections')
export class AdminController {
  constructor(private readonly projections: Projections) {}

  @Get()
  @Requires('maintainer')
  @ApiOperation({ summary: "Each projection's version, generation, checkpoint, lag and any rebuild under way" })
  async status() {
    return { items: await this.projections.runner.status() };
  }

  @Post('rebuild')
  @Requires('maintainer')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild one or all projections from position 0 beside the live ones; swapped in when caught up' })
  @ApiAcceptedResponse({ description: 'The rebuilds started; follow them on GET /admin/projections' })
  rebuild(@Body() body: RebuildDto) {
    const names = body.projection ? [body.projection] : [...PROJECTION_NAMES];
    const { started } = this.projections.runner.rebuild(names);
    if (started.length === 0) {
      throw new ProblemException({ status: 409, detail: `a rebuild of ${names.join(', ')} is already under way`, errors: [{ field: 'projection', message: 'already rebuilding' }] });
    }
    return { started };
  }
}

@ApiTags('export')
@Controller('export')
export class ExportController {
  constructor(
    private readonly projections: Projections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('claimreview')
  @ApiOperation({ summary: 'ClaimReview JSON-LD of every claim with a verdict' })
  claimReview(@Req() request: FastifyRequest) {
    const base = `${request.protocol}://${request.headers.host ?? `localhost:${this.config.port}`}`;
    return this.projections.claimState.withVerdicts().map((state) => {
      const source = state.current ? this.projections.sources.source(state.current.sourceId) : undefined;
      return claimReviewOf(state, source, base);
    });
  }
}
