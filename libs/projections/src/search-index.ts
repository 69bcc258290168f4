import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { DomainError, type ClaimStatus } from '#domain';
import { isLiveAssertion, type ClaimFold } from './claim-view.js';
import { unknownCursor } from './paging.js';
import { anyOfWords, searchTerms } from './search-query.js';

/**
 * The full-text index of one read-model file: an SQLite FTS5 table whose rows are documents (a
 * claim's or a source's words), written by the projection in the same transaction as the rows they
 * describe, and searched with bm25 ranking and highlighted passages.
 */

/** One searched column: its weight in bm25, and whether a hit shows the whole text or a passage around it. */
export interface SearchField {
  readonly name: string;
  readonly weight: number;
  readonly shown: 'whole' | 'passage';
}

export interface SearchIndexSpec {
  readonly table: string;
  readonly fields: readonly SearchField[];
  /** Columns holding one keyword each (a claim's status): filtered on, never searched by the words of `q`. */
  readonly keywords: readonly string[];
  /** Rows holding one of these keywords in `column` weigh `factor` times their bm25 score. */
  readonly boost?: { readonly column: string; readonly words: readonly string[]; readonly factor: number };
}

/**
 * What names a claim weighs most. Value words weigh more than quotes: "Andrey Belousov" as a
 * recorded value is what the claim is about, the same words in a quote may be an aside. Entities
 * weigh as little as quotes: they tag every claim that concerns someone, not only those about them.
 * Chosen on test/search/cases.json (every case passes with entities at 1 and the boost anywhere from
 * 1.1 to 1.35, whatever the other weights between 6 and 10, 2 and 6, 1 and 2).
 */
export const CLAIM_INDEX = {
  table: 'claim_search',
  fields: [
    { name: 'subject', weight: 8, shown: 'whole' },
    { name: 'predicate', weight: 8, shown: 'whole' },
    { name: 'entities', weight: 1, shown: 'passage' },
    { name: 'value_words', weight: 3, shown: 'whole' },
    { name: 'description', weight: 2, shown: 'passage' },
    { name: 'quotes', weight: 1, shown: 'passage' },
  ],
  keywords: ['status'],
  // What changed is what a fact-checker searches for (the list leads with it too): a claim whose
  // value moved or is disputed ranks above a settled one that matches about as well.
  boost: { column: 'status', words: ['contested', 'revised'], factor: 1.25 },
} as const satisfies SearchIndexSpec;

export const SOURCE_INDEX = {
  table: 'source_search',
  fields: [
    { name: 'title', weight: 8, shown: 'whole' },
    { name: 'publisher', weight: 4, shown: 'whole' },
    { name: 'author', weight: 4, shown: 'whole' },
    { name: 'text', weight: 1, shown: 'passage' },
  ],
  keywords: [],
} as const satisfies SearchIndexSpec;

type ColumnOf<S extends SearchIndexSpec> = S['fields'][number]['name'] | S['keywords'][number];
export type SearchDocument<S extends SearchIndexSpec> = Record<ColumnOf<S>, string>;
export type ClaimDocument = SearchDocument<typeof CLAIM_INDEX>;
export type SourceDocument = SearchDocument<typeof SOURCE_INDEX>;

/** Marks a hit in FTS5's highlight and snippet output: private-use characters, removed from every document. */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKERS = /[\uE000\uE001]/g;
const SEPARATOR = ' ; ';
const PASSAGE_TOKENS = 16;

/**
 * bm25 is computed for every row a query ranks, so a common word in a large archive (tens of
 * thousands of claims) is ranked a window at a time: the newest RANK_WINDOW matching rows, then the
 * next RANK_WINDOW, and so on. A query with fewer matches than this is ranked as a whole.
 */
export const RANK_WINDOW = 1024;

const clean = (text: string | null | undefined): string => (text ?? '').replace(MARKERS, ' ');

