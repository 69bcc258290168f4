import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type AssertionRetracted, claimStream, decideClaim, evolveClaim, initialClaimState, type RetractionKind } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { decideAndAppend, type WriteContext, type WriteResult, writeResult } from './write-stream.js';

export interface AssertionRetractedResult extends WriteResult {
  claimId: string;
  assertionId: string;
}

/** Takes an assertion off the record (it stays in the log); the reason is required. */
export class RetractAssertionCommand extends Command<AssertionRetractedResult> {
  constructor(
    readonly claimId: string,
    readonly assertionId: string,
    /** `kind` defaults to `recorded-in-error`: an editor taking back an entry is the usual case. */
    readonly input: { kind?: RetractionKind; reason: string },
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(RetractAssertionCommand)
export class RetractAssertionHandler implements ICommandHandler<RetractAssertionCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ claimId, assertionId, input, context }: RetractAssertionCommand): Promise<AssertionRetractedResult> {
    const kind = input.kind ?? 'recorded-in-error';
    const written = await decideAndAppend(this.store, {
      stream: claimStream(claimId),
      initial: initialClaimState,
      evolve: evolveClaim,
      records: 'claimline.assertion-retracted',
      decide: (claim) => decideClaim({ type: 'RetractAssertion', data: { claimId, assertionId, kind, reason: input.reason } }, claim),
      context,
    });
    return { ...writeResult<AssertionRetracted>(written), claimId, assertionId };
  }
}
