import type { ClaimStateView } from './claim-view.js';
import type { SourceSummary } from './sources.js';

/** schema.org ClaimReview (the form fact-check search engines read) for one claim with a verdict. */
export function claimReviewOf(state: ClaimStateView, source: SourceSummary | undefined, baseUrl: string): Record<string, unknown> {
  const verdict = state.verdict!;
  const current = state.current;
  return {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: `${baseUrl}/claims/${state.claimId}`,
    claimReviewed: `${state.subject} — ${state.predicate}${current ? `: ${current.value.text}` : ''}`,
    datePublished: verdict.reviewedAt,
    author: { '@type': 'Person', name: verdict.reviewer },
    reviewBody: verdict.reasoning,
    reviewRating: {
      '@type': 'Rating',
      ratingValue: verdict.rating.ratingValue,
      bestRating: verdict.rating.bestRating,
      worstRating: verdict.rating.worstRating,
      alternateName: verdict.rating.alternateName,
    },
    itemReviewed: {
      '@type': 'Claim',
      ...(current ? { author: { '@type': 'Organization', name: current.speaker }, datePublished: current.saidAt.normalized } : {}),
      ...(source
        ? { appearance: [{ '@type': 'CreativeWork', headline: source.title, ...(source.url ? { url: source.url } : {}), ...(source.publisher ? { publisher: { '@type': 'Organization', name: source.publisher } } : {}) }] }
        : {}),
    },
  };
}
