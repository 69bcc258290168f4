import { eachSpec, openClaim, recordAssertion, registerSource } from '../../../test/support/read-model-spec.js';
import { claimTimelineProjection, ClaimTimelineModel, type StoredTimeline } from './claim-timeline.js';

const TEXT =
  'On 4 December the ministry said the remaining units would arrive by September 2026. ' +
  'A day later officials told reporters the remaining units were expected in 2026–27.';

const register = registerSource('s-1', TEXT);
const open = openClaim('c-1');
const september = recordAssertion('c-1', 'a-1', 's-1', 'would arrive by September 2026', 'by September 2026', '2025-12-04');
const fiscal = recordAssertion('c-1', 'a-2', 's-1', 'expected in 2026–27', '2026–27', '2025-12-05');

describe(ClaimTimelineModel.name, () => {
  const spec = eachSpec(claimTimelineProjection);
  const stored = (): StoredTimeline => JSON.parse(spec().model.timelineJson('c-1')!) as StoredTimeline;
  const storedRelation = (assertionId: string) => stored().entries.find((e) => e.assertionId === assertionId)!.relationToPrevious;

  it('orders a claim by said-at and relates each assertion to the live one before it', async () => {
    // Recorded in the other order than they were said.
    await spec().givenEach(register, open, fiscal, september);

    const { entries, revision } = stored();
    expect(revision).toBe(2);
    expect(entries.map((e) => e.assertionId)).toEqual(['a-1', 'a-2']);
    expect(entries[0]!.relationToPrevious).toBeNull();
    expect(entries[1]!.relationToPrevious).toMatchObject({ relation: 'overlaps', previousAssertionId: 'a-1' });
    expect(entries.every((e) => e.quoteInCurrentText)).toBe(true);
    // a-2 was answered before a-1 came before it: its relation now is the stored one.
    expect(spec().model.relationToPrevious('c-1', 'a-2')).toEqual(entries[1]!.relationToPrevious);
  });

  it("flags the quotes its source's revised text no longer has", async () => {
    await spec().givenEach(register, open, september, fiscal);

    await spec().given({ type: 'ReviseSourceText', data: { sourceId: 's-1', text: 'On 4 December the ministry said the remaining units would arrive by September 2026.' } });

    expect(stored().entries.map((e) => [e.assertionId, e.quoteInCurrentText])).toEqual([['a-1', true], ['a-2', false]]);
  });

  it('answers the relation just written as the file stores it, and as a restarted model reads it', async () => {
    await spec().givenEach(register, open, september, fiscal);

    expect(spec().model.relationToPrevious('c-1', 'a-2')).toEqual(storedRelation('a-2'));
    expect(spec().model.relationToPrevious('c-1', 'a-2')).toMatchObject({ relation: 'overlaps', previousAssertionId: 'a-1' });
    expect(spec().reopened().relationToPrevious('c-1', 'a-2')).toEqual(storedRelation('a-2'));
    expect(spec().model.relationToPrevious('c-1', 'a-1')).toBeNull();
    expect(spec().reopened().relationToPrevious('c-1', 'a-1')).toBeNull();
    expect(spec().model.relationToPrevious('c-1', 'a-3')).toBeUndefined();
    expect(spec().reopened().relationToPrevious('c-1', 'a-3')).toBeUndefined();
  });

  it('answers a copy: changing it changes nothing kept', async () => {
    await spec().givenEach(register, open, september, fiscal);

    spec().model.relationToPrevious('c-1', 'a-2')!.relation = 'same';

    expect(spec().model.relationToPrevious('c-1', 'a-2')).toMatchObject({ relation: 'overlaps' });
  });

  it('answers what the file holds after a batch whose transaction rolled back', async () => {
    await spec().givenEach(register, open, september, fiscal);
    const correct = { type: 'CorrectAssertion', data: { claimId: 'c-1', assertionId: 'a-2', changes: { value: { text: 'by September 2026' } }, reason: 'misread' } } as const;

    // The checkpoint cannot be saved: the batch's transaction fails after the model wrote the claim.
    spec().file.db.exec('ALTER TABLE meta RENAME TO meta_away');
    // (SQLite's errors may come from another test file's realm in one jest worker: not `instanceof Error` here.)
    await expect(spec().given(correct)).rejects.toHaveProperty('message', expect.stringMatching(/no such table: meta/));
    spec().file.db.exec('ALTER TABLE meta_away RENAME TO meta');

    expect(spec().model.relationToPrevious('c-1', 'a-2')).toMatchObject({ relation: 'overlaps' });
    expect(spec().model.relationToPrevious('c-1', 'a-2')).toEqual(storedRelation('a-2'));
    await spec().given();
    expect(spec().model.relationToPrevious('c-1', 'a-2')).toMatchObject({ relation: 'same' });
    expect(spec().model.relationToPrevious('c-1', 'a-2')).toEqual(storedRelation('a-2'));
  });
});
