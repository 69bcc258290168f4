import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ClaimOpened, claimStream, decideClaim, evolveClaim, initialClaimState, type OpenClaim } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { decideAndAppend, newId, type WriteContext, type WriteResult, writeResult } from './write-stream.js';

export interface ClaimOpenedResult extends WriteResult {
  claimId: string;
}

/** Opens a claim: what is claimed of what, and the type every assertion's value must have. */
export class OpenClaimCommand extends Command<ClaimOpenedResult> {
  constructor(
    /** `claimId` is generated unless given (seeds and idempotent requests give one). */
    readonly input: Omit<OpenClaim['data'], 'claimId'> & { claimId?: string },
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(OpenClaimCommand)
export class OpenClaimHandler implements ICommandHandler<OpenClaimCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ input, context }: OpenClaimCommand): Promise<ClaimOpenedResult> {
    const claimId = newId(input.claimId, context, 'claim', 'claimId');
    const written = await decideAndAppend(this.store, {
      stream: claimStream(claimId),
      initial: initialClaimState,
      evolve: evolveClaim,
      records: 'claimline.claim-opened',
      decide: (state) => decideClaim({ type: 'OpenClaim', data: { ...input, claimId } }, state),
      context,
      creates: { field: 'claimId', what: `claim ${claimId}` },
    });
    return { ...writeResult<ClaimOpened>(written), claimId };
  }
}
