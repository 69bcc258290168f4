import { Body, Controller, Get, Headers, HttpCode, Inject, Logger, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Subscription } from 'rxjs';
import { PROJECTION_NAMES, Projections, auditEventOf, claimReviewJson, type AuditEvent, type ProjectionName } from '#projections';
import { Requires } from '../auth/auth.js';
import { ProblemException } from '../http/problem.js';
import { APP_CONFIG } from '../tokens.js';
import type { AppConfig } from '../config.js';

/**
 * Events per page of a Last-Event-ID replay: what one client is holding in memory while it takes
 * them. Each is written only when the client has taken the one before (beyond the socket's buffer).
 */
export const REPLAY_PAGE = 5;
/** A replay lets other requests in after writing about this many bytes (and after every page). */
const REPLAY_SLICE_BYTES = 64 * 1024;
/**
 * A live client whose unsent events pass this many bytes (it stopped reading) is disconnected; its
 * EventSource reconnects with Last-Event-ID and gets the rest as a paged replay.
 */
export const MAX_UNSENT_BYTES = 1024 * 1024;
/** Seconds a client refused for too many open streams is asked to wait. */
const STREAM_RETRY_AFTER_SECONDS = 10;

let replayTurns: Promise<unknown> = Promise.resolve();
/**
 * Resolves on a turn of the event loop that no other replay has: replays take one slice each in
 * turn, so however many run at once, other requests wait for one slice, not one per replay.
 */
function nextReplayTurn(): Promise<unknown> {
  replayTurns = replayTurns.then(() => new Promise((resolve) => setImmediate(resolve)));
  return replayTurns;
}

/**
 * Server-sent events: after Last-Event-ID (a global position), the backlog from the audit view a
 * page at a time, each event written once the client has taken the one before; then every new
 * event live. At most CLAIMLINE_MAX_STREAMS are open at once.
 */
@ApiTags('events')
@Controller('stream')
export class StreamController {
  private readonly logger = new Logger('Stream');
  private open = 0;

  constructor(
    private readonly projections: Projections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Live changes as server-sent events; resumable with Last-Event-ID (a global position, -1 for the whole log)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Replay every event after this global position first' })
  @ApiTooManyRequestsResponse({ description: 'CLAIMLINE_MAX_STREAMS streams are open already; retry after Retry-After seconds' })
  stream(@Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): void {
    if (this.open >= this.config.maxStreams) {
      throw new ProblemException({
        status: 429,
        detail: `${this.config.maxStreams} live streams are open, as many as this server keeps; retry in ${STREAM_RETRY_AFTER_SECONDS} s.`,
        errors: [{ field: 'stream', message: 'too many open streams' }],
        retryAfter: STREAM_RETRY_AFTER_SECONDS,
      });
    }
    const parsed = lastEventId === undefined ? NaN : Number(lastEventId);
    const resumeAfter = Number.isSafeInteger(parsed) && parsed >= -1 ? parsed : null;
    this.open += 1;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    let last = resumeAfter ?? this.projections.runner.checkpoint('audit');
    let live: Subscription | undefined;
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.open -= 1;
      live?.unsubscribe();
      if (!res.destroyed) res.end();
    };
    res.on('close', close);
    let written = 0;
    const send = (e: AuditEvent): boolean => {
      if (e.position <= last) return true;
      last = e.position;
      const message = `id: ${e.position}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
      written += message.length;
      return res.write(message);
    };
    const goLive = (): void => {
      // Applied batches are in the audit view before they are announced, so nothing falls between
      // the last page read and this subscription; `send` skips what the pages already sent.
      live = this.projections.runner.applied.subscribe({
        next: (batch) => {
          for (const e of batch.events) send(auditEventOf(e));
          // Dropped, not ended: ending would keep what it has not read in memory until it does.
          if (res.writableLength > MAX_UNSENT_BYTES) res.destroy();
        },
        // The runner stops on shutdown: end the response so the server can close.
        complete: close,
      });
    };
    if (resumeAfter === null) {
      goLive();
      return;
    }
    const taken = (): Promise<void> =>
      new Promise((resolve) => {
        const done = (): void => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
    void (async () => {
      for (;;) {
        // A long replay takes its turns with other requests: a page, or a slice of bytes, a turn.
        await nextReplayTurn();
        if (closed) return;
        const page = await this.projections.audit.events({ after: last, limit: REPLAY_PAGE });
        // Caught up: subscribe in the same turn as the read that found nothing more, so no batch
        // announced meanwhile is missed (the view is read before `events` first waits, and an empty
        // page waits on nothing: the runner announces a batch in a turn of its own).
        if (page.items.length === 0) return goLive();
        for (const e of page.items) {
          if (!send(e)) await taken();
          if (closed) return;
          if (written > REPLAY_SLICE_BYTES) {
            written = 0;
            await nextReplayTurn();
            if (closed) return;
          }
        }
      }
    })().catch((error: unknown) => {
      this.logger.error(`GET /stream failed: ${error instanceof Error ? error.stack : String(error)}`);
      close();
    });
  }
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
  @ApiOperation({ summary: 'ClaimReview JSON-LD of every claim with a verdict; each url is the claim\'s page under CLAIMLINE_PUBLIC_URL' })
  @ApiProduces('application/ld+json')
  claimReview(): StreamableFile {
    const { claimState, sources } = this.projections;
    // Never from the Host header: whoever sends the request would choose where the links point.
    const text = claimReviewJson(claimState.withVerdicts(), (sourceId) => sources.appearanceOf(sourceId), this.config.publicUrl);
    return new StreamableFile(Readable.from(turnByTurn(text), { objectMode: false }), { type: 'application/ld+json; charset=utf-8' });
  }
}

/**
 * A page of claims per turn of the event loop: a socket that takes writes as fast as they come
 * would otherwise have the whole export made in one turn (220 ms for 6,000 claims, other requests waiting).
 */
async function* turnByTurn(chunks: Iterable<string>): AsyncGenerator<string> {
  for (const chunk of chunks) {
    yield chunk;
    await nextTurn();
  }
}
