import { compareValues, parseDate } from '#domain';
import { contestedClaim, disagreeingSources, eachSpec, recordAssertion } from '../../../test/support/read-model-spec.js';
import { discrepanciesProjection, DiscrepanciesModel } from './discrepancies.js';

const sources = disagreeingSources();
const contested = contestedClaim('c-1', ['a-1', 'a-2']);

describe(DiscrepanciesModel.name, () => {
  const spec = eachSpec(discrepanciesProjection);

  it('opens a discrepancy between two live assertions that cannot both hold, with both sides', async () => {
    await spec().givenEach(...sources, ...contested);

    const { items, nextCursor } = spec().model.list({ limit: 10 });
    expect(nextCursor).toBeNull();
    expect(items).toEqual([
      expect.objectContaining({
        claimId: 'c-1', relation: 'contradicts', status: 'open', resolvedAt: null,
        earlier: expect.objectContaining({ assertionId: 'a-1', sourceId: 's-2026', value: 'in 2026', quote: 'will arrive in 2026' }),
        later: expect.objectContaining({ assertionId: 'a-2', sourceId: 's-2028', value: 'in 2028' }),
      }),
    ]);
    // In words, as compareValues puts the pair (earlier, then later).
    expect(items[0]!.explanation).toBe(compareValues(parseDate('in 2026'), parseDate('in 2028')).explanation);
    expect(spec().model.list({ limit: 10, source: 's-2028' }).items).toHaveLength(1);
    expect(spec().model.list({ limit: 10, claim: 'c-2' }).items).toHaveLength(0);
  });

  it('resolves it, never deletes it, when a retraction ends it', async () => {
    await spec().givenEach(...sources, ...contested);

    await spec().given({ type: 'RetractAssertion', data: { claimId: 'c-1', assertionId: 'a-2', kind: 'recorded-in-error', reason: 'wrong claim' } });

    expect(spec().model.list({ limit: 10 }).items).toEqual([]);
    const [resolved, ...rest] = spec().model.list({ limit: 10, status: 'resolved' }).items;
    expect(rest).toEqual([]);
    expect(resolved).toMatchObject({ claimId: 'c-1', status: 'resolved', resolvedAt: expect.any(String), resolution: expect.stringContaining('etract') });
    expect(resolved!.explanation).toBe(compareValues(parseDate('in 2026'), parseDate('in 2028')).explanation);
    expect(spec().model.list({ limit: 10, status: 'all' }).items).toHaveLength(1);
  });

  it('pages through the discrepancies in the order they were found', async () => {
    await spec().given(...sources, ...contested, recordAssertion('c-1', 'a-3', 's-2028', 'in 2028 at the earliest', 'in 2028'));

    const first = spec().model.list({ limit: 1 });
    const second = spec().model.list({ limit: 1, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((d) => [d.earlier.assertionId, d.later.assertionId])).toEqual([
      ['a-1', 'a-2'],
      ['a-1', 'a-3'],
    ]);
    expect(second.nextCursor).toBeNull();
  });
});
