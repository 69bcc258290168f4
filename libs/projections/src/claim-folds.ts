import { claimStream, type DomainEvent } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import { contextOf, isClaimEvent } from './claim-projections.js';
import { foldClaim, type ClaimFold } from './claim-view.js';
import { claimMemory, type ProjectedEvent } from './projection.js';

/** Streams read at once when a batch needs folds memory does not hold, and at most how many per batch. */
const READS_AT_ONCE = 16;
const READ_AHEAD_MAX = 256;

/**
 * The fold of every claim a batch touches, event by event, for the three claim projections.
 *
 * The fold right after an event depends on nothing but the claim's stream up to it, so it is made
 * once per event and shared by every file that applies the event. The fold before a batch's first
 * event of a claim comes from memory when the kept fold is at the stream revision just before it,
 * and otherwise from the claim's stream in the log: read models store views, not folds.
 */
export class ClaimFolds {
  /** claimId → the fold after the event at `revision` of the claim's stream (least recent first). */
  private readonly kept = new Map<string, { revision: number; fold: ClaimFold | null }>();

  constructor(
    private readonly store: EventStore,
    private readonly decode: (event: RecordedEvent) => DomainEvent | null,
  ) {}

  /** Sets `fold` on every claim event of the batch (in position order). */
  async foldBatch(batch: readonly ProjectedEvent[], building: boolean): Promise<void> {
    const capacity = building ? claimMemory.foldsKeptWhileBuilding : claimMemory.foldsKept;
    const read = await this.readMissing(batch);
    for (const e of batch) {
      if (!isClaimEvent(e.event) || e.fold !== undefined) continue;
      const claimId = e.event.data.claimId;
      const revision = e.recorded.revision;
      let before = this.kept.get(claimId);
      if (before === undefined || before.revision !== revision - 1) before = read.get(claimId);
      if (before === undefined || before.revision !== revision - 1) {
        before = { revision: revision - 1, fold: revision === 0 ? null : await this.foldFromLog(claimId, revision - 1) };
      }
      e.fold = foldClaim(before.fold, e.event, contextOf(e.recorded));
      this.keep(claimId, revision, e.fold, capacity);
    }
  }

  /**
   * The folds the batch's first event of each claim needs and memory does not hold, read from the
   * log together: on EventStoreDB each is a round trip, and a batch after a restart misses on every
   * claim it touches.
   */
  private async readMissing(batch: readonly ProjectedEvent[]): Promise<Map<string, { revision: number; fold: ClaimFold | null }>> {
    const wanted = new Map<string, number>();
    for (const e of batch) {
      if (!isClaimEvent(e.event) || e.fold !== undefined || wanted.has(e.event.data.claimId)) continue;
      const revision = e.recorded.revision;
      const kept = this.kept.get(e.event.data.claimId);
      wanted.set(e.event.data.claimId, revision > 0 && kept?.revision !== revision - 1 ? revision - 1 : -1);
    }
    // The rest of a large batch's misses are read one by one, so this never holds more than that.
    const missing = [...wanted].filter(([, revision]) => revision >= 0).slice(0, READ_AHEAD_MAX);
    const read = new Map<string, { revision: number; fold: ClaimFold | null }>();
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < missing.length) {
        const [claimId, revision] = missing[next++]!;
        read.set(claimId, { revision, fold: await this.foldFromLog(claimId, revision) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, missing.length) }, reader));
    return read;
  }

  /** The fold of a claim's stream up to `revision` (inclusive; all of it when absent), read from the log. */
  async foldFromLog(claimId: string, revision?: number, atOrBefore = Number.MAX_SAFE_INTEGER): Promise<ClaimFold | null> {
    let fold: ClaimFold | null = null;
    const events = await this.store.readStream(claimStream(claimId), revision === undefined ? {} : { limit: revision + 1 });
    for (const recorded of events) {
      if (recorded.position > atOrBefore) break;
      const event = this.decode(recorded);
      if (isClaimEvent(event)) fold = foldClaim(fold, event, contextOf(recorded));
    }
    return fold;
  }

  private keep(claimId: string, revision: number, fold: ClaimFold | null, capacity: number): void {
    this.kept.delete(claimId);
    this.kept.set(claimId, { revision, fold });
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= capacity) break;
      this.kept.delete(oldest);
    }
  }
}
