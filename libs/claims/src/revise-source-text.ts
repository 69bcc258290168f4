import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideSource, evolveSource, initialSourceState, type ReviseSourceText, type SourceTextRevised, sourceStream } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { decideAndAppend, type WriteContext, type WriteResult, writeResult } from './write-stream.js';

export interface SourceTextRevisedResult extends WriteResult {
  sourceId: string;
  textVersion: number;
  contentHash: string;
}

/** The outlet edited the article: records its new text. Quotes of the old text are flagged by projections, never moved. */
export class ReviseSourceTextCommand extends Command<SourceTextRevisedResult> {
  constructor(
    readonly sourceId: string,
    readonly input: Omit<ReviseSourceText['data'], 'sourceId'>,
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(ReviseSourceTextCommand)
export class ReviseSourceTextHandler implements ICommandHandler<ReviseSourceTextCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ sourceId, input, context }: ReviseSourceTextCommand): Promise<SourceTextRevisedResult> {
    const written = await decideAndAppend(this.store, {
      stream: sourceStream(sourceId),
      initial: initialSourceState,
      evolve: evolveSource,
      records: 'claimline.source-text-revised',
      decide: (state) => decideSource({ type: 'ReviseSourceText', data: { ...input, sourceId } }, state),
      context,
    });
    const result = writeResult<SourceTextRevised>(written);
    const { textVersion, contentHash } = result.event.data;
    return { ...result, sourceId, textVersion, contentHash };
  }
}
