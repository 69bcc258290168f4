/**
 * Where the SQLite adapter commits a batch of appends: on the calling thread (no thread hop, so a
 * lone writer gets the disk's full speed) or in the writer thread (so requests are not held up
 * behind an fsync).
 * - `'auto'`: per batch. A lone append, while the event loop has little else to do and commits are
 *   quick, is committed inline; appends arriving together (concurrent requests), a busy loop or a
 *   slow disk send the batch to the writer thread.
 * - `'worker'`: always the writer thread; the loop is never blocked by a commit.
 * - `'inline'`: always the calling thread (which then also waits there when another process holds
 *   the write lock).
 */
export type WriterPlacement = 'auto' | 'worker' | 'inline';

/** The event loop's time so far, busy and idle, in ms (as `performance.eventLoopUtilization()` counts it). */
export type LoopTime = () => { active: number; idle: number };

/** Other work taking more than this share of the loop sends batches to the thread. */
const BUSY_SHARE = 0.5;
/** Batches of more appends go to the thread: their requests' other work should not wait behind the fsync. */
const INLINE_MAX_APPENDS = 1;
/** The loop's load is measured over windows at least this long. */
const WINDOW_MS = 20;

export class CommitPlacement {
  /** Smoothed duration of a commit (as seen from this thread), wherever it ran. */
  private commitMs = 0;
  /** Event-loop time not spent in our own inline commits, smoothed. */
  private otherLoad = 0;
  private lastLoop: { active: number; idle: number };
  private ownCommitMs = 0;
  private lastOwnCommitMs = 0;

  /**
   * @param slowCommitMs `'auto'`: commits slower than this go to the thread even on an idle loop:
   *   the hop costs a fixed ~0.1 ms, while holding the loop grows with the disk's latency.
   */
  constructor(
    readonly mode: WriterPlacement,
    private readonly slowCommitMs = 2,
    private readonly loopTime: LoopTime = () => performance.eventLoopUtilization(),
  ) {
    this.lastLoop = loopTime();
  }

  /** Where a batch of `appends` appends is committed. */
  choose(appends: number): 'inline' | 'worker' {
    if (this.mode !== 'auto') return this.mode;
    const now = this.loopTime();
    const active = now.active - this.lastLoop.active;
    const windowMs = active + now.idle - this.lastLoop.idle;
    if (windowMs >= WINDOW_MS) {
      const other = Math.max(0, active - (this.ownCommitMs - this.lastOwnCommitMs)) / windowMs;
      this.otherLoad = (this.otherLoad + other) / 2;
      this.lastLoop = now;
      this.lastOwnCommitMs = this.ownCommitMs;
    }
    return appends <= INLINE_MAX_APPENDS && this.otherLoad < BUSY_SHARE && this.commitMs < this.slowCommitMs ? 'inline' : 'worker';
  }

  /** A commit took `ms`, seen from this thread; `inline` when it held the loop meanwhile. */
  committed(ms: number, inline: boolean): void {
    this.commitMs = (this.commitMs * 3 + ms) / 4;
    if (inline) this.ownCommitMs += ms;
  }
}
