/**
 * A build of claim views in a thread of its own. While the runner reads the log in position order
 * and builds the other read models on its thread, this one writes the views it was given of each
 * claim, folded whole: read from the claim's stream, or sent by the other build thread that read
 * it (projection-runner.ts THREAD_GROUPS, fold-exchange.ts).
 *
 * Both sides are in this file: `BuildThread` runs in the runner and starts this same module as the
 * worker, whose `serve` (at the end) builds the files it is given from the events it is sent.
 */
import { isMainThread, parentPort, workerData, type MessagePort, type Worker } from 'node:worker_threads';
import { openEventStore, startModuleThread, type RecordedEvent, type StoreConfig } from '#event-store';
import { ALL_PROJECTIONS } from './all-projections.js';
import { ClaimFolds } from './claim-folds.js';
import { FoldReceiver, FoldSender } from './fold-exchange.js';
import { FileFeed, readDomainEvent } from './feed.js';
import type { ProjectionName } from './projection.js';
import { ReadModelFile } from './read-model-file.js';

const ROLE = 'claimline-build';

/**
 * Events the runner may send ahead of what the thread has applied. The two halves' work comes in
 * turns (a wave of openings is the thread's work, the assertions after it the runner's), so the
 * runner reads on while the thread works through the openings it was sent.
 */
const AHEAD_EVENTS = 20_000;

/** Claims read whole and folded at once (each fold of ten assertions is ~20 KB). */
const CLAIMS_AT_ONCE = 250;

/**
 * The old generation's limit for a build thread. V8 grows a heap by more the higher its limit
 * (the default is a quarter of the machine's memory): unbounded, each thread's heap reached
 * 160-230 MB of mostly garbage on the 200k log, 80-100 MB at 512, at no cost in time. Peak RSS of
 * a rebuild at 512 and 1024: 428-442 and 444-478 MB on the 200k log, 524-547 and 553 MB on the 1M
 * log. A thread holds a chunk of folded claims and the folds sent ahead (fold-exchange.ts), a few
 * tens of MB; at 1024 MB it would take chunks of claims of about two thousand assertions each to
 * come near the limit.
 */
const OLD_GENERATION_MB = 1024;

/** How a thread shares the claims it reads whole with the other build thread (fold-exchange.ts). */
export interface SharedFolds {
  port: MessagePort;
  role: 'sends' | 'receives';
}

interface ThreadData {
  role: typeof ROLE;
  store: StoreConfig;
  streamedTo: number;
  files: { name: ProjectionName; path: string; generation: number }[];
  folds?: SharedFolds;
}

type ToThread = { events: RecordedEvent[]; lastPosition: number } | 'finish';
type FromThread = { applied: number } | { finished: true } | { failure: string };

export class BuildThread {
  private readonly worker: Worker;
  /** Events sent that the thread has not applied yet, per message in order. */
  private readonly inFlight: number[] = [];
  private inFlightEvents = 0;
  /** The position up to which the thread's files are built. */
  checkpoint = -1;
  /** The position up to which the thread has been sent the log. */
  sentTo = -1;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private finished = false;
  /** Told once when the thread fails (a thread that shares folds with it could otherwise wait for it forever). */
  private readonly failureListeners: ((error: Error) => void)[] = [];

  /** Takes the files over (their connections here are closed until the thread is done with them). */
  constructor(
    readonly files: readonly ReadModelFile[],
    store: StoreConfig,
    streamedTo: number,
    folds?: SharedFolds,
  ) {
    for (const file of files) file.close();
    const data: ThreadData = { role: ROLE, store, streamedTo, files: files.map((f) => ({ name: f.projection.name, path: f.path, generation: f.generation })), folds };
    // A build makes short-lived objects fast (each batch's events, claims and views): a larger
    // young generation collects them without promoting (about a tenth of the thread's CPU).
    this.worker = startModuleThread(new URL(import.meta.url), { workerData: data, transferList: folds ? [folds.port] : [], resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: OLD_GENERATION_MB } });
    this.worker.on('message', (message: FromThread) => {
      if ('applied' in message) {
        this.inFlightEvents -= this.inFlight.shift() ?? 0;
        this.checkpoint = message.applied;
      } else if ('finished' in message) {
        this.finished = true;
      } else {
        this.fail(new Error(`the claim views' build thread failed: ${message.failure}`));
      }
      this.wakeUp();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.finished) this.fail(new Error(`the claim views' build thread exited (code ${code})`));
      this.wakeUp();
    });
  }

  /** Fails this thread too when `other` fails (they share folds: each may be waiting for the other). */
  failsWith(other: BuildThread): void {
    other.failureListeners.push((error) => {
      this.fail(error);
      void this.stop();
    });
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const listener of this.failureListeners) listener(error);
    this.wakeUp();
  }

  /** Sends what the thread's projections read of a batch; waits while the thread is too far behind. */
  async send(events: RecordedEvent[], lastPosition: number): Promise<void> {
    await this.until(() => this.inFlightEvents < AHEAD_EVENTS);
    this.inFlight.push(events.length);
    this.inFlightEvents += events.length;
    this.sentTo = lastPosition;
    this.worker.postMessage({ events, lastPosition } satisfies ToThread);
  }

  /** Waits for the thread to apply everything sent, make its indexes and flush its files; they are then the runner's again. */
  async finish(): Promise<void> {
    this.worker.postMessage('finish' satisfies ToThread);
    await this.until(() => this.finished);
    await this.worker.terminate();
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private async until(done: () => boolean): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (done()) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

async function serve({ store: config, streamedTo, files: named, folds }: ThreadData): Promise<void> {
  const port = parentPort!;
  const store = await openEventStore(config);
  const feed = new FileFeed(store, readDomainEvent, true, streamedTo);
  const exchange = folds && (folds.role === 'sends' ? new FoldSender(folds.port) : new FoldReceiver(folds.port));
  ClaimFolds.of(feed, exchange);
  const files = named.map(({ name, path, generation }) => ReadModelFile.openBuilding(path, ALL_PROJECTIONS.find((p) => p.name === name)!, generation));
  for (const file of files) feed.add(file);
  // Messages are handled one after the other, in the order the runner read the log.
  let queue = Promise.resolve();
  port.on('message', (message: ToThread) => {
    queue = queue.then(async () => {
      try {
        if (message === 'finish') {
          exchange?.close();
          feed.finishBuild();
          for (const file of files) file.close();
          await Promise.all([store.close(), ...files.map((file) => file.flush())]);
          port.postMessage({ finished: true } satisfies FromThread);
          return;
        }
        // A wave of openings is folded a few hundred claims at a time, so memory holds that many.
        const events = message.events.map((recorded) => ({ recorded, event: readDomainEvent(recorded) }));
        for (let start = 0, openings = 0, i = 0; i < events.length; i++) {
          if (events[i]!.recorded.type === 'claimline.claim-opened') openings++;
          if (openings === CLAIMS_AT_ONCE || i === events.length - 1) {
            const chunk = events.slice(start, i + 1);
            await feed.feed(chunk, i === events.length - 1 ? message.lastPosition : chunk.at(-1)!.recorded.position);
            start = i + 1;
            openings = 0;
          }
        }
        if (events.length === 0) await feed.feed([], message.lastPosition);
        port.postMessage({ applied: message.lastPosition } satisfies FromThread);
      } catch (error) {
        port.postMessage({ failure: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromThread);
      }
    });
  });
}

if (!isMainThread && (workerData as Partial<ThreadData> | null)?.role === ROLE) void serve(workerData as ThreadData);