/** A claim's words: what names it, and the quotes and values of the assertions still on the record. */
export function claimDocument(fold: ClaimFold, status: ClaimStatus): ClaimDocument {
  const live = fold.assertions.filter(isLiveAssertion);
  return {
    subject: clean(fold.subject),
    predicate: clean(fold.predicate),
    entities: clean(fold.entities.map((e) => [e.name, ...e.aliases].join(SEPARATOR)).join(SEPARATOR)),
    value_words: clean([...new Set(live.map((a) => a.value.text))].join(SEPARATOR)),
    description: clean(fold.description),
    quotes: clean([...new Set(live.map((a) => a.quote.exact))].join(' … ')),
    status,
  };
}

export function sourceDocument(source: { title: string; publisher: string | null; author: string | null; text: string }): SourceDocument {
  return { title: clean(source.title), publisher: clean(source.publisher), author: clean(source.author), text: clean(source.text) };
}

/** A condition on one column, from the query parameter `param` (named when its words are refused). */
export interface SearchFilter<S extends SearchIndexSpec> {
  column: ColumnOf<S>;
  value: string | undefined;
  param: string;
}

/** A piece of a field's text; `hit` marks the words the query matched. */
export interface MatchPart {
  text: string;
  hit?: true;
}

/** Why a row was found: its relevance and every field the query matched, with the hits marked. */
export interface SearchMatch {
  /**
   * bm25 relevance, higher is better, comparable within one query only; 1 (1.25 for a boosted row)
   * when none of the words is ranked (each is held by too many rows to tell them apart).
   */
  score: number;
  /** Whole short fields (a claim's subject), passages of long ones (its quotes), each with its hits. */
  fields: { field: string; parts: MatchPart[] }[];
}

export interface SearchHit {
  key: string;
  rowid: number;
  match: SearchMatch;
}

/**
 * What to look for: `match` selects the rows (every word of `q`, and the filters); the words of `q`
 * are ranked by bm25, but for those `ranked` leaves out.
 */
export interface SearchQuery {
  match: string;
  /** The parts of `q`, each searched in every field. */
  terms: string[];
  /** Per term, whether bm25 weighs it (see `query`). */
  ranked: boolean[];
}

/** Which part of the ranked order a cursor continues: a window of rowids, and the last row sent in it. */
interface Resume {
  /** The query the cursor was made for (a cursor of another query is refused). */
  e: string;
  /** Which terms were ranked on the first page (kept for the whole walk). */
  k: string;
  hi: number;
  /** -1: the window reaches the oldest row. */
  lo: number;
  /** The last row sent and its score when sent. */
  r: number;
  s: number;
}

interface Ranked {
  id: number;
  score: number;
}

const NO_LOWER_BOUND = -1;
/** Lengths of the prefixes indexed: a longer word being typed has few completions. */
const PREFIX_LENGTHS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/**
 * The FTS rowid of a row is its caller's rowid times two, plus one when the row is boosted: ranking
 * reads the boost from the rowid it already has, with no lookup, and the rows keep their order.
 */
const ftsRowid = (rowid: number, boosted: boolean): number => rowid * 2 + (boosted ? 1 : 0);

/**
 * Weighing a word in bm25 is a pass over every row that holds it. So a query weighs its rarest words
 * only, as long as the rows holding them add up to RANK_BUDGET at most (a phrase's rows count
 * PHRASE_COST times: word positions are checked in each; a designation such as S-400 is the phrase
 * `s 400`); the other words are matched but not ranked. A word that half the rows hold is never
 * ranked: bm25 gives it no weight (FTS5 floors its IDF). How many rows hold a word is estimated on
 * its newest SHARE_SAMPLE matches.
 */
export const RANK_BUDGET = 16_000;
const PHRASE_COST = 5;
const UNRANKED_SHARE = 0.5;
const SHARE_SAMPLE = 64;
/** Shares below this are read as this (the rows counted to estimate one stay few). */
const MIN_SHARE = 0.005;

/**
 * Search and upkeep of one FTS5 table in one read-model connection: an instance creates the table
 * in a file that has none and prepares its statements on the connection it is given.
 */
