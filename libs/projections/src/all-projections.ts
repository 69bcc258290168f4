import { claimStateProjection, claimTimelineProjection, discrepanciesProjection } from './claim-projections.js';
import type { Projection } from './projection.js';
import { auditProjection, sourcesProjection } from './source-projections.js';

export const ALL_PROJECTIONS: readonly Projection[] = [
  claimStateProjection,
  claimTimelineProjection,
  discrepanciesProjection,
  sourcesProjection,
  auditProjection,
];
