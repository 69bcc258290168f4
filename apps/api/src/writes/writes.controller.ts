import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CorrectAssertionCommand,
  OpenClaimCommand,
  RecordAssertionCommand,
  RecordVerdictCommand,
  RegisterSourceCommand,
  RetractAssertionCommand,
  ReviseSourceTextCommand,
  type WriteContext,
} from '#claims';
import { Projections } from '#projections';
import { Requires } from '../auth/auth.js';
import { Writer } from './writer.js';
import {
  CorrectAssertionDto,
  OpenClaimDto,
  RecordAssertionDto,
  RecordVerdictDto,
  RegisterSourceDto,
  RetractAssertionDto,
  ReviseSourceDto,
} from './write-dtos.js';

const IF_MATCH = { name: 'If-Match', required: false, description: 'The claim revision you read, e.g. "3"; a stale one is 412' };
const IDEMPOTENCY_KEY = { name: 'Idempotency-Key', required: false, description: 'A retried request with the same key returns the first result and appends nothing' };

interface Result {
  revision: number;
  position: number;
  replayed: boolean;
}

/**
 * Every write: translate the request into a command (the handlers make it idempotent by key and
 * guard it by revision), wait until the read models hold its events so the caller reads its own
 * write, and answer 201 (a replayed retry says so in a header).
 */
@ApiTags('writes')
@ApiBearerAuth()
@Controller()
export class WritesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly projections: Projections,
  ) {}

  private async run<R extends Result>(reply: FastifyReply, command: Command<R>): Promise<R> {
    const result = await this.commands.execute(command);
    await this.projections.runner.waitFor(result.position);
    void reply.status(201).header('etag', `"${result.revision}"`);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result;
  }

  @Post('sources')
  @Requires('editor')
  @ApiOperation({ summary: 'Register a source (an article with its full text)' })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ description: '{ id, contentHash, publishedAt, textVersion, revision, position }' })
  async registerSource(@Body() dto: RegisterSourceDto, @Writer() context: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.run(
      reply,
      new RegisterSourceCommand(
        { title: dto.title, publisher: dto.publisher ?? null, author: dto.author ?? null, url: dto.url ?? null, language: dto.language ?? 'en', publishedAt: dto.publishedAt, retrievedAt: dto.retrievedAt ?? null, fiscalYear: dto.fiscalYear ?? null, text: dto.text },
        context,
      ),
    );
    return { id: r.sourceId, contentHash: r.contentHash, publishedAt: r.publishedAt, textVersion: r.textVersion, revision: r.revision, position: r.position };
  }

  @Post('sources/:id/revisions')
  @Requires('editor')
  @ApiOperation({ summary: "A new version of the source's text; quotes no longer in it are flagged, never deleted" })
  @ApiHeader(IDEMPOTENCY_KEY)
  async reviseSource(@Param('id') id: string, @Body() dto: ReviseSourceDto, @Writer() context: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.run(reply, new ReviseSourceTextCommand(id, { text: dto.text, reason: dto.reason }, context));
    const flagged = (this.projections.sources.source(id)?.citedBy ?? []).filter((c) => !c.quoteInCurrentText).map((c) => ({ claimId: c.claimId, assertionId: c.assertionId, quote: c.quote.exact }));
    return { id, textVersion: r.textVersion, contentHash: r.contentHash, revision: r.revision, position: r.position, quotesNoLongerInText: flagged };
  }

  @Post('claims')
  @Requires('editor')
  @ApiOperation({ summary: 'Open a claim: a subject, a predicate and the type of its values' })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ description: '{ id, revision, position }' })
  async openClaim(@Body() dto: OpenClaimDto, @Writer() context: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const entities = dto.entities?.map((e) => ({ name: e.name, aliases: [...e.aliases] }));
    const r = await this.run(
      reply,
      new OpenClaimCommand({ subject: dto.subject, predicate: dto.predicate, valueType: dto.valueType, description: dto.description, entities }, context),
    );
    return { id: r.claimId, revision: r.revision, position: r.position };
  }

  @Post('claims/:id/assertions')
  @Requires('editor')
  @ApiOperation({ summary: 'Record what a source said: quote, value in words, said-at, speaker, modality' })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ description: '{ assertionId, revision, position, value, saidAt, quote, relationToPrevious }' })
  async recordAssertion(
    @Param('id') id: string,
    @Body() dto: RecordAssertionDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const r = await this.run(
      reply,
      new RecordAssertionCommand(
        id,
        { sourceId: dto.sourceId, quote: { ...dto.quote }, value: { ...dto.value }, saidAt: dto.saidAt, speaker: dto.speaker, modality: dto.modality, note: dto.note },
        context,
      ),
    );
    return {
      assertionId: r.assertionId,
      revision: r.revision,
      position: r.position,
      value: r.value,
      saidAt: r.saidAt,
      quote: r.quote,
      relationToPrevious: this.projections.timeline.relationToPrevious(id, r.assertionId) ?? null,
    };
  }

  @Post('claims/:id/assertions/:aid/corrections')
  @Requires('editor')
  @ApiOperation({ summary: 'Correct fields of an assertion that were recorded wrongly (a reason is required)' })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  async correct(
    @Param('id') id: string,
    @Param('aid') aid: string,
    @Body() dto: CorrectAssertionDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const changes = JSON.parse(JSON.stringify(dto.changes)) as CorrectAssertionDto['changes'];
    const r = await this.run(reply, new CorrectAssertionCommand(id, aid, { changes, reason: dto.reason }, context));
    return { claimId: id, assertionId: aid, revision: r.revision, position: r.position, changes: r.changes, previous: r.previous };
  }

  @Post('claims/:id/assertions/:aid/retractions')
  @Requires('editor')
  @ApiOperation({ summary: 'Retract an assertion: the source withdrew it, or it was recorded in error (a reason is required)' })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  async retract(
    @Param('id') id: string,
    @Param('aid') aid: string,
    @Body() dto: RetractAssertionDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const r = await this.run(reply, new RetractAssertionCommand(id, aid, { kind: dto.kind, reason: dto.reason }, context));
    return { claimId: id, assertionId: aid, revision: r.revision, position: r.position };
  }

  @Post('claims/:id/verdicts')
  @Requires('editor')
  @ApiOperation({ summary: "Record a fact-checker's verdict (ClaimReview rating 1–5)" })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  async verdict(
    @Param('id') id: string,
    @Body() dto: RecordVerdictDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const r = await this.run(
      reply,
      new RecordVerdictCommand(id, { ratingValue: dto.ratingValue, alternateName: dto.alternateName, reasoning: dto.reasoning, reviewer: dto.reviewer, reviewedAt: dto.reviewedAt }, context),
    );
    return { claimId: id, verdictId: r.verdictId, rating: r.rating, revision: r.revision, position: r.position };
  }
}
