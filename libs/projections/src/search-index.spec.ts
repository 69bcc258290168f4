import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDate, parseValue, type ClaimEvent } from '#domain';
import { foldClaim, type ClaimFold } from './claim-view.js';
import { CLAIM_INDEX, claimDocument, SearchIndex, SOURCE_INDEX, sourceDocument, type ClaimDocument, type SearchQuery } from './search-index.js';

const dir = mkdtempSync(join(tmpdir(), 'claimline-search-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A claims index in a fresh SQLite file, ranking `window` rows at a time, weighing words within `rankBudget` rows. */
function claimIndex(window?: number, rankBudget?: number): { db: Database.Database; index: SearchIndex<typeof CLAIM_INDEX> } {
  const db = new Database(join(dir, `index-${files++}.sqlite`));
  // Durability is not under test here, and a property test makes many files.
  db.pragma('synchronous = OFF');
  return { db, index: new SearchIndex(db, CLAIM_INDEX, { window, rankBudget }) };
}

const doc = (fields: Partial<ClaimDocument>): ClaimDocument => ({
  subject: '', predicate: '', entities: '', value_words: '', description: '', quotes: '', status: 'settled', ...fields,
});

/** Every page of a search, walked by cursor; `query` is read again for each page, as a request does. */
function walk(index: SearchIndex<typeof CLAIM_INDEX>, query: SearchQuery | (() => SearchQuery), limit: number, between?: (page: number) => void): string[] {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    const { hits, nextCursor } = index.search(typeof query === 'function' ? query() : query, { limit, cursor });
    expect(hits.length).toBeLessThanOrEqual(limit);
    keys.push(...hits.map((h) => h.key));
    if (nextCursor === null) return keys;
    cursor = nextCursor;
    between?.(page);
  }
}

describe(SearchIndex.name, () => {
  it('finds a claim by any of its words, ranked by where they stand, and marks them', () => {
    const { index } = claimIndex();
    index.put(1, 'quote-only', doc({ subject: 'Russian arms', predicate: 'cause of delays', quotes: 'the remaining deliveries slipped' }));
    index.put(2, 'named', doc({ subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', quotes: 'supplied by September 2026' }));
    for (let i = 3; i <= 8; i++) index.put(i, `unrelated-${i}`, doc({ subject: 'US tariffs', predicate: 'total rate announced' }));
    const { hits, nextCursor } = index.search(index.query('deliveries remaining')!, { limit: 10 });
    expect(nextCursor).toBeNull();
    expect(hits.map((h) => h.key)).toEqual(['named', 'quote-only']);
    expect(hits[0]!.match.score).toBeGreaterThan(hits[1]!.match.score);
    expect(hits[0]!.match.fields).toEqual([{ field: 'predicate', parts: [{ text: 'remaining', hit: true }, { text: ' ' }, { text: 'deliveries', hit: true }, { text: ' due' }] }]);
    expect(hits[1]!.match.fields.map((f) => f.field)).toEqual(['quotes']);
  });

  it('rewrites a document in place and removes it', () => {
    const { index } = claimIndex();
    index.put(7, 'c', doc({ subject: 'Vladivostok' }));
    index.put(7, 'c', doc({ subject: 'Nashik' }));
    expect(index.search(index.query('Vladivostok')!, { limit: 5 }).hits).toEqual([]);
    expect(index.search(index.query('Nashik')!, { limit: 5 }).hits.map((h) => h.key)).toEqual(['c']);
    index.remove(7);
    expect(index.search(index.query('Nashik')!, { limit: 5 }).hits).toEqual([]);
  });

  it('weighs a changed claim above a settled one that matches as well, and filters by status and field', () => {
    const { index } = claimIndex();
    index.put(1, 'settled', doc({ subject: 'IRIGC session', predicate: 'date held' }));
    index.put(2, 'revised', doc({ subject: 'IRIGC session', predicate: 'date held', status: 'revised' }));
    index.put(3, 'other', doc({ subject: 'summit', predicate: 'date held', status: 'contested' }));
    expect(index.search(index.query('IRIGC date')!, { limit: 5 }).hits.map((h) => h.key)).toEqual(['revised', 'settled']);
    const statusOnly = index.query('date', [{ column: 'status', value: 'contested', param: 'status' }])!;
    expect(index.search(statusOnly, { limit: 5 }).hits.map((h) => h.key)).toEqual(['other']);
    const subjectOnly = index.query('date', [{ column: 'subject', value: 'irigc', param: 'subject' }])!;
    expect(index.search(subjectOnly, { limit: 5 }).hits.map((h) => h.key).sort()).toEqual(['revised', 'settled']);
    // The words of q are never looked for in the status column.
    expect(index.search(index.query('revised')!, { limit: 5 }).hits).toEqual([]);
  });

  it('refuses words that hold nothing to look for, naming the parameter they came in', () => {
    const { index } = claimIndex();
    expect(() => index.query('"*"')).toThrow(expect.objectContaining({ kind: 'invalid', field: 'q' }));
    expect(() => index.query('x', [{ column: 'entities', value: '::', param: 'entity' }])).toThrow(expect.objectContaining({ field: 'entity' }));
    expect(index.query(undefined)).toBeNull();
  });

  it('refuses a cursor it did not give out, or gave out for another search', () => {
    const { index } = claimIndex();
    for (let i = 1; i <= 3; i++) index.put(i, `c${i}`, doc({ subject: `S-400 ${i}` }));
    const { nextCursor } = index.search(index.query('S-400')!, { limit: 1 });
    expect(nextCursor).not.toBeNull();
    expect(() => index.search(index.query('S-400 1')!, { limit: 1, cursor: nextCursor! })).toThrow(expect.objectContaining({ field: 'cursor' }));
    for (const cursor of ['', 'x', Buffer.from('{"hi":1}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      expect(() => index.search(index.query('S-400')!, { limit: 1, cursor })).toThrow(expect.objectContaining({ kind: 'invalid', field: 'cursor' }));
    }
  });

  it('ranks a window of the newest matches at a time, and its pages joined are every match once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ words: fc.subarray(['alpha', 'beta', 'gamma', 'delta'], { minLength: 1 }), repeat: fc.integer({ min: 1, max: 3 }), changed: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        (rows, window, limit) => {
          const { db, index } = claimIndex(window);
          rows.forEach((r, i) => index.put(i + 1, `k${i + 1}`, doc({ quotes: r.words.flatMap((w) => Array(r.repeat).fill(w)).join(' '), status: r.changed ? 'revised' : 'settled' })));
          const query = index.query('alpha')!;
          const matching = rows.flatMap((r, i) => (r.words.includes('alpha') ? [i + 1] : []));
          const keys = walk(index, query, limit);
          expect(keys.sort()).toEqual(matching.map((id) => `k${id}`).sort());
          // Newest window first: every match of a window is newer than every match of the next.
          const windowed = walk(index, query, window);
          const windowsOf = (ids: number[]) => Array.from({ length: Math.ceil(ids.length / window) }, (_, w) => ids.slice(w * window, (w + 1) * window));
          const expected = windowsOf([...matching].reverse()).map((ids) => ids.map((id) => `k${id}`).sort());
          expect(windowsOf(windowed.map((k) => Number(k.slice(1)))).map((ids) => ids.map((id) => `k${id}`).sort())).toEqual(expected);
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps a walk as it began when rows are written between its pages: newer rows stay out, no row is sent twice or skipped', () => {
    const { index } = claimIndex(8);
    // A word a fifth of the rows hold: bm25 weighs it by that share, so every write moves every score.
    for (let i = 1; i <= 150; i++) index.put(i, `k${i}`, doc({ quotes: i % 5 === 0 ? `alpha ${'beta '.repeat(i % 7)}` : 'gamma' }));
    const query = index.query('alpha')!;
    const before = walk(index, query, 3);
    expect(before).toHaveLength(30);
    let next = 151;
    const during = walk(index, () => index.query('alpha')!, 3, (page) => {
      index.put(next, `k${next}`, doc({ quotes: page % 2 ? 'alpha alpha alpha' : 'gamma gamma' }));
      next += 1;
    });
    expect(during).toEqual(before);
  });

  it('matches a word half the rows hold but does not rank by it: bm25 gives it no weight, and weighing it is a pass over them all', () => {
    const { index } = claimIndex();
    for (let i = 1; i <= 12; i++) index.put(i, `k${i}`, doc({ subject: `India claim ${i}`, quotes: i % 4 === 0 ? 'Belousov Belousov' : i === 6 ? 'Belousov' : '', status: i === 6 ? 'revised' : 'settled' }));
    const both = index.query('India Belousov')!;
    expect(both.ranked).toEqual([false, true]);
    // Ranked by Belousov alone: named twice weighs more than once; the revised claim 1.25 times.
    const hits = index.search(both, { limit: 10 }).hits;
    expect(hits.map((h) => h.key).sort()).toEqual(['k12', 'k4', 'k6', 'k8']);
    expect(hits.map((h) => h.match.score)).toEqual([...hits.map((h) => h.match.score)].sort((a, b) => b - a));
    expect(hits.at(-1)!.key).toBe('k6');
    // Nothing ranked: what changed first, then the newest.
    const india = index.query('India')!;
    expect(india.ranked).toEqual([false]);
    expect(index.search(india, { limit: 4 }).hits.map((h) => [h.key, h.match.score])).toEqual([['k6', 1.25], ['k12', 1], ['k11', 1], ['k10', 1]]);
  });

  it('weighs the rarest words within its budget of rows, a phrase (a designation is one) costing five times its rows', () => {
    const { index } = claimIndex(undefined, 35);
    for (let i = 1; i <= 100; i++) {
      index.put(i, `k${i}`, doc({ subject: i <= 4 ? 'S-400 contract' : 'Su-30MKI licence', quotes: i <= 10 ? 'remaining deliveries' : i <= 30 ? 'deliveries' : '' }));
    }
    // S-400: 4 rows, a phrase: 20. remaining: 10 rows. deliveries: 30 rows. Su-30MKI: most rows.
    expect(index.query('S-400 remaining')!.ranked).toEqual([true, true]);
    expect(index.query('S-400 deliveries')!.ranked).toEqual([true, false]);
    expect(index.query('deliveries remaining')!.ranked).toEqual([false, true]);
    expect(index.query('"remaining deliveries"')!.ranked).toEqual([false]);
    expect(index.query('Su-30MKI')!.ranked).toEqual([false]);
  });

  it('ranks a walk by the words its first page ranked, however common they become', () => {
    const { index } = claimIndex(8);
    // Newer rows are longer: bm25 ranks the window's rows against their age.
    for (let i = 1; i <= 40; i++) index.put(i, `k${i}`, doc({ quotes: i % 4 === 0 ? `alpha ${'beta '.repeat(i)}` : 'gamma' }));
    const query = index.query('alpha')!;
    expect(query.ranked).toEqual([true]);
    const before = walk(index, query, 2);
    const during = walk(index, () => index.query('alpha')!, 2, (page) => {
      // Older rows take up alpha: it is soon held by more than half of them.
      if (page === 0) for (let i = 1; i <= 15; i++) if (i % 4 !== 0) index.put(i, `k${i}`, doc({ quotes: 'alpha' }));
    });
    expect(index.query('alpha')!.ranked).toEqual([false]);
    expect(new Set(during).size).toBe(during.length);
    // Every row that held alpha from the start is sent once; the rows that took it up on the way may be too.
    expect(during.filter((k) => before.includes(k))).toEqual(before);
  });

  it('finds candidates for a passage by its telling words, leaving out those most rows hold', () => {
    const { index } = claimIndex();
    for (let i = 1; i <= 20; i++) index.put(i, `india-${i}`, doc({ subject: `India claim ${i}`, entities: 'India' }));
    index.put(21, 'belousov', doc({ subject: "Russia's Defence Minister", predicate: 'name as spelled', entities: 'India ; Andrei Belousov ; Andrey Belousov' }));
    index.put(22, 's400', doc({ subject: 'S-400 contract', predicate: 'remaining deliveries due', entities: 'India' }));
    const found = index.candidates(['Defence Minister Andrey Belousov met Indian officials in India about S400 deliveries.'], 5);
    expect(found.map((h) => h.key)).toEqual(expect.arrayContaining(['belousov', 's400']));
    expect(found).toHaveLength(2);
    expect(index.candidates(['India India'], 5)).toEqual([]);
    expect(index.candidates([], 5)).toEqual([]);
  });

  it('counts the words of candidates again once the index is written: a word no row held finds the row that now does', () => {
    const { index } = claimIndex();
    for (let i = 1; i <= 20; i++) index.put(i, `india-${i}`, doc({ subject: `India claim ${i}`, entities: 'India' }));
    const passage = ['The Zeppelin contract with India was signed in 2024.'];
    expect(index.candidates(passage, 5)).toEqual([]);

    index.put(21, 'zeppelin', doc({ subject: 'Zeppelin contract', predicate: 'signed in' }));
    expect(index.candidates(passage, 5).map((h) => h.key)).toEqual(['zeppelin']);
    index.remove(21);
    expect(index.candidates(passage, 5)).toEqual([]);
  });
});

describe(claimDocument.name, () => {
  const ctx = (position: number) => ({ revision: position, position, recordedAt: '2025-12-06T00:00:00Z', actor: 'test' });
  const assertion = (assertionId: string, exact: string, text: string): ClaimEvent => ({
    type: 'claimline.assertion-recorded',
    data: {
      claimId: 'c', assertionId, sourceId: 's', sourceTextVersion: 1,
      quote: { exact, prefix: '', suffix: '', start: 0, end: exact.length },
      value: parseValue({ type: 'text', text }), saidAt: parseDate('2025-12-04'), speaker: 'TASS', modality: 'reported',
    },
  });
  const events: ClaimEvent[] = [
    {
      type: 'claimline.claim-opened',
      data: { claimId: 'c', subject: "Russia's Defence Minister", predicate: 'name as spelled', valueType: 'text', description: 'Spelt two ways \uE000', entities: [{ name: 'Andrei Belousov', aliases: ['Andrey Belousov'] }] },
    },
    assertion('a1', 'Defence Minister Andrei Belousov said', 'Andrei Belousov'),
    assertion('a2', 'minister Andrey Belousov', 'Andrey Belousov'),
    { type: 'claimline.assertion-retracted', data: { claimId: 'c', assertionId: 'a2', kind: 'recorded-in-error', reason: 'wrong article' } },
  ];
  const fold = events.reduce<ClaimFold | null>((f, e, i) => foldClaim(f, e, ctx(i)), null)!;

  it('holds what names the claim and the quotes and values of its live assertions only', () => {
    expect(claimDocument(fold, 'settled')).toEqual({
      subject: "Russia's Defence Minister",
      predicate: 'name as spelled',
      entities: 'Andrei Belousov ; Andrey Belousov',
      value_words: 'Andrei Belousov',
      description: 'Spelt two ways  ',
      quotes: 'Defence Minister Andrei Belousov said',
      status: 'settled',
    });
  });
});

describe(sourceDocument.name, () => {
  it('holds the title, publisher, author and text; none of them may carry the hit markers', () => {
    expect(sourceDocument({ title: 'A \uE000title\uE001', publisher: null, author: 'S. B.', text: 'body' })).toEqual({ title: 'A  title ', publisher: '', author: 'S. B.', text: 'body' });
    const db = new Database(join(dir, 'sources.sqlite'));
    const index = new SearchIndex(db, SOURCE_INDEX);
    index.put(1, 's', sourceDocument({ title: 'A \uE000title\uE001', publisher: null, author: null, text: 'body' }));
    expect(index.search(index.query('title')!, { limit: 1 }).hits[0]!.match.fields).toEqual([{ field: 'title', parts: [{ text: 'A  ' }, { text: 'title', hit: true }, { text: ' ' }] }]);
  });
});