export class SearchIndex<S extends SearchIndexSpec> {
  private readonly columns: string[];
  private readonly searched: string;
  private readonly put_: Database.Statement;
  private readonly remove_: Database.Statement<[number]>;
  private readonly ranked: { all: Database.Statement; some: Database.Statement; none: Database.Statement };
  private readonly shown: Database.Statement;
  private readonly counted: Database.Statement<[string, number]>;
  /**
   * What `candidates` counted (the rows, and the rows holding each word), kept until the index is
   * written again: an article's passages share most of their words, and counting the rows of a
   * common one is a pass over thousands of them.
   */
  private counts: { documents: number; rows: Map<string, number> } | undefined;
  private readonly newestMatches: Database.Statement<[string, number]>;
  private readonly rowsSince: Database.Statement<[number, number]>;
  private readonly documents: Database.Statement<[]>;

  /** Creates the FTS5 table of `spec` in a file that has none. */
  private static create(db: Database.Database, spec: SearchIndexSpec): void {
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(spec.table) !== undefined) return;
    const columns = [...spec.fields.map((f) => f.name), ...spec.keywords];
    // Stemming (porter), case and diacritics folded on both sides. Prefix indexes keep a word
    // being typed ("del", "delhi", "contract") one lookup instead of a merge of the lists of every
    // term it begins, which FTS5 makes in full (100k claims: 0.1 ms instead of 2–11 ms, for an index
    // two thirds bigger).
    db.exec(`CREATE VIRTUAL TABLE ${spec.table} USING fts5(key UNINDEXED, ${columns.join(', ')},
      tokenize = "porter unicode61 remove_diacritics 2", prefix = '${PREFIX_LENGTHS.join(' ')}')`);
    const weights = [0, ...spec.fields.map((f) => f.weight), ...spec.keywords.map(() => 0)];
    db.prepare(`INSERT INTO ${spec.table} (${spec.table}, rank) VALUES ('rank', ?)`).run(`bm25(${weights.join(', ')})`);
  }

  private readonly window: number;
  private readonly rankBudget: number;

  /** `window` (RANK_WINDOW) and `rankBudget` (RANK_BUDGET): tests use less. */
  constructor(
    db: Database.Database,
    private readonly spec: S,
    { window = RANK_WINDOW, rankBudget = RANK_BUDGET }: { window?: number; rankBudget?: number } = {},
  ) {
    SearchIndex.create(db, spec);
    this.window = window;
    this.rankBudget = rankBudget;
    const t = spec.table;
    this.columns = [...spec.fields.map((f) => f.name), ...spec.keywords];
    this.searched = `{${spec.fields.map((f) => f.name).join(' ')}}`;
    this.put_ = db.prepare(`INSERT INTO ${t} (rowid, key, ${this.columns.join(', ')}) VALUES (@rowid, @key, ${this.columns.map((c) => `@${c}`).join(', ')})`);
    // One rowid at a time: FTS5 finds `rowid = ?` by its key, but reads `rowid IN (…)` as a scan of every row.
    this.remove_ = db.prepare<[number]>(`DELETE FROM ${t} WHERE rowid = ?`);
    // FTS5 reads a rowid bound by walking the whole doclist, but stops early when it walks in rowid
    // order under a LIMIT: so every query here walks newest first, bounds applied by SQLite (+rowid).
    const boost = `(CASE rowid & 1 WHEN 1 THEN ${spec.boost?.factor ?? 1} ELSE 1 END)`;
    const newest = `${t} MATCH @match AND +rowid BETWEEN @lo AND @hi ORDER BY rowid DESC LIMIT @window`;
    // One statement per page of a window: a first row with the window's extent (the newest
    // `window` matches at or below @hi), then the page, best first, then newest first. Scores move
    // a little whenever the index changes (bm25 weighs a word by how many rows hold it), so a page
    // resumes after the last row's score now, not the one it was sent with.
    const page = (windowed: string, scored: string) =>
      db.prepare(
        `WITH ${windowed}
         SELECT NULL AS id, NULL AS score, (SELECT min(id) FROM w) AS lo, (SELECT max(id) FROM w) AS top, (SELECT count(*) FROM w) AS n
         UNION ALL
         SELECT * FROM (
           SELECT id, score, NULL, NULL, NULL FROM ${scored}
           WHERE @after IS NULL OR (score, -id) > (coalesce((SELECT score FROM ${scored} WHERE id = @after), @afterScore), -@after)
           ORDER BY score, id DESC LIMIT @limit)`,
      );
    this.ranked = {
      all: page(`w AS MATERIALIZED (SELECT rowid AS id, rank * ${boost} AS score FROM ${t} WHERE ${newest})`, 'w'),
      // Ranked by some of the words: the window's rows (which hold them all) picked by rowid.
      some: page(
        `w AS MATERIALIZED (SELECT rowid AS id FROM ${t} WHERE ${newest}),
         m AS MATERIALIZED (SELECT rowid AS id, rank * ${boost} AS score FROM ${t}
           WHERE ${t} MATCH @rank AND +rowid BETWEEN (SELECT min(id) FROM w) AND @hi AND +rowid IN w ORDER BY rowid DESC LIMIT @window)`,
        'm',
      ),
      none: page(`w AS MATERIALIZED (SELECT rowid AS id, -${boost} AS score FROM ${t} WHERE ${newest})`, 'w'),
    };
    const shownColumns = spec.fields.map((f, i) =>
      f.shown === 'whole' ? `highlight(${t}, ${i + 1}, '${OPEN}', '${CLOSE}')` : `snippet(${t}, ${i + 1}, '${OPEN}', '${CLOSE}', '…', ${PASSAGE_TOKENS})`,
    );
    // One pass over the page's rows: a query per row would expand a prefix ("deliv*") into its
    // terms again for each.
    this.shown = db.prepare(
      `SELECT rowid AS id, key, ${shownColumns.join(', ')} FROM ${t}
       WHERE ${t} MATCH @match AND +rowid BETWEEN @lo AND @hi AND +rowid IN (SELECT value FROM json_each(@ids))
       ORDER BY rowid DESC LIMIT @n`,
    ).raw();
    this.counted = db.prepare<[string, number]>(`SELECT count(*) FROM (SELECT 1 FROM ${t} WHERE ${t} MATCH ? LIMIT ?)`).pluck();
    this.newestMatches = db.prepare<[string, number]>(`SELECT min(id) AS oldest, count(*) AS n FROM (SELECT rowid AS id FROM ${t} WHERE ${t} MATCH ? ORDER BY rowid DESC LIMIT ?)`);
    this.rowsSince = db.prepare<[number, number]>(`SELECT count(*) FROM (SELECT 1 FROM ${t}_docsize WHERE id >= ? LIMIT ?)`).pluck();
    this.documents = db.prepare<[]>(`SELECT count(*) FROM ${t}_docsize`).pluck();
  }

  /** Writes (or rewrites) the document of the row `rowid` (a non-negative integer that orders the rows), found again by `key`. */
  put(rowid: number, key: string, document: SearchDocument<S>): void {
    const boost = this.spec.boost;
    const boosted = boost !== undefined && boost.words.includes((document as Record<string, string>)[boost.column]!);
    this.remove(rowid);
    this.put_.run({ rowid: ftsRowid(rowid, boosted), key, ...document });
  }

  remove(rowid: number): void {
    // Every write of the index comes through here (put removes first): what candidates counted is stale.
    this.counts = undefined;
    this.remove_.run(ftsRowid(rowid, false));
    this.remove_.run(ftsRowid(rowid, true));
  }

  /**
   * What to look for when a person typed `q` (searched in every field) with `filters`: words that
   * must occur in one field (a claim's subject) or a keyword (its status). Words that hold nothing
   * to look for are refused naming `q` or the filter's `param`. Null when there is nothing to match.
   */
  query(q: string | undefined, filters: readonly SearchFilter<S>[] = []): SearchQuery | null {
    const parts: string[] = [];
    const terms = q === undefined ? [] : termsOf('q', q);
    if (terms.length > 0) parts.push(`${this.searched} : (${terms.join(' AND ')})`);
    for (const { column, value, param } of filters) {
      if (value === undefined) continue;
      parts.push((this.spec.keywords as readonly string[]).includes(column) ? `${column} : "${value.replace(/"/g, '""')}"` : `${column} : (${termsOf(param, value).join(' AND ')})`);
    }
    if (parts.length === 0) return null;
    return { match: parts.join(' AND '), terms, ranked: this.worthRanking(terms) };
  }

  /** SQL that selects the rowids matching `@<param>` (a query's `match`), for a list that keeps its own order. */
  rowidsMatching(param: string): string {
    return `SELECT rowid >> 1 FROM ${this.spec.table} WHERE ${this.spec.table} MATCH @${param}`;
  }

  /**
   * One page of the rows matching `query`, best first (bm25; ties newest first), with the matched
   * words of each. `cursor` continues a walk this method began for the same query.
   */
  search(query: SearchQuery, { limit, cursor }: { limit: number; cursor?: string }): { hits: SearchHit[]; nextCursor: string | null } {
    const e = digest(query.match);
    const resume = cursor === undefined ? undefined : decodeResume(cursor, e, query.terms.length);
    const k = resume?.k ?? query.ranked.map((r) => (r ? '1' : '0')).join('');
    const rankedTerms = query.terms.filter((_, i) => k[i] === '1');
    const rank = rankedTerms.length === 0 ? null : `${this.searched} : (${rankedTerms.join(' AND ')})`;
    const statement = rank === null ? this.ranked.none : rankedTerms.length === query.terms.length ? this.ranked.all : this.ranked.some;
    // A walk keeps the window it is in: the rows between its bounds (a fresh window has no lower one yet).
    let bounds = resume ? { hi: resume.hi, lo: resume.lo } : { hi: Number.MAX_SAFE_INTEGER, lo: NO_LOWER_BOUND };
    let fresh = !resume;
    let after: Pick<Resume, 'r' | 's'> | null = resume ?? null;
    const rows: (Ranked & { hi: number; lo: number })[] = [];
    for (;;) {
      const [extent, ...found] = statement.all({
        match: query.match, rank: rank ?? undefined, hi: bounds.hi, lo: bounds.lo, window: this.window,
        after: after?.r ?? null, afterScore: after?.s ?? null, limit: limit + 1 - rows.length,
      }) as (Ranked & { lo: number | null; top: number | null; n: number })[];
      if (!extent || extent.n === 0) break;
      if (fresh) bounds = { hi: extent.top!, lo: extent.n < this.window ? NO_LOWER_BOUND : extent.lo! };
      const { hi, lo } = bounds;
      rows.push(...found.map((r) => ({ id: r.id, score: r.score, hi, lo })));
      if (rows.length > limit || lo === NO_LOWER_BOUND) break;
      // This window is used up: the next one holds the older matches.
      bounds = { hi: lo - 1, lo: NO_LOWER_BOUND };
      fresh = true;
      after = null;
    }
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      hits: this.show(query.match, page),
      nextCursor: rows.length > limit && last ? encodeResume({ e, k, hi: last.hi, lo: last.lo, r: last.id, s: last.score }) : null,
    };
  }

  /**
   * The rows that share the most telling of `words` (a passage of an article, say), best first:
   * words most rows hold are left out (they tell no row apart), the rarest `MAX_CANDIDATE_WORDS`
   * are asked for with OR, and the rows ranked by bm25 as `search` ranks them.
   */
  candidates(words: readonly string[], limit: number): SearchHit[] {
    if (this.counts === undefined || this.counts.rows.size > COUNTS_KEPT) this.counts = { documents: this.documents.get() as number, rows: new Map() };
    const { documents: total, rows: counted } = this.counts;
    if (total === 0) return [];
    const common = Math.max(1, Math.floor(total * COMMON_SHARE));
    const telling: { term: string; rows: number }[] = [];
    for (const term of anyOfWords(words)) {
      let rows = counted.get(term);
      if (rows === undefined) counted.set(term, (rows = this.counted.get(`${this.searched} : ${term}`, common + 1) as number));
      if (rows > 0 && rows <= common) telling.push({ term, rows });
    }
    telling.sort((a, b) => a.rows - b.rows);
    const picked = telling.slice(0, MAX_CANDIDATE_WORDS).map((t) => t.term);
    if (picked.length === 0) return [];
    const any = `(${picked.join(' OR ')})`;
    return this.search({ match: `${this.searched} : ${any}`, terms: [any], ranked: [true] }, { limit }).hits;
  }

  /** Which of `terms` bm25 weighs: the rarest, within RANK_BUDGET rows; none that half the rows hold. */
  private worthRanking(terms: readonly string[]): boolean[] {
    const rows = this.documents.get() as number;
    const costs = terms.map((term, i) => {
      const share = this.shareOf(term);
      return { i, cost: share >= UNRANKED_SHARE ? Infinity : share * rows * (/^\(?"[^"]* /.test(term) ? PHRASE_COST : 1) };
    });
    const ranked = terms.map(() => false);
    let spent = 0;
    for (const { i, cost } of costs.sort((a, b) => a.cost - b.cost)) {
      if (spent + cost > this.rankBudget) break;
      spent += cost;
      ranked[i] = true;
    }
    return ranked;
  }

  /**
   * The share of rows holding `term` in a searched field, judged on its newest matches: among the
   * rows since the oldest of them. The windows ranked are the newest matches too, so a word that
   * new rows share tells them apart no better than an old common one.
   */
  private shareOf(term: string): number {
    const { oldest, n } = this.newestMatches.get(`${this.searched} : ${term}`, SHARE_SAMPLE) as { oldest: number | null; n: number };
    if (oldest === null) return 0;
    const most = Math.ceil(n / MIN_SHARE);
    return n / Math.min(most, this.rowsSince.get(oldest, most) as number);
  }

  private show(match: string, page: readonly Ranked[]): SearchHit[] {
    if (page.length === 0) return [];
    const ids = page.map((r) => r.id);
    const shown = new Map<number, unknown[]>();
    for (const row of this.shown.all({ match, lo: Math.min(...ids), hi: Math.max(...ids), ids: JSON.stringify(ids), n: ids.length }) as unknown[][]) {
      shown.set(row[0] as number, row);
    }
    return page.flatMap(({ id, score }) => {
      const row = shown.get(id);
      if (!row) return [];
      const fields = this.spec.fields.flatMap((f, i) => {
        const parts = partsOf(String(row[i + 2] ?? ''));
        return parts.some((p) => p.hit) ? [{ field: f.name, parts }] : [];
      });
      return [{ key: row[1] as string, rowid: Math.floor(id / 2), match: { score: -score, fields } }];
    });
  }
}

