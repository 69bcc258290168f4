import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { DomainEvent } from '#domain';
import type { EventStore, RecordedEvent, StoreConfig } from '#event-store';
import { BuildThread } from './build-thread.js';
import { FileFeed } from './feed.js';
import type { ProjectedEvent, Projection, ProjectionName, ReadModel } from './projection.js';
import { ReadModelFile, generationsOf, removeOtherGenerations } from './read-model-file.js';
import { BACKSTOP_PAGES, WalCheckpoints } from './wal-checkpoints.js';

export interface RunnerOptions {
  /** Where the read-model files live (one per projection generation). */
  dir: string;
  /** Reads the domain meaning of a stored event (upcasting old versions); null for unknown types. */
  decode: (event: RecordedEvent) => DomainEvent | null;
  batchSize?: number;
  /** How often to look for new events when no live notification arrives (another process writing). */
  pollMs?: number;
  /**
   * How another thread opens this log. With it, a build of at least `buildThreadFrom` events builds
   * the claim views in threads of their own (build-thread.ts); without it, everything is built here.
   */
  storeConfig?: StoreConfig;
  /** Default 20,000 events: below that the thread's start costs more than it saves. */
  buildThreadFrom?: number;
}

export interface ProjectionStatus {
  name: ProjectionName;
  version: number;
  generation: number;
  checkpoint: number;
  /** Positions between the checkpoint and the head of the log (events, on the SQLite store). */
  lag: number;
  rebuilding: RebuildProgress | null;
}

export interface RebuildProgress {
  name: ProjectionName;
  generation: number;
  /** Built in a thread of its own (the claim views, on a long log). */
  inThread: boolean;
  checkpoint: number;
  head: number;
  events: number;
  startedAt: string;
  finishedAt: string | null;
}

/** A batch the live runner applied: what the live feed and read-your-writes waiters are told. */
export interface AppliedBatch {
  events: readonly ProjectedEvent[];
  position: number;
}

/** Live events applied before the live files' checkpoints move to a thread of their own (wal-checkpoints.ts). */
const CHECKPOINT_THREAD_FROM = 2000;

/** A build under way: its files, where each has got to, and whether it must stop. */
interface Build {
  files: ReadModelFile[];
  /** The threads building the claim views (none on a short log). */
  threads: BuildThread[];
  events: number;
  /** Past the pass over the log as it was when the build began: the files are whole views now. */
  catchingUp: boolean;
}

/**
 * Feeds every projection from the event store: catch-up from each file's checkpoint, then live.
 * The store's subscription only wakes the loop; events are always read from the log by position,
 * so a projection whose file was swapped or lagging resumes from its own checkpoint without gaps.
 */
