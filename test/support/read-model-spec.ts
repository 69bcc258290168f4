import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClaimCommand,
  type OpenClaim,
  type RecordAssertion,
  type RegisterSource,
  claimStream,
  decideClaim,
  decideSource,
  type DomainEvent,
  evolveClaim,
  evolveSource,
  initialClaimState,
  initialSourceState,
  type SourceCommand,
  sourceStream,
  toEventToAppend,
} from '#domain';
import { load } from '../../libs/claims/src/write-stream.js';
import { SqliteEventStore } from '../../libs/event-store/src/sqlite-event-store.js';
import { FileFeed, readDomainEvent } from '../../libs/projections/src/feed.js';
import type { Projection, ReadModel } from '../../libs/projections/src/projection.js';
import { ReadModelFile } from '../../libs/projections/src/read-model-file.js';
import { readModelRows } from './read-model-rows.js';

export type Command = ClaimCommand | SourceCommand;

/** A source registered with a publisher (the default speaker) and a publication day. */
export const registerSource = (sourceId: string, text: string, publishedAt = '2025-12-05', publisher = 'The Daily'): RegisterSource => ({
  type: 'RegisterSource',
  data: { sourceId, title: `Article ${sourceId}`, publisher, publishedAt, text },
});

/** A date claim about the S-400 deliveries unless `fields` says otherwise. */
export const openClaim = (claimId: string, fields: Partial<OpenClaim['data']> = {}): OpenClaim => ({
  type: 'OpenClaim',
  data: { claimId, subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', valueType: 'date', ...fields },
});

/** Two articles of the same day whose delivery years cannot both hold (2026, 2028). */
export const disagreeingSources = (): RegisterSource[] => [
  registerSource('s-2026', 'The ministry said the units will arrive in 2026, officials confirmed.'),
  registerSource('s-2028', 'Officials told the agency the units would come in 2028 at the earliest.', '2025-12-05', 'The Wire'),
];

/** A fresh spec of `projection` for each test of the enclosing describe: `spec()` is the current one. */
export function eachSpec<M extends ReadModel>(projection: Projection<M>): () => ReadModelSpec<M> {
  let spec: ReadModelSpec<M> | undefined;
  beforeEach(() => {
    spec = ReadModelSpec.open(projection);
  });
  afterEach(async () => {
    await spec?.close();
  });
  return () => spec!;
}

export const recordAssertion = (claimId: string, assertionId: string, sourceId: string, quote: string, value: string, saidAt?: string): RecordAssertion => ({
  type: 'RecordAssertion',
  data: { claimId, assertionId, sourceId, quote: { exact: quote }, value: { text: value }, ...(saidAt === undefined ? {} : { saidAt }) },
});

/** What each of the disagreeing sources says of a claim, recorded as the assertion `assertionId`. */
export const saysIn2026 = (claimId: string, assertionId: string): RecordAssertion => recordAssertion(claimId, assertionId, 's-2026', 'will arrive in 2026', 'in 2026');
export const saysIn2028 = (claimId: string, assertionId: string): RecordAssertion => recordAssertion(claimId, assertionId, 's-2028', 'would come in 2028', 'in 2028');

/** A claim the disagreeing sources contest: opened, then 2026 (`first`) and 2028 (`second`). */
export const contestedClaim = (claimId: string, [first, second]: [string, string], fields: Partial<OpenClaim['data']> = {}): Command[] => [
  openClaim(claimId, fields),
  saysIn2026(claimId, first),
  saysIn2028(claimId, second),
];

/**
 * One read model alone, on a real SQLite log and a real file: `given` decides commands with the
 * domain's deciders (so every event is one the product could have written), appends the events and
 * feeds the model what it has not seen, batch by batch as the live runner does. Then read the
 * model's queries, or its rows.
 */
export class ReadModelSpec<M extends ReadModel> {
  private clock = Date.parse('2026-01-01T00:00:00Z');

  private constructor(
    readonly dir: string,
    readonly store: SqliteEventStore,
    readonly file: ReadModelFile,
    private readonly feed: FileFeed,
    readonly model: M,
  ) {}

  static open<M extends ReadModel>(projection: Projection<M>): ReadModelSpec<M> {
    const dir = mkdtempSync(join(tmpdir(), `claimline-${projection.name}-spec-`));
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    const file = ReadModelFile.create(join(dir, 'read-models'), projection, 1);
    file.markLive();
    const feed = new FileFeed(store, readDomainEvent, false);
    const model = feed.add(file) as M;
    return new ReadModelSpec(dir, store, file, feed, model);
  }

  /** Decides and appends each command's events, then feeds them to the model as one batch. */
  async given(...commands: Command[]): Promise<void> {
    await this.givenBy('spec', ...commands);
  }

  /** `given`, with `actor` as who recorded the events. */
  async givenBy(actor: string, ...commands: Command[]): Promise<void> {
    for (const command of commands) await this.append(command, actor);
    await this.catchUp();
  }

  /** The events of each command appended, each command then fed as a batch of its own. */
  async givenEach(...commands: Command[]): Promise<void> {
    for (const command of commands) await this.given(command);
  }

  /** The model a restart would open on the same file (nothing kept in memory). */
  reopened(): M {
    return this.file.open(new FileFeed(this.store, readDomainEvent, false)) as M;
  }

  /** Every table's rows and every index of the model's file. */
  rows(): ReturnType<typeof readModelRows>[string] {
    return readModelRows(join(this.dir, 'read-models'))[this.file.projection.name]!;
  }

  async close(): Promise<void> {
    this.file.close();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async append(command: Command, actor: string): Promise<void> {
    const recordedAt = new Date((this.clock += 60_000)).toISOString();
    const metadata = { actor, recordedAt, correlationId: randomUUID(), causationId: randomUUID() };
    const { stream, events } = await this.decide(command);
    await this.store.append(stream, events.map((event) => toEventToAppend(event, randomUUID(), metadata)));
  }

  /** As the write side decides: on the states its `load` folds from the log. */
  private async decide(command: Command): Promise<{ stream: string; events: DomainEvent[] }> {
    const sourceOf = async (sourceId: string) => (await load(this.store, sourceStream(sourceId), initialSourceState, evolveSource)).state;
    if (command.type === 'RegisterSource' || command.type === 'ReviseSourceText') {
      return { stream: sourceStream(command.data.sourceId), events: decideSource(command, await sourceOf(command.data.sourceId)) };
    }
    const stream = claimStream(command.data.claimId);
    const { state } = await load(this.store, stream, initialClaimState, evolveClaim);
    // The source an assertion quotes: a correction's new one, or the one it cited.
    const quoted =
      command.type === 'RecordAssertion'
        ? command.data.sourceId
        : command.type === 'CorrectAssertion' && state.status === 'open'
          ? (command.data.changes.sourceId ?? state.assertions[command.data.assertionId]?.sourceId)
          : undefined;
    return { stream, events: decideClaim(command, state, { source: quoted === undefined ? undefined : await sourceOf(quoted) }) };
  }

  private async catchUp(): Promise<void> {
    const recorded = await this.store.readAll({ fromPosition: this.file.checkpoint + 1 });
    if (recorded.length > 0) await this.feed.feed(recorded.map((r) => ({ recorded: r, event: readDomainEvent(r) })));
  }
}
