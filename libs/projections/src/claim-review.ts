import type { ClaimStateView } from './claim-view.js';
import type { SourceAppearance } from './sources.js';

/**
 * schema.org ClaimReview (the form fact-check search engines read) for one claim with a verdict.
 * `url` is the claim's page in the web UI served at `baseUrl` (a configured public address).
 */
export function claimReviewOf(state: ClaimStateView, source: SourceAppearance | undefined, baseUrl: string): Record<string, unknown> {
  const verdict = state.verdict!;
  const current = state.current;
  return {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: `${baseUrl}/#/claims/${encodeURIComponent(state.claimId)}`,
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

/**
 * The ClaimReview document (a JSON-LD array, one item per claim with a verdict) of claims read a
 * page at a time, as text a page at a time: the same text as `scriptSafeJson` of the whole array,
 * without the whole array, or its text, ever in memory.
 */
export function* claimReviewJson(
  pages: Iterable<readonly ClaimStateView[]>,
  sourceOf: (sourceId: string) => SourceAppearance | undefined,
  baseUrl: string,
  space = 0,
): Generator<string> {
  // JSON.stringify(array, null, space) puts each item on a line of its own, indented by `space`.
  const indent = ' '.repeat(space);
  const between = space > 0 ? `,\n${indent}` : ',';
  let opened = false;
  for (const page of pages) {
    if (page.length === 0) continue;
    const items = page.map((state) => {
      const json = scriptSafeJson(claimReviewOf(state, state.current ? sourceOf(state.current.sourceId) : undefined, baseUrl), space || undefined);
      return space > 0 ? json.replaceAll('\n', `\n${indent}`) : json;
    });
    yield `${opened ? between : space > 0 ? `[\n${indent}` : '['}${items.join(between)}`;
    opened = true;
  }
  yield opened ? (space > 0 ? '\n]' : ']') : '[]';
}

/**
 * JSON text that is safe inside an HTML `<script type="application/ld+json">`, which is how
 * ClaimReview is published: `<`, `>` and `&` (a reviewer's "</script>" would end the script) and
 * U+2028/U+2029 are written as \u escapes, which every JSON reader reads back as the same text.
 */
export function scriptSafeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
