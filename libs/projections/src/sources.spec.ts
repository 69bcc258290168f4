import { disagreeingSources, eachSpec, openClaim, saysIn2026 } from '../../../test/support/read-model-spec.js';
import { sourcesProjection, SourcesModel } from './sources.js';

const sources = disagreeingSources();
const claim = [openClaim('c-1'), saysIn2026('c-1', 'a-1')];

describe(SourcesModel.name, () => {
  const spec = eachSpec(sourcesProjection);

  it('lists the sources in the order registered, each with how many assertions cite it, page by page', async () => {
    await spec().givenEach(...sources, ...claim);

    const first = spec().model.list({ limit: 1 });
    const second = spec().model.list({ limit: 1, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((s) => [s.id, s.publisher, s.citations])).toEqual([
      ['s-2026', 'The Daily', 1],
      ['s-2028', 'The Wire', 0],
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it("keeps a source's text, the assertions citing it and its revisions, each quote checked against the current text", async () => {
    await spec().givenEach(...sources, ...claim);
    expect(spec().model.source('s-2026')?.citedBy).toEqual([
      expect.objectContaining({ claimId: 'c-1', assertionId: 'a-1', value: 'in 2026', speaker: 'The Daily', status: 'live', sourceTextVersion: 1, quoteInCurrentText: true }),
    ]);

    await spec().given({ type: 'ReviseSourceText', data: { sourceId: 's-2026', text: 'The ministry said the units will arrive later, officials confirmed.', reason: 'corrected by the outlet' } });

    const revised = spec().model.source('s-2026')!;
    expect(revised.text).toContain('arrive later');
    expect(revised.citedBy).toEqual([expect.objectContaining({ assertionId: 'a-1', sourceTextVersion: 1, quoteInCurrentText: false })]);
    const revisions = spec().model.revisions('s-2026')!;
    expect(revisions.map((r) => [r.textVersion, r.reason])).toEqual([
      [1, null],
      [2, 'corrected by the outlet'],
    ]);
    expect(revisions[1]!.diff?.filter((part) => part.removed || part.added).map((part) => part.value)).toEqual(['in 2026', 'later']);
    expect(spec().model.source('s-none')).toBeUndefined();
  });

  it('finds sources by their words, each with why it was found', async () => {
    await spec().givenEach(...sources);

    const found = spec().model.list({ q: 'earliest', limit: 10 });
    expect(found.items.map((s) => s.id)).toEqual(['s-2028']);
    expect(found.items[0]!.match).toBeDefined();
  });
});
