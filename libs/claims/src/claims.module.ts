import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CorrectAssertionHandler } from './correct-assertion.js';
import { OpenClaimHandler } from './open-claim.js';
import { RecordAssertionHandler } from './record-assertion.js';
import { RecordVerdictHandler } from './record-verdict.js';
import { RegisterSourceHandler } from './register-source.js';
import { RetractAssertionHandler } from './retract-assertion.js';
import { ReviseSourceTextHandler } from './revise-source-text.js';

export const COMMAND_HANDLERS = [
  RegisterSourceHandler,
  ReviseSourceTextHandler,
  OpenClaimHandler,
  RecordAssertionHandler,
  CorrectAssertionHandler,
  RetractAssertionHandler,
  RecordVerdictHandler,
];

/**
 * The write use cases, imported by both apps. The app provides EVENT_STORE (globally); this module
 * only wires the handlers (reads go to the read models, ProjectionsModule).
 */
@Module({
  imports: [CqrsModule],
  providers: COMMAND_HANDLERS,
})
export class ClaimsModule {}
