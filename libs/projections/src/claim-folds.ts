import { LRUCache } from 'lru-cache';
import { CLAIM_EVENT_TYPES, claimStream, compareValues, type ClaimEvent, type Comparison, type DomainEvent, type Entity, type Value } from '#domain';
import { foldClaim, type ClaimFold } from './claim-view.js';
import type { FoldExchange } from './fold-exchange.js';
import { claimMemory, contextOf, type Feed, type OpenOptions, type ProjectedEvent, type ReadModel } from './projection.js';

export function isClaimEvent(event: DomainEvent | null): event is ClaimEvent {
  return event !== null && (CLAIM_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** Streams read at once (on EventStoreDB each is a round trip). */
const READS_AT_ONCE = 16;

/**
 * The first stage of the three claim views: every claim a batch touches, folded once for all of
 * them (claim-view.ts), then each view writes its rows from the fold.
 *
 * Live, the fold before a batch's first event of a claim comes from memory when the kept fold is at
 * the stream revision just before it, otherwise from the claim's stream in the log. A build from
 * position 0 reads each claim's stream whole when it meets the claim's opening, and folds it up to
 * the end of the build (`Feed.streamedTo`): each claim's views are then computed once for the
 * whole log, and memory holds one batch's claims, however long the log.
 */
export class ClaimFolds {
  /** The feed's fold stage; a build thread makes it first, with the exchange it shares whole claims through. */
  static of(feed: Feed, exchange?: FoldExchange): ClaimFolds {
    return feed.shared('claim-folds', () => new ClaimFolds(feed, exchange));
  }

  /** claimId → its fold after the last batch that changed it, least recently used first out. */
  private readonly kept: LRUCache<string, ClaimFold>;
  private batch: readonly ProjectedEvent[] | undefined;
  private folding: Promise<void> | undefined;
  private changed = new Map<string, ClaimFold>();
  private whole = new Set<string>();

  /**
   * compareValues of the timelines' neighbouring assertions, by their value objects: a kept fold
   * keeps them from event to event (a correction brings a new one), so the words of a pair are made
   * once, not again for every later event of the claim. A value belongs to one claim, so its
   * entities (through which text values are compared) are the same for every pair it is in.
   */
  private readonly comparisons = new WeakMap<Value, WeakMap<Value, Comparison>>();

  readonly compare = (a: Value, b: Value, entities: readonly Entity[]): Comparison => {
    let withA = this.comparisons.get(a);
    if (!withA) this.comparisons.set(a, (withA = new WeakMap()));
    let comparison = withA.get(b);
    if (!comparison) withA.set(b, (comparison = compareValues(a, b, { entities })));
    return comparison;
  };

  private constructor(
    private readonly feed: Feed,
    private readonly exchange?: FoldExchange,
  ) {
    const maxSize = claimMemory.entriesKept;
    this.kept = new LRUCache({
      max: feed.building ? claimMemory.foldsKeptWhileBuilding : claimMemory.foldsKept,
      maxSize,
      // Weighed by what it holds; a claim with more than the bound is still kept (alone).
      sizeCalculation: (fold) => Math.min(fold.assertions.length + fold.discrepancies.size + 1, maxSize),
    });
  }

  /** Folds the batch's claim events (once per batch, however many views ask). */
  prepare(batch: readonly ProjectedEvent[]): Promise<void> {
    if (batch !== this.batch) {
      this.batch = batch;
      this.folding = this.fold(batch).catch((error: unknown) => {
        // A failed read leaves folds half-moved: start again from the log next time.
        this.kept.clear();
        this.batch = undefined;
        throw error;
      });
    }
    return this.folding!;
  }

  /** The claims the prepared batch changed, each with its fold after the batch. */
  get touched(): ReadonlyMap<string, ClaimFold> {
    return this.changed;
  }

  /** Of those, the claims a build read whole at their opening (every one of their events is new to the views). */
  get readWhole(): ReadonlySet<string> {
    return this.whole;
  }

  private async fold(batch: readonly ProjectedEvent[]): Promise<void> {
    this.changed = new Map();
    this.whole = new Set();
    const { streamedTo } = this.feed;
    // Claims to read from the log: whole streams (a build meeting an opening) and the folds before
    // this batch that memory does not hold.
    const reads = new Map<string, number>();
    const openings = new Map<string, ProjectedEvent>();
    const seen = new Set<string>();
    for (const e of batch) {
      if (!isClaimEvent(e.event)) continue;
      const { claimId } = e.event.data;
      const { revision, position } = e.recorded;
      if (position <= streamedTo) {
        if (e.event.type === 'claimline.claim-opened' && revision === 0) {
          reads.set(claimId, Infinity);
          openings.set(claimId, e);
        }
        continue;
      }
      // Its first event of the batch decides (a stream read whole already ends at this one's revision).
      if (seen.has(claimId) || reads.has(claimId)) continue;
      seen.add(claimId);
      if (revision > 0 && this.kept.peek(claimId)?.revision !== revision - 1) reads.set(claimId, revision - 1);
    }
    const read = await this.readAll(reads, openings);
    for (const [claimId, fold] of read) {
      if (!fold) continue;
      // A claim read whole is complete up to the build's end: it is not kept (a later event reads it again).
      if (reads.get(claimId) === Infinity) {
        this.changed.set(claimId, fold);
        this.whole.add(claimId);
      } else {
        this.kept.set(claimId, fold);
      }
    }
    for (const e of batch) {
      if (!isClaimEvent(e.event) || e.recorded.position <= streamedTo) continue;
      const { claimId } = e.event.data;
      const before = read.get(claimId) ?? this.kept.peek(claimId) ?? null;
      const fold = foldClaim(before, e.event, contextOf(e.recorded));
      if (!fold) continue;
      read.delete(claimId);
      this.changed.set(claimId, fold);
      this.kept.set(claimId, fold);
    }
  }

  /**
   * Each claim's fold up to a revision (Infinity: its whole stream up to the build's end, after its
   * opening, which the batch holds), read together.
   */
  private async readAll(wanted: ReadonlyMap<string, number>, openings: ReadonlyMap<string, ProjectedEvent>): Promise<Map<string, ClaimFold | null>> {
    const whole = [...wanted.keys()].filter((claimId) => wanted.get(claimId) === Infinity);
    const read = this.exchange?.role === 'receives' ? await this.exchange.take(whole) : new Map<string, ClaimFold | null>();
    const queue = [...wanted].filter(([claimId]) => !read.has(claimId));
    const reader = async (): Promise<void> => {
      for (let next = queue.pop(); next; next = queue.pop()) read.set(next[0], await this.foldFromLog(next[0], next[1], openings.get(next[0])));
    };
    await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, queue.length) }, reader));
    if (this.exchange?.role === 'sends') await this.exchange.send(new Map(whole.map((claimId) => [claimId, read.get(claimId) ?? null])));
    return read;
  }

  private async foldFromLog(claimId: string, revision: number, opening?: ProjectedEvent): Promise<ClaimFold | null> {
    let fold = opening && isClaimEvent(opening.event) ? foldClaim(null, opening.event, contextOf(opening.recorded)) : null;
    const stream = claimStream(claimId);
    const events = await this.feed.store.readStream(stream, revision === Infinity ? { from: fold ? 1 : 0 } : { limit: revision + 1 });
    for (const recorded of events) {
      if (revision === Infinity && recorded.position > this.feed.streamedTo) break;
      const event = this.feed.decode(recorded);
      if (isClaimEvent(event)) fold = foldClaim(fold, event, contextOf(recorded));
    }
    return fold;
  }
}

/** A read model fed by the claim folds: each batch, the folds of the claims it changed that its file has not seen. */
export abstract class ClaimFoldModel implements ReadModel {
  protected readonly folds: ClaimFolds;
  protected readonly feed: Feed;
  private readonly checkpoint: () => number;

  constructor({ feed, checkpoint }: OpenOptions) {
    this.folds = ClaimFolds.of(feed);
    this.feed = feed;
    this.checkpoint = checkpoint;
  }

  prepare(batch: readonly ProjectedEvent[]): Promise<void> {
    return this.folds.prepare(batch);
  }

  abstract apply(events: readonly ProjectedEvent[]): void;

  /** The claims the batch changed after this file's checkpoint, each with its fold after the batch. */
  protected *changedFolds(): Generator<ClaimFold> {
    const after = this.checkpoint();
    for (const fold of this.folds.touched.values()) if (fold.lastPosition > after) yield fold;
  }

  /** This file's checkpoint before the batch (the events after it are new to it). */
  protected get appliedTo(): number {
    return this.checkpoint();
  }
}
