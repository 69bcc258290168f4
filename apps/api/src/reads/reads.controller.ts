import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Suggestions } from '#claims';
import { claimStream } from '#domain';
import { Projections } from '#projections';
import { AsOfQuery, ListClaimsQueryDto, ListDiscrepanciesQueryDto, ListEventsQueryDto, ListSourcesQueryDto, SuggestionsQueryDto } from '../http/query-dtos.js';
import { validationPipe } from '../http/problem.js';
import { SUGGESTIONS_SCHEMA } from './suggestions-schema.js';

/**
 * GET /claims/:id and its timeline are the hottest reads, and almost always come without a query
 * string. Their query is taken as a plain object (the global ValidationPipe passes `Object` through
 * untouched) and validated here, by the same pipe and so with the same 400s, only when there is
 * one: the transform-and-validate of an empty AsOfQuery was a tenth of the route's CPU.
 */
const asOfPipe = validationPipe();
async function asOfFrom(query: Record<string, unknown>): Promise<AsOfQuery> {
  for (const _ in query) return (await asOfPipe.transform(query, { type: 'query', metatype: AsOfQuery })) as AsOfQuery;
  return {};
}

/** Sends the JSON a projection stored as it is: no parse and re-serialize, nor UTF-8 decode and encode, on the way out. */
function storedJson(reply: FastifyReply, json: Buffer): Buffer {
  void reply.header('content-type', 'application/json; charset=utf-8');
  return json;
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new NotFoundException(`${what} does not exist`);
  return value;
}

@ApiTags('claims')
@Controller('claims')
export class ClaimReadsController {
  constructor(private readonly projections: Projections) {}

  @Get()
  @ApiOperation({ summary: 'Current state of claims, what changed first; with q, the claims the words find, best first; filter by subject, entity, status; paged by cursor' })
  @ApiOkResponse({ description: '{ items: ClaimState[], nextCursor }; with q each item also has match: { score, fields: [{ field, parts: [{ text, hit? }] }] }, the words found marked' })
  async list(@Query() query: ListClaimsQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return storedJson(reply, this.projections.claimState.listBytes({ ...query, limit: query.limit ?? 50 }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Current state of one claim; asOf (recorded-at) and saidBy (said-at) answer for the past' })
  @ApiQuery({ name: 'asOf', required: false, type: String, description: 'Recorded-at axis: what claimline said at this instant (ISO 8601)', example: '2025-12-06T00:00:00Z' })
  @ApiQuery({ name: 'saidBy', required: false, type: String, description: 'Said-at axis: only statements on the public record by this day', example: '2025-12-04' })
  async get(@Param('id') id: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const at = await asOfFrom(query);
    if (at.asOf === undefined && at.saidBy === undefined) {
      return storedJson(reply, found(this.projections.claimState.stateBytes(id), `claim ${id}`));
    }
    return found(await this.projections.history.state(id, at), `claim ${id}${at.asOf ? ` as of ${at.asOf}` : ''}`);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'Every assertion in said-at order with its relation to the previous one' })
  @ApiQuery({ name: 'asOf', required: false, type: String, description: 'Recorded-at axis: what claimline said at this instant (ISO 8601)', example: '2025-12-06T00:00:00Z' })
  @ApiQuery({ name: 'saidBy', required: false, type: String, description: 'Said-at axis: only statements on the public record by this day', example: '2025-12-04' })
  async timeline(@Param('id') id: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const at = await asOfFrom(query);
    if (at.asOf === undefined && at.saidBy === undefined) {
      return storedJson(reply, found(this.projections.timeline.timelineBytes(id), `claim ${id}`));
    }
    return found(await this.projections.history.timeline(id, at), `claim ${id}`);
  }

  @Get(':id/events')
  @ApiOperation({ summary: "The claim's raw events from the log" })
  async events(@Param('id') id: string) {
    const events = await this.projections.store.readStream(claimStream(id));
    if (events.length === 0) throw new NotFoundException(`claim ${id} does not exist`);
    return { items: events };
  }
}

@ApiTags('discrepancies')
@Controller('discrepancies')
export class DiscrepanciesController {
  constructor(private readonly projections: Projections) {}

  @Get()
  @ApiOperation({ summary: 'Pairs of live assertions of a claim that overlap or contradict each other' })
  list(@Query() query: ListDiscrepanciesQueryDto) {
    return this.projections.discrepancies.list({ ...query, limit: query.limit ?? 50 });
  }
}

@ApiTags('sources')
@Controller('sources')
export class SourceReadsController {
  constructor(
    private readonly projections: Projections,
    private readonly suggestionsOf: Suggestions,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Registered sources; with q, those the words find (title, publisher, author, text), best first, each with match' })
  list(@Query() query: ListSourcesQueryDto) {
    return this.projections.sources.list({ ...query, limit: query.limit ?? 50 });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One source with its current text and the assertions citing it' })
  get(@Param('id') id: string) {
    return found(this.projections.sources.source(id), `source ${id}`);
  }

  @Get(':id/revisions')
  @ApiOperation({ summary: 'The text versions, each with its hash and a word diff against the previous' })
  revisions(@Param('id') id: string) {
    return { items: found(this.projections.sources.revisions(id), `source ${id}`) };
  }

  @Get(':id/suggestions')
  @ApiOperation({
    summary: 'Intake: every value the current text states that a tracked claim could hold, ready to record',
    description:
      'A view, never an event. Each suggestion holds the verbatim quote with the selectors the assertion endpoint computes, the value as read, the candidate claims best first (score and reason), the relation to the first claim\'s current value, speaker, modality and said-at read from the text (else the source\'s defaults), and alreadyRecorded. Accept one by sending its `assertion` to POST /claims/{claimId}/assertions. At most 500 suggestions an answer: when `next` is not null, ask again with from=next.',
  })
  @ApiOkResponse({ description: '{ sourceId, from, next, suggestions: Suggestion[], unread: UnreadValue[] }', schema: SUGGESTIONS_SCHEMA })
  @ApiNotFoundResponse({ description: 'No such source (problem+json)' })
  async suggestions(@Param('id') id: string, @Query() query: SuggestionsQueryDto) {
    return found(await this.suggestionsOf.forSource(id, query.from ?? 0), `source ${id}`);
  }
}

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly projections: Projections) {}

  @Get()
  @ApiOperation({ summary: 'The global event feed with metadata, paged by position; filter by stream, actor, type, time' })
  async list(@Query() query: ListEventsQueryDto) {
    return this.projections.audit.events({ ...query, limit: query.limit ?? 100 });
  }
}
