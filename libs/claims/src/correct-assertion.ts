import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type AssertionCorrected,
  claimStream,
  type CorrectAssertion,
  decideClaim,
  evolveClaim,
  evolveSource,
  initialClaimState,
  initialSourceState,
  sourceStream,
} from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { decideAndAppend, load, type WriteContext, type WriteResult, writeResult } from './write-stream.js';

export interface AssertionCorrectedResult extends WriteResult {
  claimId: string;
  assertionId: string;
  /** The fields that really changed, with their new values. */
  changes: AssertionCorrected['data']['changes'];
  /** The values those fields had. */
  previous: AssertionCorrected['data']['previous'];
}

/** Sets right the facts of an assertion that were recorded wrongly; the reason is required. */
export class CorrectAssertionCommand extends Command<AssertionCorrectedResult> {
  constructor(
    readonly claimId: string,
    readonly assertionId: string,
    readonly input: Omit<CorrectAssertion['data'], 'claimId' | 'assertionId'>,
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(CorrectAssertionCommand)
export class CorrectAssertionHandler implements ICommandHandler<CorrectAssertionCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ claimId, assertionId, input, context }: CorrectAssertionCommand): Promise<AssertionCorrectedResult> {
    const written = await decideAndAppend(this.store, {
      stream: claimStream(claimId),
      initial: initialClaimState,
      evolve: evolveClaim,
      records: 'claimline.assertion-corrected',
      decide: async (claim) => {
        // The source the corrected assertion will cite: the new one, or the one it cites now.
        const current = claim.status === 'open' ? claim.assertions[assertionId] : undefined;
        const sourceId = input.changes?.sourceId ?? current?.sourceId;
        const source =
          sourceId === undefined
            ? initialSourceState()
            : (await load(this.store, sourceStream(sourceId), initialSourceState, evolveSource)).state;
        return decideClaim({ type: 'CorrectAssertion', data: { ...input, claimId, assertionId } }, claim, { source });
      },
      context,
    });
    const result = writeResult<AssertionCorrected>(written);
    const { changes, previous } = result.event.data;
    return { ...result, claimId, assertionId, changes, previous };
  }
}
