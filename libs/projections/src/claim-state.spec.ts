import { contestedClaim, disagreeingSources, eachSpec, openClaim, recordAssertion, registerSource, saysIn2026, saysIn2028 } from '../../../test/support/read-model-spec.js';
import { claimStateProjection, ClaimStateModel } from './claim-state.js';

const sources = [...disagreeingSources(), registerSource('s-early', 'In January the deliveries were due in 2026, the ministry said.', '2025-01-10', 'The Herald')];
// Settled: one value. Contested: two sources the same day, values that cannot both hold. Revised: a
// value said in January, another months later.
const settled = [openClaim('c-settled', { subject: 'Frigate contract' }), saysIn2026('c-settled', 'a-1')];
const contested = contestedClaim('c-contested', ['a-2', 'a-3'], { subject: 'S-400 contract of 2018' });
const revised = [openClaim('c-revised', { subject: 'Submarine lease' }), recordAssertion('c-revised', 'a-4', 's-early', 'were due in 2026', 'in 2026'), saysIn2028('c-revised', 'a-5')];

describe(ClaimStateModel.name, () => {
  const spec = eachSpec(claimStateProjection);

  it("keeps each claim's state as its events leave it", async () => {
    await spec().givenEach(...sources, ...settled);
    expect(spec().model.state('c-settled')).toMatchObject({ revision: 1, status: 'settled', current: { assertionId: 'a-1', value: { text: 'in 2026' } }, counts: { assertions: 1, live: 1 } });

    await spec().given({ type: 'RetractAssertion', data: { claimId: 'c-settled', assertionId: 'a-1', kind: 'recorded-in-error', reason: 'wrong claim' } });

    expect(spec().model.state('c-settled')).toMatchObject({ revision: 2, current: null, counts: { assertions: 1, live: 0, retracted: 1 } });
    expect(spec().model.stateBytes('c-settled')!.toString()).toBe(JSON.stringify(spec().reopened().state('c-settled')));
    expect(spec().model.state('c-none')).toBeUndefined();
    expect(spec().model.count()).toBe(1);
  });

  it('lists what changed first: contested, then revised, then settled, each in the order opened, page by page', async () => {
    await spec().given(...sources, ...settled, ...contested, ...revised);

    const statuses = ['c-settled', 'c-contested', 'c-revised'].map((id) => spec().model.state(id)!.status);
    expect(statuses).toEqual(['settled', 'contested', 'revised']);
    const first = spec().model.list({ limit: 2 });
    expect(first.items.map((c) => c.claimId)).toEqual(['c-contested', 'c-revised']);
    const second = spec().model.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((c) => c.claimId)).toEqual(['c-settled']);
    expect(second.nextCursor).toBeNull();
    expect(spec().model.list({ limit: 10, status: 'revised' }).items.map((c) => c.claimId)).toEqual(['c-revised']);
    expect(JSON.parse(spec().model.listBytes({ limit: 10 }).toString())).toEqual({ ...spec().model.list({ limit: 10 }), nextCursor: null });
  });

  it('finds claims by their words, each with why it was found', async () => {
    await spec().given(...sources, ...settled, ...contested, ...revised);

    const found = spec().model.list({ q: 'submarine', limit: 10 });
    expect(found.items.map((c) => c.claimId)).toEqual(['c-revised']);
    expect(found.items[0]!.match).toBeDefined();
    expect(spec().model.list({ q: 'in 2028', limit: 10 }).items.map((c) => c.claimId).sort()).toEqual(['c-contested', 'c-revised']);
    expect(spec().model.list({ subject: 'frigate', limit: 10 }).items.map((c) => c.claimId)).toEqual(['c-settled']);
  });

  it('exports only the claims with a verdict, in the order they were opened, a page at a time', async () => {
    const verdict = (claimId: string, verdictId: string) =>
      ({
        type: 'RecordVerdict',
        data: { claimId, verdictId, rating: { ratingValue: 2, alternateName: 'Mostly false' }, reasoning: 'The sources disagree.', reviewer: 'desk', reviewedAt: '2025-12-06T10:00:00Z' },
      }) as const;
    await spec().given(...sources, ...settled, ...contested, ...revised, verdict('c-revised', 'v-2'), verdict('c-contested', 'v-1'));

    const pages = [...spec().model.withVerdicts(1)].map((page) => page.map((c) => [c.claimId, c.verdict?.verdictId]));
    expect(pages).toEqual([[['c-contested', 'v-1']], [['c-revised', 'v-2']]]);
    expect([...spec().model.withVerdicts()].map((page) => page.length)).toEqual([2]);
  });
});
