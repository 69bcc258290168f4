import Database from 'better-sqlite3';
import fc from 'fast-check';
import { anyOfWords, searchTerms } from './search-query.js';

/** A real FTS5 table tokenized as the read models' index is. */
function index(rows: string[]): (q: string) => string[] {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, tokenize = "porter unicode61 remove_diacritics 2")`);
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (const row of rows) insert.run(row);
  const match = db.prepare('SELECT body FROM t WHERE t MATCH ? ORDER BY rank');
  return (q) => {
    const { expression } = searchTerms(q);
    return expression === null ? [] : (match.all(expression) as { body: string }[]).map((r) => r.body);
  };
}

describe(searchTerms.name, () => {
  const search = index([
    'S-400 contract of 2018 remaining deliveries due',
    'S400 batteries stationed in Punjab',
    'Andrei Belousov Andrey Belousov defence minister',
    'Sukhoi Su-30MKI licence production in Nashik',
    'Intergovernmental Commission: 22nd session date held in New Delhi',
    'Béla Tarr retrospective',
  ]);

  it.each([
    ['S-400 deliveries', 'S-400 contract of 2018 remaining deliveries due'],
    ['delivery S-400', 'S-400 contract of 2018 remaining deliveries due'],
    ['deliv', 'S-400 contract of 2018 remaining deliveries due'],
    ['andrey BELOUSOV', 'Andrei Belousov Andrey Belousov defence minister'],
    ['su30mki', 'Sukhoi Su-30MKI licence production in Nashik'],
    ['"session date held"', 'Intergovernmental Commission: 22nd session date held in New Delhi'],
    ['bela', 'Béla Tarr retrospective'],
  ])('%s finds the row that says it', (q, expected) => {
    expect(search(q)[0]).toBe(expected);
  });

  it('finds a designation however it is written, in the text and in the query', () => {
    for (const q of ['S400', 'S-400', 's 400', 'S‑400']) {
      expect(search(q).sort()).toEqual(['S-400 contract of 2018 remaining deliveries due', 'S400 batteries stationed in Punjab']);
    }
  });

  it('reads a quoted phrase in order and loose words in any order', () => {
    expect(search('"deliveries remaining"')).toEqual([]);
    expect(search('deliveries remaining')).toEqual(['S-400 contract of 2018 remaining deliveries due']);
  });

  it('takes the last word as a prefix only while it is being typed, and not a single letter', () => {
    expect(search('belo')).toHaveLength(1);
    expect(search('belo ')).toEqual([]);
    expect(searchTerms('andrey b').expression).toBe('"andrey" AND "b"');
    expect(searchTerms('andrey be').expression).toBe('"andrey" AND "be"*');
  });

  it('reads FTS5 operators and column filters as plain words', () => {
    expect(searchTerms('NEAR(a b)').expression).toBe('"near" AND "b"');
    expect(searchTerms('body:minister').expression).toBe('"body" AND "minister"*');
    expect(search('body:minister')).toEqual([]);
    expect(searchTerms('*').expression).toBeNull();
    expect(searchTerms('  "  ').expression).toBeNull();
  });

  it('gives SQLite an expression it accepts for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('"', '*', '(', ')', ':', '-', '^', 'a', 'S', '4', ' ', 'é', 'N', 'E', 'A', 'R', '+') })), (q) => {
        expect(() => search(q)).not.toThrow();
      }),
    );
  });
});

describe(anyOfWords.name, () => {
  it('gives each distinct word of a passage as a term of its own, without stopwords or prefixes', () => {
    expect(anyOfWords(['The S-400 deliveries of the S-400', 'and Belousov.'])).toEqual(['("s 400" OR "s400")', '"deliveries"', '"belousov"']);
    expect(anyOfWords(['"NEAR(" * : ^'])).toEqual(['"near"']);
  });
});
