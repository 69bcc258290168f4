import type { MessagePort } from 'node:worker_threads';
import type { ClaimFold } from './claim-view.js';

/**
 * The claims a build reads whole, passed from the build thread that reads and folds them to the one
 * that only writes views of them (build-thread.ts): each claim's stream is then read and folded
 * once per build instead of once per thread. Copying a fold to the other thread costs about a
 * quarter of reading and folding it (10 KB a claim of ten assertions, measured on the 200k log).
 */
export type FoldExchange = FoldSender | FoldReceiver;

/**
 * Folds the sender may have sent that the receiver has not taken: two chunks of claims
 * (build-thread.ts CLAIMS_AT_ONCE), so the sender reads the next chunk while the receiver writes
 * one, and memory holds no more whichever thread is ahead.
 */
export const FOLDS_IN_FLIGHT = 500;

type Folds = Map<string, ClaimFold | null>;
type Sent = { folds: Folds };
type Taken = { taken: number };

/** Waits, on one side of the channel, until what the other side sends makes `done` true. */
class Messages<M> {
  private wake: (() => void) | undefined;

  constructor(port: MessagePort, handle: (message: M) => void) {
    port.on('message', (message: M) => {
      handle(message);
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    });
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((resolve) => (this.wake = resolve));
  }
}

export class FoldSender {
  readonly role = 'sends';
  private inFlight = 0;
  private readonly taken: Messages<Taken>;

  constructor(private readonly port: MessagePort) {
    this.taken = new Messages<Taken>(port, ({ taken }) => (this.inFlight -= taken));
  }

  /** Sends folds read whole; waits while the receiver has too many it has not taken yet. */
  async send(folds: Folds): Promise<void> {
    if (folds.size === 0) return;
    await this.taken.until(() => this.inFlight === 0 || this.inFlight + folds.size <= FOLDS_IN_FLIGHT);
    this.inFlight += folds.size;
    this.port.postMessage({ folds } satisfies Sent);
  }

  close(): void {
    this.port.close();
  }
}

export class FoldReceiver {
  readonly role = 'receives';
  private readonly arrived: Folds = new Map();
  private readonly sent: Messages<Sent>;

  constructor(private readonly port: MessagePort) {
    this.sent = new Messages<Sent>(port, ({ folds }) => {
      for (const [claimId, fold] of folds) this.arrived.set(claimId, fold);
    });
  }

  /** The folds of these claims, once the sender has sent them all. */
  async take(claimIds: readonly string[]): Promise<Folds> {
    if (claimIds.length === 0) return new Map();
    await this.sent.until(() => claimIds.every((id) => this.arrived.has(id)));
    const taken: Folds = new Map(claimIds.map((id) => [id, this.arrived.get(id)!]));
    for (const id of claimIds) this.arrived.delete(id);
    this.port.postMessage({ taken: taken.size } satisfies Taken);
    return taken;
  }

  close(): void {
    this.port.close();
  }
}
