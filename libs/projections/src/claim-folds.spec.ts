import { jest } from '@jest/globals';
import { claimStream } from '#domain';
import { contestedClaim, disagreeingSources, eachSpec, openClaim, saysIn2026 } from '../../../test/support/read-model-spec.js';
import { ClaimFolds } from './claim-folds.js';
import { discrepanciesProjection } from './discrepancies.js';
import { claimMemory } from './projection.js';

describe(ClaimFolds.name, () => {
  // Room for one contested claim of two assertions (2 + its pair + 1), or for a claim of one
  // assertion beside another claim.
  const defaults = { ...claimMemory };
  beforeAll(() => Object.assign(claimMemory, { entriesKept: 4 }));
  afterAll(() => Object.assign(claimMemory, defaults));
  const spec = eachSpec(discrepanciesProjection);

  /** The claims whose fold the views read from the log (the write side's loads read with `from`, not `limit`). */
  const foldsReadFromLog = () => {
    const readStream = jest.spyOn(spec().store, 'readStream');
    return () => readStream.mock.calls.filter(([, options]) => options?.limit !== undefined).map(([stream]) => stream);
  };

  it('weighs a kept fold by its discrepancy pairs as well as its assertions: past the bound, the least recently used is read again', async () => {
    await spec().givenEach(...disagreeingSources(), ...contestedClaim('c-1', ['a-1', 'a-2']));
    await spec().given(openClaim('c-2'));
    const reads = foldsReadFromLog();

    await spec().given(saysIn2026('c-1', 'a-3'));

    expect(reads()).toEqual([claimStream('c-1')]);
    expect(spec().model.list({ limit: 10, claim: 'c-1' }).items.map((d) => [d.earlier.assertionId, d.later.assertionId])).toEqual([
      ['a-1', 'a-2'],
      ['a-2', 'a-3'],
    ]);
  });

  it('keeps the folds that fit within the bound, and continues them from memory', async () => {
    await spec().givenEach(...disagreeingSources(), openClaim('c-1'), saysIn2026('c-1', 'a-1'));
    await spec().given(openClaim('c-2'));
    const reads = foldsReadFromLog();

    await spec().given(saysIn2026('c-1', 'a-2'));

    expect(reads()).toEqual([]);
  });
});