export class ProjectionRunner {
  private readonly live: FileFeed;
  private readonly liveFiles = new Map<ProjectionName, ReadModelFile>();
  private readonly rebuilds = new Map<ProjectionName, RebuildProgress>();
  private readonly builds = new Set<Build>();
  private readonly applied$ = new Subject<AppliedBatch>();
  private waiters: { position: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private wake: (() => void) | null = null;
  private pendingWake = false;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeSubscription: Subscription | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private head = -1;
  private readonly batchSize: number;
  /** Started once the live files take writes in earnest (a short-lived runner does not need the thread). */
  private checkpoints: WalCheckpoints | undefined;
  private liveEvents = 0;

  constructor(
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions,
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.live = new FileFeed(store, options.decode, false);
  }

  /** Opens (or builds) every projection's live file and catches up before resolving. */
  async start(): Promise<void> {
    const files: ReadModelFile[] = [];
    const missing: ReadModelFile[] = [];
    for (const projection of this.projections) {
      let file = ReadModelFile.openLive(this.options.dir, projection);
      if (!file) {
        // No file of this code's version: build one from position 0 before serving it.
        const generation = Math.max(0, ...generationsOf(this.options.dir, projection.name)) + 1;
        file = ReadModelFile.create(this.options.dir, projection, generation);
        missing.push(file);
      }
      removeOtherGenerations(this.options.dir, projection.name, file.generation);
      files.push(file);
    }
    // Every missing projection is built in ONE pass over the log (read and decoded once, not once
    // per projection), then served.
    if (missing.length > 0) await this.build(missing, this.threaded(missing, await this.store.headPosition()));
    for (const file of missing) file.markLive();
    for (const file of files) this.serve(file);
    this.head = await this.store.headPosition();
    await this.catchUp(this.live);
    this.running = true;
    this.wakeSubscription = this.store.subscribe({ fromPosition: this.live.checkpoint + 1 }).subscribe({
      next: () => this.notify(),
      error: () => this.notify(),
    });
    this.pollTimer = setInterval(() => this.notify(), this.options.pollMs ?? 1000);
    this.pollTimer.unref();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wakeSubscription?.unsubscribe();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.notify();
    await this.loop;
    await Promise.all([...[...this.builds].flatMap((b) => b.threads.map((t) => t.stop())), this.checkpoints?.stop()]);
    for (const file of this.liveFiles.values()) file.close();
    this.liveFiles.clear();
    const stopped = new Error('the projection runner stopped');
    for (const w of this.waiters) w.reject(stopped);
    this.waiters = [];
    this.applied$.complete();
  }

  /** Batches as the live runner applies them (for the SSE feed). */
  get applied(): Observable<AppliedBatch> {
    return this.applied$.asObservable();
  }

  /** The live read model of a projection: its queries answer from the live file. */
  model<M extends ReadModel>(projection: Projection<M>): M {
    const file = this.liveFiles.get(projection.name);
    const model = file && this.live.model(file);
    if (!model) throw new Error(`projection ${projection.name} is not running`);
    return model as M;
  }

  checkpoint(name: ProjectionName): number {
    return this.liveFiles.get(name)?.checkpoint ?? -1;
  }

  /**
   * Resolves once every live projection has applied the event at `position` (read-your-writes).
   * Rejects if the runner's next attempt fails: an earlier failure (a full disk since freed) is not
   * this caller's answer, so the runner is woken to try again rather than the caller refused at once.
   */
  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (this.live.checkpoint >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`read models did not reach position ${position} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ position, resolve: done, reject });
      this.notify();
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition();
    return this.projections.map((p) => {
      const file = this.liveFiles.get(p.name);
      const checkpoint = file?.checkpoint ?? -1;
      return {
        name: p.name,
        version: p.version,
        generation: file?.generation ?? 0,
        checkpoint,
        lag: Math.max(0, head - checkpoint),
        rebuilding: this.rebuilds.get(p.name) ?? null,
      };
    });
  }

  /**
   * Builds a new generation of each named projection from position 0 beside the live one and
   * swaps it in once it has caught up; reads keep using the old generation meanwhile.
   */
  rebuild(names: readonly ProjectionName[], onProgress?: (p: RebuildProgress[]) => void): { started: RebuildProgress[]; done: Promise<void> } {
    const targets = this.projections.filter((p) => names.includes(p.name) && !this.rebuilds.has(p.name));
    const files = targets.map((p) => ReadModelFile.create(this.options.dir, p, (this.liveFiles.get(p.name)?.generation ?? 0) + 1));
    const threaded = this.threaded(files, this.head);
    const started = files.map((f) => {
      const progress: RebuildProgress = {
        name: f.projection.name,
        generation: f.generation,
        inThread: threaded.includes(f),
        checkpoint: -1,
        head: this.head,
        events: 0,
        startedAt: new Date().toISOString(),
        finishedAt: null,
      };
      this.rebuilds.set(f.projection.name, progress);
      return progress;
    });
    const done = this.build(files, threaded, (build) => {
      for (const p of started) {
        const file = files.find((f) => f.projection.name === p.name)!;
        p.checkpoint = build.threads.find((t) => t.files.includes(file))?.checkpoint ?? file.checkpoint;
        p.events = build.events;
        p.head = Math.max(this.head, p.checkpoint);
      }
      onProgress?.(started);
      if (build.catchingUp) this.swapCaughtUp(files, started);
    })
      .then(() => this.swapCaughtUp(files, started))
      .catch((error: unknown) => {
        for (const f of files) if (f.status === 'building') f.remove();
        throw error;
      })
      .finally(() => {
        for (const p of started) this.rebuilds.delete(p.name);
      });
    done.catch(() => undefined);
    return { started, done };
  }

  /** Serves a file: its model joins the live feed, in place of the projection's previous file. */
  private serve(file: ReadModelFile): void {
    const old = this.liveFiles.get(file.projection.name);
    if (old) this.live.delete(old);
    this.live.add(file);
    this.liveFiles.set(file.projection.name, file);
    if (this.checkpoints) this.checkpointElsewhere();
  }

  /** Live files' logs are checkpointed by the checkpoint thread from now on (SQLite's own only as a backstop). */
  private checkpointElsewhere(): void {
    this.checkpoints ??= new WalCheckpoints(() => {
      for (const file of this.liveFiles.values()) file.checkpointEvery(undefined);
    });
    for (const file of this.liveFiles.values()) file.checkpointEvery(BACKSTOP_PAGES);
    this.checkpoints.watch([...this.liveFiles.values()].map((f) => f.path));
  }

  /** Swaps in (synchronously, between live batches) every new file that has reached its live twin. */
  private swapCaughtUp(files: ReadModelFile[], progress: RebuildProgress[]): void {
    for (const file of files) {
      if (file.status === 'live') continue;
      const old = this.liveFiles.get(file.projection.name);
      if (old && file.checkpoint < old.checkpoint) continue;
      file.markLive();
      this.serve(file);
      old?.remove();
      const p = progress.find((x) => x.name === file.projection.name);
      if (p) p.finishedAt = new Date().toISOString();
    }
  }

  /**
   * Builds files from position 0: one pass over the log up to its head now, in which the claim
   * views read each claim's stream whole (in a thread of their own when the log is long), then
   * catch-up with whatever was appended meanwhile. `onBatch` follows the build after every batch.
   */
  /** The files a build up to `head` makes in a thread of its own: the claim views, when the log is long enough to pay for one. */
  private threaded(files: readonly ReadModelFile[], head: number): ReadModelFile[] {
    if (this.options.storeConfig === undefined || !this.long(head)) return [];
    return files.filter((f) => f.projection.buildReads);
  }

  /** A build up to `head` long enough to pay for a thread (and for flushing its files early). */
  private long(head: number): boolean {
    return head + 1 >= (this.options.buildThreadFrom ?? 20_000);
  }

  private async build(files: ReadModelFile[], threaded: ReadModelFile[], onBatch?: (build: Build) => void): Promise<void> {
    const head = await this.store.headPosition();
    const feed = new FileFeed(this.store, this.options.decode, true, head);
    const build: Build = { files, threads: [], events: 0, catchingUp: false };
    this.builds.add(build);
    try {
      build.threads = buildThreads(threaded, this.options.storeConfig!, head);
      for (const file of files) if (!threaded.includes(file)) feed.add(file);
      await this.catchUp(feed, { until: head, build, onBatch });
      // Every thread and the runner make their indexes, and put a long build's files on the disk, at the same time.
      const threadsDone = build.threads.map((t) => t.finish());
      feed.finishBuild();
      await Promise.all([...threadsDone, ...(this.long(head) ? feed.files.map((file) => file.flush()) : [])]);
      for (const file of threaded) feed.add(file);
      build.threads = [];
      build.catchingUp = true;
      await this.catchUp(feed, { build, onBatch });
    } catch (error) {
      await Promise.all(build.threads.map((t) => t.stop()));
      throw error;
    } finally {
      this.builds.delete(build);
    }
  }

  /**
   * The types whose data a catch-up reads, when not all: a build's runner that feeds only models
   * that never read an event's data (the audit) reads that of the types its threads are sent.
   */
  private dataRead(feed: FileFeed, build: Build | undefined): string[] | undefined {
    if (!feed.files.every((file) => file.projection.readsData === false)) return undefined;
    return [...new Set((build?.threads ?? []).flatMap((thread) => thread.files.flatMap((file) => file.projection.buildReads ?? [])))];
  }

  /**
   * Reads the log from the feed's lowest checkpoint until it is empty (or past `until`), applying
   * each batch; a build's thread is sent what its projections read of each batch.
   */
  private async catchUp(feed: FileFeed, { until = Infinity, build, onBatch }: { until?: number; build?: Build; onBatch?: (build: Build) => void } = {}): Promise<void> {
    for (;;) {
      if (this.stopping) throw new Error('the projection runner stopped');
      const from = Math.min(feed.files.length > 0 ? feed.checkpoint : Infinity, ...(build?.threads ?? []).map((t) => t.sentTo)) + 1;
      if (!Number.isFinite(from) || from > until) return;
      const recorded = (await this.store.readAll({ fromPosition: from, limit: this.batchSize, dataOf: this.dataRead(feed, build) })).filter((r) => r.position <= until);
      if (recorded.length === 0) return;
      const batch = recorded.map((r) => ({ recorded: r, event: r.data === undefined ? null : this.options.decode(r) }));
      const last = batch.at(-1)!.recorded.position;
      for (const thread of build?.threads ?? []) {
        const reads = new Set<string>(thread.files.flatMap((f) => f.projection.buildReads!));
        await thread.send(recorded.filter((r) => reads.has(r.type)), last);
      }
      await feed.feed(batch, last);
      if (last > this.head) this.head = last;
      if (build) {
        build.events += recorded.length;
        onBatch?.(build);
        // A rebuild's files leave the feed once swapped in: the live feed keeps them from here.
        for (const file of feed.files) if (file.status === 'live') feed.delete(file);
      }
      // Let reads and writes in between, so a long catch-up does not stall the server.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private notify(): void {
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake();
    } else {
      this.pendingWake = true;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const recorded = await this.store.readAll({ fromPosition: this.live.checkpoint + 1, limit: this.batchSize });
        if (recorded.length > 0) {
          const batch = recorded.map((r) => ({ recorded: r, event: this.options.decode(r) }));
          const last = batch.at(-1)!.recorded.position;
          await this.live.feed(batch, last);
          if (last > this.head) this.head = last;
          this.liveEvents += batch.length;
          if (!this.checkpoints && this.liveEvents >= CHECKPOINT_THREAD_FROM) this.checkpointElsewhere();
          this.releaseWaiters();
          this.applied$.next({ events: batch, position: last });
          continue;
        }
      } catch (error) {
        // A store or read-model fault: report it to waiters and retry on the next wake-up.
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const w of this.waiters) w.reject(failure);
        this.waiters = [];
      }
      if (!this.running) break;
      if (this.pendingWake) {
        this.pendingWake = false;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private releaseWaiters(): void {
    const reached = this.live.checkpoint;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.position <= reached) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}

/**
 * How the claim views a build makes in threads are shared out: two threads where two cores are
 * there to run them (with the runner's reading of the log), each writing its own files; the first
 * reads and folds each claim, and sends the folds to the second (fold-exchange.ts). Split so their
 * CPU is about even (each thread's, on the 200k and 1M logs: the timelines with the reading and
 * folding, against claim state with its full-text index, the discrepancies and the sources'
 * citations); else one thread. A build of some of these views only (a rebuild of one) shares no
 * folds: each thread reads what it needs.
 */
const THREAD_GROUPS: readonly (readonly ProjectionName[])[] = [
  ['claim-timeline'],
  ['claim-state', 'discrepancies', 'sources'],
];

function buildThreads(threaded: readonly ReadModelFile[], store: StoreConfig, streamedTo: number): BuildThread[] {
  if (threaded.length === 0) return [];
  if (availableParallelism() < 2) return [new BuildThread(threaded, store, streamedTo)];
  const groups = THREAD_GROUPS.map((names) => threaded.filter((f) => names.includes(f.projection.name)));
  const rest = threaded.filter((f) => !THREAD_GROUPS.some((names) => names.includes(f.projection.name)));
  if (groups.some((g) => g.length === 0) || rest.length > 0) return [...groups, rest].filter((g) => g.length > 0).map((g) => new BuildThread(g, store, streamedTo));
  const { port1, port2 } = new MessageChannel();
  const sender = new BuildThread(groups[0]!, store, streamedTo, { port: port1, role: 'sends' });
  const receiver = new BuildThread(groups[1]!, store, streamedTo, { port: port2, role: 'receives' });
  sender.failsWith(receiver);
  receiver.failsWith(sender);
  return [sender, receiver];
}
