import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type DateValue, decideSource, evolveSource, initialSourceState, type RegisterSource, type SourceRegistered, sourceStream } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { decideAndAppend, newId, type WriteContext, type WriteResult, writeResult } from './write-stream.js';

export interface SourceRegisteredResult extends WriteResult {
  sourceId: string;
  contentHash: string;
  publishedAt: DateValue;
  textVersion: 1;
}

/** Registers an article (or any document) whose words assertions will quote. */
export class RegisterSourceCommand extends Command<SourceRegisteredResult> {
  constructor(
    /** `sourceId` is generated unless given (seeds and idempotent requests give one). */
    readonly input: Omit<RegisterSource['data'], 'sourceId'> & { sourceId?: string },
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterSourceCommand)
export class RegisterSourceHandler implements ICommandHandler<RegisterSourceCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ input, context }: RegisterSourceCommand): Promise<SourceRegisteredResult> {
    const sourceId = newId(input.sourceId, context, 'source', 'sourceId');
    const written = await decideAndAppend(this.store, {
      stream: sourceStream(sourceId),
      initial: initialSourceState,
      evolve: evolveSource,
      records: 'claimline.source-registered',
      decide: (state) => decideSource({ type: 'RegisterSource', data: { ...input, sourceId } }, state),
      context,
      creates: { field: 'sourceId', what: `source ${sourceId}` },
    });
    const result = writeResult<SourceRegistered>(written);
    const { contentHash, publishedAt } = result.event.data;
    return { ...result, sourceId, contentHash, publishedAt, textVersion: 1 };
  }
}
