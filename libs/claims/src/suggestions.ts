import { setImmediate as nextTurn } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { suggestionSteps, type SuggestionsFor, type TrackedClaim } from '#domain';
import { Projections } from '#projections';

/**
 * The tracked claims whose values a text may state. This is the one place candidates are
 * retrieved; today it is every claim of a type the value reader can find (date, quantity, count),
 * with its recorded assertions.
 */
export function candidateClaims(projections: Pick<Projections, 'claimState' | 'timeline'>): TrackedClaim[] {
  const claims: TrackedClaim[] = [];
  let cursor: string | undefined;
  do {
    const page = projections.claimState.list({ limit: 500, cursor });
    for (const state of page.items) {
      if (state.valueType === 'text') continue;
      const timeline = projections.timeline.timelineJson(state.claimId);
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

/**
 * The longest the suggestion engine runs before it lets other requests in. A 1 MB source takes far
 * longer than this in all, so it is done a sentence at a time in slices of this length.
 */
export const SUGGESTION_SLICE_MS = 10;

/** Intake: what the current text of a source states that tracked claims could hold (a view, never an event). */
@Injectable()
export class Suggestions {
  /** The candidates as of the claim views' checkpoints: rebuilt only after a claim event. */
  private cached: { at: string; claims: TrackedClaim[] } | null = null;

  constructor(private readonly projections: Projections) {}

  /** Suggestions for the source's current text from text offset `from`; undefined when there is no such source. */
  async forSource(sourceId: string, from = 0): Promise<SuggestionsFor | undefined> {
    const source = this.projections.sources.source(sourceId);
    if (!source) return undefined;
    const { title, publisher, publishedAt, text, fiscalYear } = source;
    const steps = suggestionSteps({ sourceId, title, publisher, publishedAt, text, fiscalYear: fiscalYear ?? undefined }, this.candidates(), from);
    return runInSlices(steps, SUGGESTION_SLICE_MS);
  }

  private candidates(): TrackedClaim[] {
    const runner = this.projections.runner;
    const at = `${runner.checkpoint('claim-state')}:${runner.checkpoint('claim-timeline')}`;
    if (this.cached?.at !== at) this.cached = { at, claims: candidateClaims(this.projections) };
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
