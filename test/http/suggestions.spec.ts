import { claimsFoundFor, EVERY_CLAIM_UP_TO, seedId, Suggestions } from '#claims';
import { Projections } from '#projections';
import { createTestApp, type TestApp } from '../support/app.js';

/** GET /sources/:id/suggestions through the real app on a seeded store. */
describe('GET /sources/:id/suggestions', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await createTestApp({ CLAIMLINE_SEED: 'true' });
  }, 60_000);
  afterAll(async () => {
    await sut?.close();
  });

  const ARTICLE = [
    'Moscow sets new date for last S-400 squadrons',
    '',
    'New Delhi: Russia has assured India that the two remaining S-400 squadrons will be delivered by March 2027, defence sources said on Tuesday.',
    'The Rs 35,000 crore deal for five squadrons was signed in 2018.',
  ].join('\n');

  async function register(text = ARTICLE, publisher: string | null = 'The Test Chronicle'): Promise<string> {
    const res = await sut.request({ method: 'POST', url: '/sources', body: { title: 'New date for S-400', publisher, publishedAt: '2026-02-10', text } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('given a bad offset, when asked, then 400 naming from', async () => {
    const id = await register();
    for (const from of ['-1', 'abc', '1.5']) {
      const res = await sut.request({ method: 'GET', url: `/sources/${id}/suggestions?from=${from}`, as: 'none' });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('from');
    }
    const end = await sut.request({ method: 'GET', url: `/sources/${id}/suggestions?from=${ARTICLE.length}`, as: 'none' });
    expect(end.body).toMatchObject({ from: ARTICLE.length, next: null, suggestions: [] });
  });

  it('given a text of several pages, when they are asked for in turn, then each is the page asked for on its own', async () => {
    // Over 1,000 values: three pages. Asked in turn, each page reads on from the one before; asked
    // again out of turn, it is read afresh from its offset. Both readings must give the same page.
    const sentences = ['Rajnath Singh said the S-400 units will be delivered by March 2027.', 'He said the Rs 35,000 crore deal was signed in 2018.', 'Officials said five squadrons were ordered, while he said three were delivered.'];
    const text = Array.from({ length: 720 }, (_, i) => `${sentences[i % sentences.length]}${i % 4 === 3 ? '\n' : ' '}`).join('').trim();
    const id = await register(text);
    const ask = async (from: number) => (await sut.request({ method: 'GET', url: `/sources/${id}/suggestions?from=${from}`, as: 'none' })).body;
    const inTurn = [await ask(0)];
    while (inTurn.at(-1).next !== null) inTurn.push(await ask(inTurn.at(-1).next));
    expect(inTurn.length).toBeGreaterThanOrEqual(3);
    const afresh = [await ask(inTurn[1].next), await ask(inTurn[0].next), await ask(0)];
    expect(afresh).toEqual([inTurn[2], inTurn[1], inTurn[0]]);
  });

  it('given an unknown source, when asked, then 404 as problem+json', async () => {
    const res = await sut.request({ method: 'GET', url: '/sources/no-such-source/suggestions', as: 'none' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(/no-such-source/);
  });

  it('given a new article, when asked without a key, then each value comes with its quote, claims, relation and cues, and nothing is appended', async () => {
    const id = await register();
    const head = (await sut.request({ method: 'GET', url: '/events?limit=1000', as: 'none' })).body.items.at(-1).position;
    const res = await sut.request({ method: 'GET', url: `/sources/${id}/suggestions`, as: 'none' });
    expect(res.status).toBe(200);
    const byWords = new Map((res.body.suggestions as { value: { text: string } }[]).map((s) => [s.value.text, s]));

    const due = byWords.get('by March 2027') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
    expect(due).toBeDefined();
    expect(due.claims[0].claimId).toBe(seedId('claim', 's400-remaining-deliveries-due'));
    expect(due.claims[0].reason).toMatch(/predicate/);
    expect(due.value).toMatchObject({ type: 'date', bounds: { lo: null, hi: '2027-03-31' } });
    expect(ARTICLE.slice(due.quote.start, due.quote.end)).toBe(due.quote.exact);
    expect(due.quote.exact).toContain('by March 2027');
    expect(ARTICLE.slice(due.valueAt.start, due.valueAt.end)).toBe('by March 2027');
    // The current value is Business Standard's "by 2026–27", read by its April–March fiscal year.
    expect(due.relationToCurrent).toMatchObject({ relation: 'same' });
    expect(due).toMatchObject({ speaker: 'Russia', modality: 'assured', cues: { saidAt: { from: 'text', words: 'on Tuesday' } } });
    expect(due.saidAt.bounds).toEqual({ lo: '2026-02-10', hi: '2026-02-10' });
    expect(due.alreadyRecorded).toBeNull();

    const rupees = byWords.get('Rs 35,000 crore') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
    expect(rupees.claims[0].claimId).toBe(seedId('claim', 's400-contract-value'));
    expect(rupees.relationToCurrent.relation).toBe('incomparable');
    expect(rupees.claims[0].reason).toMatch(/INR.*USD/);

    const after = (await sut.request({ method: 'GET', url: '/events?limit=1000', as: 'none' })).body.items.at(-1).position;
    expect(after).toBe(head);
  });

  it('given a store too large to score every claim, when asked, then the full-text index picks the candidates and the values are filed as before', async () => {
    const id = await register();
    const suggestions = sut.app.get(Suggestions);
    const everyClaim = (await sut.request({ method: 'GET', url: `/sources/${id}/suggestions`, as: 'none' })).body;
    suggestions.everyClaimUpTo = 0;
    try {
      const res = await sut.request({ method: 'GET', url: `/sources/${id}/suggestions`, as: 'none' });
      expect(res.status).toBe(200);
      const filed = (body: { suggestions: { value: { text: string }; claims: { claimId: string }[] }[] }): string[][] =>
        body.suggestions.map((s) => [s.value.text, s.claims[0]?.claimId ?? '(none)']);
      expect(filed(res.body)).toEqual(filed(everyClaim));
      expect(filed(res.body)).toContainEqual(['by March 2027', seedId('claim', 's400-remaining-deliveries-due')]);
    } finally {
      suggestions.everyClaimUpTo = EVERY_CLAIM_UP_TO;
    }
  });

  it('given a long text on a large store, when its candidates are looked up, then the lookup gives the event loop a turn after each paragraph', () => {
    const steps = claimsFoundFor(sut.app.get(Projections), 'New date for S-400', ARTICLE);
    let turns = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) turns += 1;
    expect(turns).toBe(ARTICLE.split('\n').filter((line) => line.trim() !== '').length);
    expect(step.value.map((c) => c.claimId)).toContain(seedId('claim', 's400-remaining-deliveries-due'));

    // A paragraph without line breaks is looked up a couple of thousand characters at a time.
    const oneLine = Array.from({ length: 50 }, () => ARTICLE.replace(/\n/g, ' ')).join(' ');
    const long = claimsFoundFor(sut.app.get(Projections), 'New date for S-400', oneLine);
    let longTurns = 0;
    while (!long.next().done) longTurns += 1;
    expect(longTurns).toBeGreaterThanOrEqual(Math.floor(oneLine.length / 2000));
  });

  it('given an outlet that writes fiscal years, when asked, then its year ranges are read as its fiscal years, as the write will read them', async () => {
    const text = 'The remaining S-400 squadrons will be delivered by 2026-27, officials said on Tuesday.';
    const dueOf = async (fiscalYear?: string): Promise<Record<string, any>> => { // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
      const res = await sut.request({ method: 'POST', url: '/sources', body: { title: 'S-400 schedule', publisher: 'A Business Daily', publishedAt: '2026-02-10', text, ...(fiscalYear ? { fiscalYear } : {}) } });
      expect(res.status).toBe(201);
      const source = await sut.request({ method: 'GET', url: `/sources/${res.body.id}`, as: 'none' });
      expect(source.body.fiscalYear).toBe(fiscalYear ?? null);
      const suggestions = await sut.request({ method: 'GET', url: `/sources/${res.body.id}/suggestions`, as: 'none' });
      return (suggestions.body.suggestions as Record<string, any>[]).find((s) => s.value.text === 'by 2026-27')!; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
    };
    expect((await dueOf('april')).value.bounds.hi).toBe('2027-03-31');
    expect((await dueOf()).value.bounds.hi).toBe('2027-12-31');
    const fiscal = await dueOf('april');
    const recorded = await sut.request({ method: 'POST', url: `/claims/${fiscal.claims[0].claimId}/assertions`, body: fiscal.assertion });
    expect(recorded.status).toBe(201);
  });

  it('given a suggestion, when its assertion is sent to the ordinary write, then it is recorded and shows as already recorded', async () => {
    const id = await register(ARTICLE.replace('March 2027', 'April 2027'));
    const first = await sut.request({ method: 'GET', url: `/sources/${id}/suggestions`, as: 'none' });
    const due = (first.body.suggestions as Record<string, any>[]).find((s) => s.value.text === 'by April 2027')!; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
    const claimId = due.claims[0].claimId as string;
    const claim = await sut.request({ method: 'GET', url: `/claims/${claimId}`, as: 'none' });

    const written = await sut.request({ method: 'POST', url: `/claims/${claimId}/assertions`, body: due.assertion, headers: { 'if-match': `"${claim.body.revision}"` } });
    expect(written.status).toBe(201);
    expect(written.body.value.bounds).toEqual(due.value.bounds);
    expect(written.body.quote).toEqual({ exact: due.quote.exact, prefix: due.quote.prefix, suffix: due.quote.suffix, start: due.quote.start, end: due.quote.end });

    const again = await sut.request({ method: 'GET', url: `/sources/${id}/suggestions`, as: 'none' });
    const same = (again.body.suggestions as Record<string, any>[]).find((s) => s.id === due.id)!; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
    expect(same.alreadyRecorded).toBe(written.body.assertionId);
    expect(same.claims[0].claimId).toBe(claimId);
    expect(same.claims[0].reason).toMatch(/already recorded/);
  });

  it('given a clause that looks ahead with no word of modality, when its suggestion is accepted, then the write reads the date as the suggestion did', async () => {
    const id = await register('New Delhi: The last two S-400 squadrons will arrive in June, officials said.');
    const res = await sut.request({ method: 'GET', url: `/sources/${id}/suggestions`, as: 'none' });
    const june = (res.body.suggestions as Record<string, any>[]).find((s) => s.value.text === 'June')!; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
    // Published 2026-02-10: "will arrive in June" is the June ahead, and the modality says so to the write.
    expect(june).toMatchObject({ modality: 'expected', value: { bounds: { lo: '2026-06-01', hi: '2026-06-30' } } });
    const claimId = june.claims[0].claimId as string;
    const claim = await sut.request({ method: 'GET', url: `/claims/${claimId}`, as: 'none' });
    const written = await sut.request({ method: 'POST', url: `/claims/${claimId}/assertions`, body: june.assertion, headers: { 'if-match': `"${claim.body.revision}"` } });
    expect(written.status).toBe(201);
    expect(written.body.value.bounds).toEqual(june.value.bounds);
  });

  it('given a seed article, when asked, then the values the seeds recorded from it are marked as recorded', async () => {
    const sourceId = seedId('source', '2025-12-irigc-22-s400-september-2026');
    const res = await sut.request({ method: 'GET', url: `/sources/${sourceId}/suggestions`, as: 'none' });
    const due = (res.body.suggestions as Record<string, any>[]).find((s) => s.value.text === 'by September 2026')!; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
    expect(due.alreadyRecorded).toEqual(expect.any(String));
    expect(due.claims[0].claimId).toBe(seedId('claim', 's400-remaining-deliveries-due'));
  });

  it('given a source without a publisher and a passage naming no one, then the speaker is left for the editor (null)', async () => {
    const id = await register('India ordered five S-400 squadrons in 2018.\nThe deal was worth $5.43 billion.', null);
    const res = await sut.request({ method: 'GET', url: `/sources/${id}/suggestions`, as: 'none' });
    const value = (res.body.suggestions as Record<string, any>[]).find((s) => s.value.text === '$5.43 billion')!; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON
    expect(value.speaker).toBeNull();
    expect(value.cues.speaker).toEqual({ from: 'source' });
    expect(value.assertion.speaker).toBeUndefined();
  });
});
