import { fromRecorded, isDomainEventType, type DomainEvent } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import type { Feed, ProjectedEvent, ReadModel } from './projection.js';
import type { ReadModelFile } from './read-model-file.js';

/** The domain reading of a stored event (upcasting old versions); null for a type this code does not know. */
export function readDomainEvent(recorded: RecordedEvent): DomainEvent | null {
  return isDomainEventType(recorded.type) ? fromRecorded(recorded) : null;
}

/** Read-model files fed together from one read of the log, each through its model for this feed. */
export class FileFeed implements Feed {
  private readonly models = new Map<ReadModelFile, ReadModel>();
  private readonly stages = new Map<string, unknown>();

  constructor(
    readonly store: EventStore,
    readonly decode: (recorded: RecordedEvent) => DomainEvent | null,
    readonly building: boolean,
    readonly streamedTo = -1,
  ) {}

  shared<T>(key: string, make: () => T): T {
    if (!this.stages.has(key)) this.stages.set(key, make());
    return this.stages.get(key) as T;
  }

  add(file: ReadModelFile): ReadModel {
    const model = file.open(this);
    this.models.set(file, model);
    return model;
  }

  delete(file: ReadModelFile): void {
    this.models.delete(file);
  }

  get files(): ReadModelFile[] {
    return [...this.models.keys()];
  }

  model(file: ReadModelFile): ReadModel | undefined {
    return this.models.get(file);
  }

  /** The lowest checkpoint of the feed's files (-1 for none). */
  get checkpoint(): number {
    let min = Infinity;
    for (const file of this.models.keys()) min = Math.min(min, file.checkpoint);
    return min === Infinity ? -1 : min;
  }

  /**
   * Applies a batch read from the log after `checkpoint` (through `lastPosition`, which may be past
   * its last event) to every file not already past it, each in its own transaction.
   */
  async feed(batch: readonly ProjectedEvent[], lastPosition = batch.at(-1)?.recorded.position ?? -1): Promise<void> {
    const behind = [...this.models].filter(([file]) => file.checkpoint < lastPosition);
    for (const [, model] of behind) await model.prepare?.(batch);
    for (const [file, model] of behind) file.apply(model, batch, lastPosition);
  }

  /** The build is complete up to its end: each model makes the indexes its queries use. */
  finishBuild(): void {
    for (const [file, model] of this.models) {
      file.db.transaction(() => {
        model.finishBuild?.();
        file.markBuilt();
      })();
    }
  }
}
