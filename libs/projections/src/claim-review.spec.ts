import fc from 'fast-check';
import { claimReviewJson, claimReviewOf, scriptSafeJson } from './claim-review.js';
import type { ClaimStateView } from './claim-view.js';
import type { SourceAppearance } from './sources.js';

const BASE = 'https://claims.example.org';

/** Words with what a script element and JSON must escape among them. */
const words = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '<', '>', '&', '"', '\\', '\n', '\u2028', '\u2029', '—', '/') });

const reviewed = fc.record({ claimId: fc.uuid(), subject: words, predicate: words, reasoning: words, reviewer: words, quoted: fc.boolean() }).map(
  ({ claimId, subject, predicate, reasoning, reviewer, quoted }) =>
    ({
      claimId,
      subject,
      predicate,
      current: quoted ? { sourceId: 's-1', speaker: reviewer, saidAt: { normalized: '2025-12' }, value: { text: predicate } } : null,
      verdict: { reasoning, reviewer, reviewedAt: '2025-12-06T10:00:00Z', rating: { ratingValue: 3, bestRating: 5, worstRating: 1, alternateName: subject } },
    }) as unknown as ClaimStateView,
);

const source: SourceAppearance = { title: 'IRIGC <b>22</b>', url: null, publisher: 'Tass & co' };
const sourceOf = (sourceId: string): SourceAppearance | undefined => (sourceId === 's-1' ? source : undefined);

/** `states` cut into pages at `cuts` (some pages empty). */
function paged(states: ClaimStateView[], cuts: number[]): ClaimStateView[][] {
  const at = [...cuts.map((c) => c % (states.length + 1)), states.length].sort((a, b) => a - b);
  let from = 0;
  return at.map((to) => states.slice(from, (from = to)));
}

describe(claimReviewJson.name, () => {
  it('writes, page by page, the text scriptSafeJson writes of the whole array, compact or indented', () => {
    fc.assert(
      fc.property(fc.array(reviewed, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 4 }), fc.constantFrom(0, 2), (states, cuts, space) => {
        const whole = scriptSafeJson(
          states.map((s) => claimReviewOf(s, s.current ? sourceOf(s.current.sourceId) : undefined, BASE)),
          space || undefined,
        );
        expect([...claimReviewJson(paged(states, cuts), sourceOf, BASE, space)].join('')).toBe(whole);
      }),
    );
  });

  it('writes an empty array when no claim has a verdict', () => {
    expect([...claimReviewJson([], sourceOf, BASE)].join('')).toBe('[]');
    expect([...claimReviewJson([[], []], sourceOf, BASE, 2)].join('')).toBe('[]');
  });
});
