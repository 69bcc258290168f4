import { setImmediate as nextTurn } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { nextPageOf, suggestionPages, type SuggestionsFor, type TrackedClaim } from '#domain';
import { Projections, type ClaimStateView } from '#projections';

/** A claim as the intake matcher sees it: what names it, its current value and its recorded assertions. */
function trackedClaim(state: ClaimStateView, timelineJson: string | undefined): TrackedClaim {
  const entries = timelineJson ? (JSON.parse(timelineJson) as { entries: TimelineEntryFacts[] }).entries : [];
  return {
    claimId: state.claimId,
    subject: state.subject,
    predicate: state.predicate,
    valueType: state.valueType,
    description: state.description,
    entities: state.entities,
    current: state.current?.value ?? null,
    assertions: entries.map((e) => ({ assertionId: e.assertionId, sourceId: e.sourceId, quote: e.quote, value: e.value, live: e.status === 'live' })),
  };
}

type TimelineEntryFacts = Pick<TrackedClaim['assertions'][number], 'assertionId' | 'sourceId' | 'quote' | 'value'> & { status: 'live' | 'retracted' };

type ClaimViews = Pick<Projections, 'claimState' | 'timeline'>;

/** Every claim of a type the value reader can find (date, quantity, count), with its recorded assertions; a step a claim. */
export function* everyTrackedClaim(projections: ClaimViews): Generator<void, TrackedClaim[]> {
  const claims: TrackedClaim[] = [];
  let cursor: string | undefined;
  do {
    const page = projections.claimState.list({ limit: 500, cursor });
    for (const state of page.items) {
      if (state.valueType !== 'text') claims.push(trackedClaim(state, projections.timeline.timelineJson(state.claimId)));
      yield;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return claims;
}

/**
 * The claims the full-text index finds for the passages of a text (each paragraph with the title),
 * `perPassage` at most for each: the candidates of a large store, where reading every claim for
 * each article would cost seconds. A step a paragraph: a long text is looked up in slices.
 */
export function* claimsFoundFor(projections: ClaimViews, title: string, text: string, perPassage = CANDIDATES_PER_PASSAGE): Generator<void, TrackedClaim[]> {
  const found = new Map<string, TrackedClaim>();
  for (const paragraph of passagesOf(text)) {
    if (!/[\p{L}\p{N}]/u.test(paragraph)) continue;
    for (const state of projections.claimState.candidates([title, paragraph], perPassage)) {
      if (state.valueType === 'text' || found.has(state.claimId)) continue;
      found.set(state.claimId, trackedClaim(state, projections.timeline.timelineJson(state.claimId)));
    }
    yield;
  }
  return [...found.values()];
}

/** A text's paragraphs, a long one cut at a space every PASSAGE_CHARS or so (each passage is one lookup of its words). */
function* passagesOf(text: string): Generator<string> {
  for (const paragraph of text.split(/\n\s*\n|\n/)) {
    let rest = paragraph;
    while (rest.length > PASSAGE_CHARS) {
      const cut = rest.lastIndexOf(' ', PASSAGE_CHARS);
      const at = cut > 0 ? cut : PASSAGE_CHARS;
      yield rest.slice(0, at);
      rest = rest.slice(at);
    }
    yield rest;
  }
}

const PASSAGE_CHARS = 2000;

/**
 * Up to this many claims, every claim is a candidate for every article (the matcher scores them
 * all, as test/intake measured it); beyond, the full-text index picks them passage by passage.
 */
export const EVERY_CLAIM_UP_TO = 2000;
/** Claims asked of the index for each paragraph of a text. */
export const CANDIDATES_PER_PASSAGE = 25;

/**
 * The longest the suggestion engine runs before it lets other requests in. A 1 MB source takes far
 * longer than this in all, so it is done a sentence at a time in slices of this length.
 */
export const SUGGESTION_SLICE_MS = 10;

/** Intake: what the current text of a source states that tracked claims could hold (a view, never an event). */
@Injectable()
export class Suggestions {
  /** Every claim, as of the claim views' checkpoints: read again only after a claim event. */
  private every: { at: string; claims: TrackedClaim[] } | null = null;
  /** The index's candidates for the last text asked about (its pages are asked for one after the other). */
  private found: { key: string; claims: TrackedClaim[] } | null = null;
  /** How many claims there are, as of the claim views' checkpoints. */
  private counted: { at: string; claims: number } | null = null;
  /**
   * The reading of the text last asked about, stopped where its last answer stopped: asked for the
   * next page (from that answer's `next`), it reads on instead of reading the text before it again.
   */
  private reading: { key: string; next: number; pages: Generator<SuggestionsFor | undefined, void> } | null = null;
  /** Where the store stops counting as small (EVERY_CLAIM_UP_TO; tests set it lower). */
  everyClaimUpTo = EVERY_CLAIM_UP_TO;

  constructor(private readonly projections: Projections) {}

  /** Suggestions for the source's current text from text offset `from`; undefined when there is no such source. */
  async forSource(sourceId: string, from = 0): Promise<SuggestionsFor | undefined> {
    const source = this.projections.sources.withText(sourceId);
    if (!source) return undefined;
    const { title, publisher, publishedAt, text, fiscalYear, textVersion } = source;
    const runner = this.projections.runner;
    const at = `${runner.checkpoint('claim-state')}:${runner.checkpoint('claim-timeline')}`;
    // The text as it is and the claims as they are: what the candidates and a kept reading hold for.
    const key = `${sourceId}@${textVersion}:${at}`;
    const claims = await this.candidates(key, at, title, text);
    // The page after the last one answered for the same key: read on.
    const kept = this.reading?.key === key && this.reading.next === from ? this.reading.pages : undefined;
    // Taken while it runs: a request for the same page meanwhile reads afresh rather than share it.
    if (kept) this.reading = null;
    const pages = kept ?? suggestionPages({ sourceId, title, publisher, publishedAt, text, fiscalYear: fiscalYear ?? undefined }, claims, from);
    const page = await runInSlices(nextPageOf(pages), SUGGESTION_SLICE_MS);
    this.reading = page.next === null ? null : { key, next: page.next, pages };
    return page;
  }

  private async candidates(key: string, at: string, title: string, text: string): Promise<TrackedClaim[]> {
    if (this.counted?.at !== at) this.counted = { at, claims: this.projections.claimState.count() };
    if (this.counted.claims > this.everyClaimUpTo) {
      if (this.found?.key !== key) this.found = { key, claims: await runInSlices(claimsFoundFor(this.projections, title, text), SUGGESTION_SLICE_MS) };
      return this.found.claims;
    }
    if (this.every?.at !== at) this.every = { at, claims: await runInSlices(everyTrackedClaim(this.projections), SUGGESTION_SLICE_MS) };
    return this.every.claims;
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
