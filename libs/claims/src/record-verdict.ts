import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { claimStream, decideClaim, evolveClaim, initialClaimState, type Rating, type VerdictRecorded } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { decideAndAppend, newId, type WriteContext, type WriteResult, writeResult } from './write-stream.js';

export interface VerdictRecordedResult extends WriteResult {
  claimId: string;
  verdictId: string;
  rating: Rating;
}

/** A fact-checker's rating of the claim (ClaimReview-compatible). */
export class RecordVerdictCommand extends Command<VerdictRecordedResult> {
  constructor(
    readonly claimId: string,
    /** `verdictId` is generated unless given; `reviewer` defaults to the actor, `reviewedAt` to now. */
    readonly input: {
      verdictId?: string;
      /** 1 (false) to 5 (true). */
      ratingValue: number;
      alternateName: string;
      reasoning: string;
      reviewer?: string;
      reviewedAt?: string;
    },
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(RecordVerdictCommand)
export class RecordVerdictHandler implements ICommandHandler<RecordVerdictCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ claimId, input, context }: RecordVerdictCommand): Promise<VerdictRecordedResult> {
    const verdictId = newId(input.verdictId, context, `verdict:${claimId}`, 'verdictId');
    const reviewer = input.reviewer ?? context.actor;
    const reviewedAt = input.reviewedAt ?? new Date().toISOString();
    const written = await decideAndAppend(this.store, {
      stream: claimStream(claimId),
      initial: initialClaimState,
      evolve: evolveClaim,
      records: 'claimline.verdict-recorded',
      decide: (claim) =>
        decideClaim(
          {
            type: 'RecordVerdict',
            data: {
              claimId,
              verdictId,
              rating: { ratingValue: input.ratingValue, alternateName: input.alternateName },
              reasoning: input.reasoning,
              reviewer,
              reviewedAt,
            },
          },
          claim,
        ),
      context,
    });
    const result = writeResult<VerdictRecorded>(written);
    return { ...result, claimId, verdictId, rating: result.event.data.rating };
  }
}
