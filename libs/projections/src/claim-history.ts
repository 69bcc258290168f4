import { claimStream, type DomainEvent } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import { isClaimEvent } from './claim-folds.js';
import type { ClaimTimelineModel, StoredTimeline } from './claim-timeline.js';
import { foldClaim, stateOf, type ClaimFold, type ClaimStateView, type ViewFilter } from './claim-view.js';
import { contextOf } from './projection.js';

export interface AsOf {
  /** Recorded-at axis: what claimline said at this instant (ISO 8601). */
  asOf?: string;
  /** Said-at axis: only what was on the public record by this day (`YYYY-MM-DD`). */
  saidBy?: string;
}

/**
 * A claim as it stood in the past, folded from its own stream with the same pure functions the live
 * views use: `asOf` keeps the events recorded by that instant (recorded-at axis), `saidBy` the
 * assertions said by that day (said-at axis). Both stop where the live claim-state view has got to,
 * so they never run ahead of what the live views show.
 */
export class ClaimHistory {
  constructor(
    private readonly store: EventStore,
    private readonly decode: (recorded: RecordedEvent) => DomainEvent | null,
    /** The live claim-state view's checkpoint, and the live timeline (whose source texts quotes are checked against). */
    private readonly live: { checkpoint(): number; timeline(): ClaimTimelineModel },
  ) {}

  async state(claimId: string, at: AsOf): Promise<ClaimStateView | undefined> {
    const fold = await this.foldAt(claimId, at);
    return fold && stateOf(fold, filterOf(at));
  }

  async timeline(claimId: string, at: AsOf): Promise<StoredTimeline | undefined> {
    const fold = await this.foldAt(claimId, at);
    return fold && this.live.timeline().timelineOf(fold, filterOf(at));
  }

  /** undefined when the claim did not exist then (before its opening claimline said nothing about it). */
  private async foldAt(claimId: string, at: AsOf): Promise<ClaimFold | undefined> {
    const until = this.live.checkpoint();
    const asOf = at.asOf === undefined ? Infinity : Date.parse(at.asOf);
    let fold: ClaimFold | null = null;
    for (const recorded of await this.store.readStream(claimStream(claimId))) {
      const ctx = contextOf(recorded);
      if (recorded.position > until || Date.parse(ctx.recordedAt) > asOf) break;
      const event = this.decode(recorded);
      if (isClaimEvent(event)) fold = foldClaim(fold, event, ctx, { pairs: false });
    }
    return fold ?? undefined;
  }
}

function filterOf(at: AsOf): ViewFilter {
  return at.saidBy === undefined ? {} : { saidBy: at.saidBy };
}
