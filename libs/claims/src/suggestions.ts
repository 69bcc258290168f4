import { setImmediate as nextTurn } from 'node:timers/promises';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { suggestionSteps, type SuggestionsFor, type TrackedClaim } from '#domain';
import { Projections, type ReadModels } from '#projections';

/**
 * The tracked claims whose values a text may state. This is the one place candidates are
 * retrieved; today it is every claim of a type the value reader can find (date, quantity, count),
 * with its recorded assertions, and a full-text index (issue 16) may narrow it by `text`.
 */
export function candidateClaims(read: ReadModels, _text: string): TrackedClaim[] {
  const claims: TrackedClaim[] = [];
  let cursor: string | undefined;
  do {
    const page = read.listClaims({ limit: 500, cursor });
    for (const state of page.items) {
      if (state.valueType === 'text') continue;
      const timeline = read.timelineJson(state.claimId);
      const entries = timeline ? (JSON.parse(timeline) as { entries: TimelineEntryFacts[] }).entries : [];
      claims.push({
        claimId: state.claimId,
        subject: state.subject,
        predicate: state.predicate,
        valueType: state.valueType,
        description: state.description,
        entities: state.entities,
        current: state.current?.value ?? null,
        assertions: entries.map((e) => ({ assertionId: e.assertionId, sourceId: e.sourceId, quote: e.quote, value: e.value, live: e.status === 'live' })),
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return claims;
}

type TimelineEntryFacts = Pick<TrackedClaim['assertions'][number], 'assertionId' | 'sourceId' | 'quote' | 'value'> & { status: 'live' | 'retracted' };

/** Suggestions for the current text of a source from text offset `from`; undefined when there is no such source. */
export class GetSuggestionsQuery extends Query<SuggestionsFor | undefined> {
  constructor(
    readonly sourceId: string,
    readonly from = 0,
  ) {
    super();
  }
}

/**
 * The longest the suggestion engine runs before it lets other requests in. A 1 MB source takes far
 * longer than this in all, so it is done a sentence at a time in slices of this length.
 */
export const SUGGESTION_SLICE_MS = 10;

@QueryHandler(GetSuggestionsQuery)
export class GetSuggestionsHandler implements IQueryHandler<GetSuggestionsQuery> {
  /** The candidates as of the claim views' checkpoints: rebuilt only after a claim event. */
  private cached: { at: string; claims: TrackedClaim[] } | null = null;

  constructor(private readonly projections: Projections) {}

  async execute({ sourceId, from }: GetSuggestionsQuery): Promise<SuggestionsFor | undefined> {
    const read = this.projections.read;
    const source = read.source(sourceId);
    if (!source) return undefined;
    const claims = this.claimsFor(source.text);
    const steps = suggestionSteps({ sourceId, title: source.title, publisher: source.publisher, publishedAt: source.publishedAt, text: source.text }, claims, from);
    return runInSlices(steps, SUGGESTION_SLICE_MS);
  }

  /** The candidate claims; held while candidateClaims ignores the text (a text-dependent retrieval keys this by text too). */
  private claimsFor(text: string): TrackedClaim[] {
    const runner = this.projections.runner;
    const at = `${runner.checkpoint('claim-state')}:${runner.checkpoint('claim-timeline')}`;
    if (this.cached?.at !== at) this.cached = { at, claims: candidateClaims(this.projections.read, text) };
    return this.cached.claims;
  }
}

/** Runs a generator of steps, giving the event loop a turn whenever a slice of `sliceMs` has been used. */
export async function runInSlices<T>(steps: Generator<void, T>, sliceMs: number): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}
