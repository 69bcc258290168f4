import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Projections, type AsOf, type AuditEvent, type ClaimFilter, type ClaimState, type FoundSource, type Page, type StoredDiscrepancy, type StoredTimeline } from '#projections';
import type { RecordedEvent } from '#event-store';

/**
 * The read use cases. Each query names one question a reader asks; its handler answers from the
 * projections (or, for as-of questions on the recorded-at axis, by folding the claim's own events).
 */

/** A page of claim states as the JSON text `{ items, nextCursor }` (the stored states, not re-serialized). */
export class ListClaimsJsonQuery extends Query<string> {
  constructor(readonly filter: ClaimFilter) {
    super();
  }
}

@QueryHandler(ListClaimsJsonQuery)
export class ListClaimsJsonHandler implements IQueryHandler<ListClaimsJsonQuery> {
  constructor(private readonly projections: Projections) {}
  async execute({ filter }: ListClaimsJsonQuery) {
    return this.projections.read.listClaimsJson(filter);
  }
}

export class GetClaimStateQuery extends Query<ClaimState | undefined> {
  constructor(
    readonly claimId: string,
    readonly at: AsOf = {},
  ) {
    super();
  }
}

@QueryHandler(GetClaimStateQuery)
export class GetClaimStateHandler implements IQueryHandler<GetClaimStateQuery> {
  constructor(private readonly projections: Projections) {}
  execute({ claimId, at }: GetClaimStateQuery) {
    return this.projections.read.claimState(claimId, at);
  }
}

/** The live state of one claim as stored JSON text, for callers that pass it on unchanged (HTTP). */
export class GetClaimStateJsonQuery extends Query<string | undefined> {
  constructor(readonly claimId: string) {
    super();
  }
}

@QueryHandler(GetClaimStateJsonQuery)
export class GetClaimStateJsonHandler implements IQueryHandler<GetClaimStateJsonQuery> {
  constructor(private readonly projections: Projections) {}
  async execute({ claimId }: GetClaimStateJsonQuery) {
    return this.projections.read.claimStateJson(claimId);
  }
}

export class GetTimelineQuery extends Query<StoredTimeline | undefined> {
  constructor(
    readonly claimId: string,
    readonly at: AsOf = {},
  ) {
    super();
  }
}

@QueryHandler(GetTimelineQuery)
export class GetTimelineHandler implements IQueryHandler<GetTimelineQuery> {
  constructor(private readonly projections: Projections) {}
  execute({ claimId, at }: GetTimelineQuery) {
    return this.projections.read.timeline(claimId, at);
  }
}

/** The live timeline of one claim as stored JSON text, for callers that pass it on unchanged (HTTP). */
export class GetTimelineJsonQuery extends Query<string | undefined> {
  constructor(readonly claimId: string) {
    super();
  }
}

@QueryHandler(GetTimelineJsonQuery)
export class GetTimelineJsonHandler implements IQueryHandler<GetTimelineJsonQuery> {
  constructor(private readonly projections: Projections) {}
  async execute({ claimId }: GetTimelineJsonQuery) {
    return this.projections.read.timelineJson(claimId);
  }
}

export class GetClaimEventsQuery extends Query<RecordedEvent[]> {
  constructor(readonly claimId: string) {
    super();
  }
}

@QueryHandler(GetClaimEventsQuery)
export class GetClaimEventsHandler implements IQueryHandler<GetClaimEventsQuery> {
  constructor(private readonly projections: Projections) {}
  execute({ claimId }: GetClaimEventsQuery) {
    return this.projections.read.claimEvents(claimId);
  }
}

export class ListDiscrepanciesQuery extends Query<Page<StoredDiscrepancy>> {
  constructor(readonly filter: { relation?: string; claim?: string; source?: string; status?: 'open' | 'resolved' | 'all'; cursor?: string; limit: number }) {
    super();
  }
}

@QueryHandler(ListDiscrepanciesQuery)
export class ListDiscrepanciesHandler implements IQueryHandler<ListDiscrepanciesQuery> {
  constructor(private readonly projections: Projections) {}
  async execute({ filter }: ListDiscrepanciesQuery) {
    return this.projections.read.discrepancies(filter);
  }
}

export class ListSourcesQuery extends Query<Page<FoundSource>> {
  constructor(readonly filter: { q?: string; cursor?: string; limit: number }) {
    super();
  }
}

@QueryHandler(ListSourcesQuery)
export class ListSourcesHandler implements IQueryHandler<ListSourcesQuery> {
  constructor(private readonly projections: Projections) {}
  async execute({ filter }: ListSourcesQuery) {
    return this.projections.read.listSources(filter);
  }
}

export class GetSourceQuery extends Query<ReturnType<Projections['read']['source']>> {
  constructor(readonly sourceId: string) {
    super();
  }
}

@QueryHandler(GetSourceQuery)
export class GetSourceHandler implements IQueryHandler<GetSourceQuery> {
  constructor(private readonly projections: Projections) {}
  async execute({ sourceId }: GetSourceQuery) {
    return this.projections.read.source(sourceId);
  }
}

export class GetSourceRevisionsQuery extends Query<ReturnType<Projections['read']['revisions']>> {
  constructor(readonly sourceId: string) {
    super();
  }
}

@QueryHandler(GetSourceRevisionsQuery)
export class GetSourceRevisionsHandler implements IQueryHandler<GetSourceRevisionsQuery> {
  constructor(private readonly projections: Projections) {}
  async execute({ sourceId }: GetSourceRevisionsQuery) {
    return this.projections.read.revisions(sourceId);
  }
}

export class ListEventsQuery extends Query<{ items: AuditEvent[]; next: number | null }> {
  constructor(readonly filter: { after?: number; limit: number; stream?: string; actor?: string; type?: string; since?: string; until?: string }) {
    super();
  }
}

@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery> {
  constructor(private readonly projections: Projections) {}
  async execute({ filter }: ListEventsQuery) {
    return this.projections.read.events(filter);
  }
}

export const QUERY_HANDLERS = [
  ListClaimsJsonHandler,
  GetClaimStateHandler,
  GetClaimStateJsonHandler,
  GetTimelineHandler,
  GetTimelineJsonHandler,
  GetClaimEventsHandler,
  ListDiscrepanciesHandler,
  ListSourcesHandler,
  GetSourceHandler,
  GetSourceRevisionsHandler,
  ListEventsHandler,
];
