import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type AssertionRecorded,
  claimStream,
  type DateValue,
  decideClaim,
  evolveClaim,
  evolveSource,
  initialClaimState,
  initialSourceState,
  type QuoteSelector,
  type RecordAssertion,
  sourceStream,
  type Value,
} from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { decideAndAppend, load, newId, type WriteContext, type WriteResult, writeResult } from './write-stream.js';

export interface AssertionRecordedResult extends WriteResult {
  claimId: string;
  assertionId: string;
  value: Value;
  saidAt: DateValue;
  quote: QuoteSelector;
  sourceTextVersion: number;
}

/** Records that a source asserted a value for a claim, quoting its words. */
export class RecordAssertionCommand extends Command<AssertionRecordedResult> {
  constructor(
    readonly claimId: string,
    /** `assertionId` is generated unless given. */
    readonly input: Omit<RecordAssertion['data'], 'claimId' | 'assertionId'> & { assertionId?: string },
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(RecordAssertionCommand)
export class RecordAssertionHandler implements ICommandHandler<RecordAssertionCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ claimId, input, context }: RecordAssertionCommand): Promise<AssertionRecordedResult> {
    const assertionId = newId(input.assertionId, context, `assertion:${claimId}`, 'assertionId');
    const written = await decideAndAppend(this.store, {
      stream: claimStream(claimId),
      initial: initialClaimState,
      evolve: evolveClaim,
      records: 'claimline.assertion-recorded',
      decide: async (claim) => {
        // Only the claim stream is guarded by its revision. If the source is revised meanwhile, the
        // event still says which text version the quote was matched in, and projections flag it.
        const { state: source } = await load(this.store, sourceStream(input.sourceId), initialSourceState, evolveSource);
        return decideClaim({ type: 'RecordAssertion', data: { ...input, claimId, assertionId } }, claim, { source });
      },
      context,
    });
    const result = writeResult<AssertionRecorded>(written);
    const { value, saidAt, quote, sourceTextVersion } = result.event.data;
    return { ...result, claimId, assertionId: result.event.data.assertionId, value, saidAt, quote, sourceTextVersion };
  }
}