/** A word OR'ed into a candidates query is dropped when more than this share of the rows hold it. */
const COMMON_SHARE = 0.2;
/** Words whose rows `candidates` keeps counted at most (then it counts again from none). */
const COUNTS_KEPT = 20_000;
export const MAX_CANDIDATE_WORDS = 12;

function termsOf(field: string, value: string): string[] {
  const { terms } = searchTerms(value);
  if (terms.length === 0) throw new DomainError('invalid', `${field} holds no word to search for: give letters or digits`, field);
  return terms;
}

function partsOf(marked: string): MatchPart[] {
  const parts: MatchPart[] = [];
  for (const [i, piece] of marked.split(OPEN).entries()) {
    const close = piece.indexOf(CLOSE);
    if (i === 0 || close < 0) {
      if (piece) parts.push({ text: piece.replace(MARKERS, '') });
      continue;
    }
    parts.push({ text: piece.slice(0, close), hit: true });
    if (close + 1 < piece.length) parts.push({ text: piece.slice(close + 1) });
  }
  return parts;
}

const digest = (expression: string): string => createHash('sha256').update(expression).digest('base64url').slice(0, 10);

function encodeResume(resume: Resume): string {
  return Buffer.from(JSON.stringify(resume)).toString('base64url');
}

function decodeResume(cursor: string, e: string, terms: number): Resume {
  let resume: Partial<Resume> | undefined;
  try {
    resume = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Partial<Resume>;
  } catch {
    resume = undefined;
  }
  const numbers = resume && [resume.hi, resume.lo, resume.r, resume.s].every((n) => typeof n === 'number' && Number.isFinite(n));
  const ranked = typeof resume?.k === 'string' && new RegExp(`^[01]{${terms}}$`).test(resume.k);
  if (!resume || !numbers || !ranked) throw unknownCursor(cursor);
  if (resume.e !== e) throw new DomainError('invalid', 'the cursor belongs to another search: page with the same q and filters that gave it', 'cursor');
  return resume as Resume;
}
