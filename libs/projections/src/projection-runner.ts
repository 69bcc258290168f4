import type Database from 'better-sqlite3';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { DomainEvent } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import { ClaimFolds } from './claim-folds.js';
import type { ProjectedEvent, Projection, ProjectionName } from './projection.js';
import { ReadModelFile, generationsOf, removeOtherGenerations } from './read-model-file.js';

export interface RunnerOptions {
  /** Where the read-model files live (one per projection generation). */
  dir: string;
  /** Reads the domain meaning of a stored event (upcasting old versions); null for unknown types. */
  decode: (event: RecordedEvent) => DomainEvent | null;
  batchSize?: number;
  /** How often to look for new events when no live notification arrives (another process writing). */
  pollMs?: number;
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

/**
 * Feeds every projection from the event store: catch-up from each file's checkpoint, then live.
 * The store's subscription only wakes the loop; events are always read from the log by position,
 * so a projection whose file was swapped or lagging resumes from its own checkpoint without gaps.
 */
export class ProjectionRunner {
  private readonly live = new Map<ProjectionName, ReadModelFile>();
  private readonly rebuilds = new Map<ProjectionName, RebuildProgress>();
  private readonly applied$ = new Subject<AppliedBatch>();
  private waiters: { position: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private wake: (() => void) | null = null;
  private pendingWake = false;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeSubscription: Subscription | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private head = -1;
  private readonly batchSize: number;
  /** Claims' folds, made once per event for the claim projections of every file. */
  readonly folds: ClaimFolds;

  constructor(
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions,
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.folds = new ClaimFolds(store, options.decode);
  }

  /** Opens (or builds) every projection's live file and catches up before resolving. */
  async start(): Promise<void> {
    const files = new Map<ProjectionName, ReadModelFile>();
    const building: ReadModelFile[] = [];
    for (const projection of this.projections) {
      let file = ReadModelFile.openLive(this.options.dir, projection);
      if (!file) {
        // No file of this code's version: build one from position 0 before serving it.
        const generation = Math.max(0, ...generationsOf(this.options.dir, projection.name)) + 1;
        file = ReadModelFile.create(this.options.dir, projection, generation, 'building');
        building.push(file);
      }
      removeOtherGenerations(this.options.dir, projection.name, file.generation);
      files.set(projection.name, file);
    }
    // Every missing projection is built in ONE pass over the log (read and decoded once, not once
    // per projection), then served.
    await this.catchUp(building);
    for (const file of building) file.markLive();
    for (const [name, file] of files) this.live.set(name, file);
    this.head = await this.store.headPosition();
    await this.catchUp([...this.live.values()]);
    this.running = true;
    this.wakeSubscription = this.store.subscribe({ fromPosition: this.minCheckpoint() + 1 }).subscribe({
      next: () => this.notify(),
      error: () => this.notify(),
    });
    this.pollTimer = setInterval(() => this.notify(), this.options.pollMs ?? 1000);
    this.pollTimer.unref();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeSubscription?.unsubscribe();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.notify();
    await this.loop;
    for (const file of this.live.values()) file.close();
    this.live.clear();
    const stopped = new Error('the projection runner stopped');
    for (const w of this.waiters) w.reject(stopped);
    this.waiters = [];
    this.applied$.complete();
  }

  /** Batches as the live runner applies them (for the SSE feed). */
  get applied(): Observable<AppliedBatch> {
    return this.applied$.asObservable();
  }

  /** The live read-model connection of a projection (queries run on it). */
  db(name: ProjectionName): Database.Database {
    const file = this.live.get(name);
    if (!file) throw new Error(`projection ${name} is not running`);
    return file.db;
  }

  checkpoint(name: ProjectionName): number {
    return this.live.get(name)?.checkpoint ?? -1;
  }

  /**
   * Resolves once every live projection has applied the event at `position` (read-your-writes).
   * Rejects if the runner's next attempt fails: an earlier failure (a full disk since freed) is not
   * this caller's answer, so the runner is woken to try again rather than the caller refused at once.
   */
  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (this.minCheckpoint() >= position) return Promise.resolve();
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
      const file = this.live.get(p.name);
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
    const files = targets.map((p) => ReadModelFile.create(this.options.dir, p, (this.live.get(p.name)?.generation ?? 0) + 1, 'building'));
    const started = files.map((f) => {
      const progress: RebuildProgress = {
        name: f.projection.name,
        generation: f.generation,
        checkpoint: -1,
        head: this.head,
        events: 0,
        startedAt: new Date().toISOString(),
        finishedAt: null,
      };
      this.rebuilds.set(f.projection.name, progress);
      return progress;
    });
    const done = this.catchUp(files, (batchEvents) => {
      for (const p of started) {
        p.checkpoint = files.find((f) => f.projection.name === p.name)!.checkpoint;
        p.events += batchEvents;
        p.head = Math.max(this.head, p.checkpoint);
      }
      onProgress?.(started);
      this.swapCaughtUp(files, started);
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

  /** Swaps in (synchronously, between live batches) every new file that has reached its live twin. */
  private swapCaughtUp(files: ReadModelFile[], progress: RebuildProgress[]): void {
    for (const file of files) {
      if (file.status === 'live') continue;
      const old = this.live.get(file.projection.name);
      if (old && file.checkpoint < old.checkpoint) continue;
      file.markLive();
      this.live.set(file.projection.name, file);
      old?.remove();
      const p = progress.find((x) => x.name === file.projection.name);
      if (p) p.finishedAt = new Date().toISOString();
    }
  }

  /** Reads the log from the lowest checkpoint of `files` until it is empty, applying each batch. */
  private async catchUp(files: ReadModelFile[], onBatch?: (events: number) => void): Promise<void> {
    for (;;) {
      const pending = files.filter((f) => f.status === 'building' || this.live.get(f.projection.name) === f);
      if (pending.length === 0) return;
      const from = Math.min(...pending.map((f) => f.checkpoint)) + 1;
      const recorded = await this.store.readAll({ fromPosition: from, limit: this.batchSize });
      if (recorded.length === 0) return;
      const batch = this.decodeAll(recorded);
      await this.folds.foldBatch(batch, pending.some((f) => f.status === 'building'));
      this.applyTo(pending.filter((f) => f.status === 'building' || this.live.get(f.projection.name) === f), batch);
      onBatch?.(recorded.length);
      // Let reads and writes in between, so a long catch-up does not stall the server.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private decodeAll(recorded: readonly RecordedEvent[]): ProjectedEvent[] {
    return recorded.map((r) => ({ recorded: r, event: this.options.decode(r) }));
  }

  private applyTo(files: readonly ReadModelFile[], batch: readonly ProjectedEvent[]): void {
    const last = batch.at(-1)!.recorded.position;
    for (const file of files) {
      const fresh = batch.filter((e) => e.recorded.position > file.checkpoint);
      if (fresh.length > 0) file.apply(fresh, last);
    }
    if (last > this.head) this.head = last;
  }

  private minCheckpoint(): number {
    let min = Infinity;
    for (const f of this.live.values()) min = Math.min(min, f.checkpoint);
    return min === Infinity ? -1 : min;
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
        const recorded = await this.store.readAll({ fromPosition: this.minCheckpoint() + 1, limit: this.batchSize });
        if (recorded.length > 0) {
          const batch = this.decodeAll(recorded);
          await this.folds.foldBatch(batch, false);
          this.applyTo([...this.live.values()], batch);
          this.releaseWaiters();
          this.applied$.next({ events: batch, position: batch.at(-1)!.recorded.position });
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
    const reached = this.minCheckpoint();
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.position <= reached) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}
