import { claimStateProjection, claimTimelineProjection, discrepanciesProjection } from './claim-projections.js';
import type { Projection } from './projection.js';
import { auditProjection, sourcesProjection } from './source-projections.js';

export * from './claim-view.js';
export * from './claim-projections.js';
export * from './source-projections.js';
export * from './projection.js';
export * from './projection-runner.js';

export const ALL_PROJECTIONS: readonly Projection[] = [
  claimStateProjection,
  claimTimelineProjection,
  discrepanciesProjection,
  sourcesProjection,
  auditProjection,
];
export * from './read-models.js';
