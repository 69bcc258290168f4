import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Projections } from '#projections';
import { createTestApp, type TestApp } from '../support/app.js';

interface ClaimRef {
  subject: string;
  predicate: string;
}
interface Cases {
  claims: { q: string; first?: ClaimRef; firstSubjectIncludes?: string; alsoFinds?: ClaimRef[] }[];
  sources: { q: string; firstTitleIncludes: string }[];
}
interface Part {
  text: string;
  hit?: true;
}
interface Found {
  claimId: string;
  subject: string;
  predicate: string;
  status: string;
  match: { score: number; fields: { field: string; parts: Part[] }[] };
}

/** Written before the index was built (test/search/cases.json): what a fact-checker types, and what should come first. */
const cases = JSON.parse(readFileSync(join(process.cwd(), 'test', 'search', 'cases.json'), 'utf8')) as Cases;
const hits = (parts: Part[]): string[] => parts.filter((p) => p.hit).map((p) => p.text);

describe('search on the seeded store', () => {
  let sut: TestApp;
  const find = async (query: string): Promise<{ items: Found[]; nextCursor: string | null }> => {
    const res = await sut.request({ method: 'GET', url: `/claims?${query}`, as: 'none' });
    expect([query, res.status]).toEqual([query, 200]);
    return res.body;
  };
  const claims = async (q: string, more = ''): Promise<Found[]> => (await find(`q=${encodeURIComponent(q)}&limit=100${more}`)).items;

  beforeAll(async () => {
    sut = await createTestApp({ CLAIMLINE_SEED: 'true' });
  });
  afterAll(() => sut.close());

  it.each(cases.claims)('$q finds the expected claim first', async ({ q, first, firstSubjectIncludes, alsoFinds }) => {
    const found = await claims(q);
    expect(found.length).toBeGreaterThan(0);
    const top = found[0]!;
    if (first) expect({ q, subject: top.subject, predicate: top.predicate }).toEqual({ q, ...first });
    if (firstSubjectIncludes) expect(top.subject).toContain(firstSubjectIncludes);
    for (const ref of alsoFinds ?? []) expect(found.map((c) => ({ subject: c.subject, predicate: c.predicate }))).toContainEqual(ref);
  });

  it.each(cases.sources)('GET /sources?q=$q finds the expected source first', async ({ q, firstTitleIncludes }) => {
    const res = await sut.request({ method: 'GET', url: `/sources?q=${encodeURIComponent(q)}`, as: 'none' });
    expect(res.status).toBe(200);
    expect(res.body.items[0].title).toContain(firstTitleIncludes);
    expect(res.body.items[0].match.fields.length).toBeGreaterThan(0);
  });

  it('ranks: scores fall from first to last, and every claim says where its words were found, marked', async () => {
    const found = await claims('S-400 deliveries');
    const scores = found.map((c) => c.match.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const top = found[0]!;
    expect(hits(top.match.fields.find((f) => f.field === 'subject')!.parts)).toEqual(['S-400']);
    expect(hits(top.match.fields.find((f) => f.field === 'predicate')!.parts)).toEqual(['deliveries']);
    // The parts put together are the field as stored.
    expect(top.match.fields.find((f) => f.field === 'predicate')!.parts.map((p) => p.text).join('')).toBe('remaining deliveries due');
    for (const c of found) expect(c.match.fields.some((f) => f.parts.some((p) => p.hit))).toBe(true);
  });

  it('marks a passage of a quote around the words, and the words of a phrase in order only', async () => {
    const [held] = await claims('Manekshaw');
    const quotes = held!.match.fields.find((f) => f.field === 'quotes')!;
    expect(hits(quotes.parts)).toEqual(['Manekshaw']);
    const passage = quotes.parts.map((p) => p.text).join('');
    expect(passage.length).toBeLessThan(held!.match.fields.length * 400);
    expect(passage).toMatch(/^….*…$|Manekshaw/);
    const [war] = await claims('"war in Ukraine"');
    expect(war!.match.fields.flatMap((f) => hits(f.parts))).toContain('war in Ukraine');
    expect(await claims('"Ukraine in war"')).toEqual([]);
  });

  it('finds nothing for words no claim has, and the same claims for both spellings of a designation', async () => {
    expect(await claims('zeppelin')).toEqual([]);
    const ids = async (q: string) => (await claims(q)).map((c) => c.claimId).sort();
    const hyphen = await ids('S-400 contract');
    expect(hyphen.length).toBeGreaterThan(3);
    expect(await ids('S400 contract')).toEqual(hyphen);
    expect(await ids('s 400 contract')).toEqual(hyphen);
    expect(await ids('contract S-400 ')).toEqual(hyphen);
  });

  it('combines q with status, subject and entity: each narrows the ranked list to the claims that pass it', async () => {
    const all = await claims('date');
    expect(all.length).toBeGreaterThan(3);
    for (const status of ['settled', 'revised', 'contested']) {
      const only = await claims('date', `&status=${status}`);
      expect(only.map((c) => c.claimId)).toEqual(all.filter((c) => c.status === status).map((c) => c.claimId));
    }
    const irigc = await claims('date', '&subject=IRIGC');
    expect(irigc.length).toBeGreaterThan(0);
    expect(irigc.map((c) => c.claimId)).toEqual(all.filter((c) => c.subject.includes('IRIGC')).map((c) => c.claimId));
    const belousov = await claims('date', '&entity=Andrey%20Belousov');
    expect(belousov.length).toBeGreaterThan(0);
    expect(belousov.every((c) => all.some((a) => a.claimId === c.claimId))).toBe(true);
    expect(belousov.length).toBeLessThan(all.length);
  });

  it('filters the unranked list (changes first) by subject and entity words', async () => {
    const list = (await find('limit=500')).items;
    const bySubject = (await find('subject=S400&limit=500')).items;
    expect(bySubject.map((c) => c.claimId)).toEqual(list.filter((c) => c.subject.includes('S-400')).map((c) => c.claimId));
    expect(bySubject.every((c) => c.match === undefined)).toBe(true);
    const byEntity = (await find('entity=belousov&limit=500')).items;
    expect(byEntity.length).toBeGreaterThan(2);
    const withEntity = list.filter((c) => (c as unknown as { entities: { aliases: string[] }[] }).entities.some((e) => e.aliases.includes('Belousov')));
    expect(byEntity.map((c) => c.claimId)).toEqual(withEntity.map((c) => c.claimId));
  });

  it('pages a ranked list by cursor: the pages joined are the whole list, and a new claim does not shift a walk begun before it', async () => {
    const whole = await claims('S-400');
    expect(whole.length).toBeGreaterThan(5);
    const paged: Found[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Found[]; nextCursor: string | null } = await find(`q=S-400&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.items);
      cursor = page.nextCursor;
      // Mid-walk, a claim that matches better than any: the walk goes on as it began.
      if (++pages === 2) {
        const opened = await sut.request({ method: 'POST', url: '/claims', body: { subject: 'S-400 S-400 S-400', predicate: 'S-400', valueType: 'text' } });
        expect(opened.status).toBe(201);
      }
    } while (cursor);
    expect(paged.map((c) => c.claimId)).toEqual(whole.map((c) => c.claimId));
    const again = await claims('S-400');
    expect(again.map((c) => c.subject).indexOf('S-400 S-400 S-400')).toBeLessThan(3);
  });

  it.each([
    ['q=%22%22%22', 'q'],
    ['q=*', 'q'],
    ['q=%28%29%3A%5E', 'q'],
    ['q=S-400&cursor=bm90IGEgY3Vyc29y', 'cursor'],
    ['q=S-400&entity=%2A%2A', 'entity'],
    ['subject=%3A%3A', 'subject'],
  ])('refuses ?%s with a 400 naming %s', async (query, field) => {
    const res = await sut.request({ method: 'GET', url: `/claims?${query}`, as: 'none' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('refuses a cursor from another search, and reads FTS5 syntax as words', async () => {
    const page = await find('q=S-400&limit=1');
    const other = await sut.request({ method: 'GET', url: `/claims?q=deliveries&cursor=${page.nextCursor}`, as: 'none' });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].field).toBe('cursor');
    for (const q of ['NEAR(S-400 deliveries)', 'subject:S-400', '"S-400 deliveries', 'S-400 AND OR NOT deliveries*', '^S-400 -deliveries']) {
      const res = await sut.request({ method: 'GET', url: `/claims?q=${encodeURIComponent(q)}`, as: 'none' });
      expect([q, res.status]).toEqual([q, 200]);
    }
    expect((await claims('subject:remaining deliveries'))).toEqual([]);
    expect((await claims('"S-400 deliveries'))[0]!.predicate).toBe('remaining deliveries due');
  });

  it('gives the intake matcher candidate claims for a passage of an article, from the same index', () => {
    const read = sut.app.get(Projections).claimState;
    const passage = ['Moscow has assured New Delhi that the remaining S-400 systems will be supplied by September 2026.', 'Russia reaffirms support for India'];
    const found = read.candidates(passage, 10);
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThanOrEqual(10);
    expect(found.slice(0, 3).map((c) => c.predicate)).toContain('remaining deliveries due');
    expect(read.candidates(['zeppelin airship'], 10)).toEqual([]);
  });

  it('treats a blank q as no search: the list, changes first', async () => {
    expect((await find('q=%20%20&limit=500')).items.map((c) => c.claimId)).toEqual((await find('limit=500')).items.map((c) => c.claimId));
  });
});
