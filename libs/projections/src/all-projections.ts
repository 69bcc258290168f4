import { auditProjection } from './audit.js';
import { claimStateProjection } from './claim-state.js';
import { claimTimelineProjection } from './claim-timeline.js';
import { discrepanciesProjection } from './discrepancies.js';
import type { Projection } from './projection.js';
import { sourcesProjection } from './sources.js';

export const ALL_PROJECTIONS: readonly Projection[] = [
  claimStateProjection,
  claimTimelineProjection,
  discrepanciesProjection,
  sourcesProjection,
  auditProjection,
];
