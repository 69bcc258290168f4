import { LRUCache } from 'lru-cache';
import type Database from 'better-sqlite3';
import { ClaimFoldModel } from './claim-folds.js';
import { stateOf, type ClaimStateView } from './claim-view.js';
import { unknownCursor, type Page } from './paging.js';
import type { OpenOptions, Projection } from './projection.js';
import { CLAIM_INDEX, claimDocument, SearchIndex, type SearchMatch } from './search-index.js';

export interface ClaimFilter {
  /** Words as a person types them: ranked by relevance, each claim with its `match`. */
  q?: string;
  /** Words in the subject. */
  subject?: string;
  /** Words of an entity's name or alias. */
  entity?: string;
  status?: string;
  cursor?: string;
  limit: number;
}

/** A claim found by `q`, with why it was found. */
export type FoundClaim = ClaimStateView & { match?: SearchMatch };

/** The claims list leads with what changed: contested, then revised, then settled (an indexed expression). */
const CLAIM_RANK_SQL = "(CASE status WHEN 'contested' THEN 0 WHEN 'revised' THEN 1 ELSE 2 END)";
const CLAIM_RANKS: Readonly<Record<string, number>> = { contested: 0, revised: 1, settled: 2 };

/** claim-state: per claim, its current value, status, counts and last change (claim-view.ts `stateOf`). */
export const claimStateProjection: Projection<ClaimStateModel> = {
  name: 'claim-state',
  // 6: the claims' words in a full-text index (search-index.ts); the list leads with what changed.
  // 7: the claims with a verdict are marked and indexed (the ClaimReview export reads only those).
  version: 7,
  handles: ['claimline.claim-opened', 'claimline.assertion-recorded', 'claimline.assertion-corrected', 'claimline.assertion-retracted', 'claimline.verdict-recorded'],
  buildReads: ['claimline.claim-opened'],
  open: (db, options) => new ClaimStateModel(db, options),
};

/**
 * Live claim states recently read, kept as the stored JSON's bytes: at most this many, and at most
 * this many bytes between them (a state is 0.6-2 KB; one of a claim with hundreds of assertions is
 * still far below the bound, whose part it is to stop a few huge ones from holding the memory).
 */
const CACHED_STATES = 10_000;
const CACHED_STATE_BYTES = 32 * 1024 * 1024;

export class ClaimStateModel extends ClaimFoldModel {
  private readonly put: Database.Statement<[string, number, string, string, number, string, string, number]>;
  private readonly stateOfClaim: Database.Statement<[string], Buffer>;
  /**
   * Recently read states, as stored. `apply` drops a claim's entry in the same synchronous step that
   * rewrites its row, so a hit is always the stored row.
   */
  private readonly cache = new LRUCache<string, Buffer>({ max: CACHED_STATES, maxSize: CACHED_STATE_BYTES, sizeCalculation: (state) => Math.min(state.length, CACHED_STATE_BYTES) });
  private readonly listed = new Map<string, Database.Statement>();
  private readonly search: SearchIndex<typeof CLAIM_INDEX>;

  constructor(
    private readonly db: Database.Database,
    options: OpenOptions,
  ) {
    super(options);
    db.exec(`CREATE TABLE IF NOT EXISTS claims (
        claim_id TEXT PRIMARY KEY, opened_position INTEGER NOT NULL, subject TEXT NOT NULL, status TEXT NOT NULL,
        revision INTEGER NOT NULL, last_change_at TEXT NOT NULL, state TEXT NOT NULL, has_verdict INTEGER NOT NULL)`);
    if (options.built) this.finishBuild();
    this.put = db.prepare(
      `INSERT INTO claims (claim_id, opened_position, subject, status, revision, last_change_at, state, has_verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (claim_id) DO UPDATE SET subject = excluded.subject, status = excluded.status, revision = excluded.revision,
         last_change_at = excluded.last_change_at, state = excluded.state, has_verdict = excluded.has_verdict`,
    );
    this.search = new SearchIndex(db, CLAIM_INDEX);
    // As bytes (a BLOB): a state is read to be sent, and its text's UTF-8 would be decoded to a
    // string only to be encoded again (most states hold a character outside Latin-1, e.g. "—",
    // and V8 keeps those strings two bytes a character).
    this.stateOfClaim = db.prepare<[string], Buffer>('SELECT CAST(state AS BLOB) FROM claims WHERE claim_id = ?').pluck();
  }

  apply(): void {
    for (const fold of this.changedFolds()) {
      const state = stateOf(fold);
      this.cache.delete(fold.claimId);
      this.put.run(fold.claimId, fold.openedPosition, fold.subject, state.status, fold.revision, fold.lastChange.at, JSON.stringify(state), state.verdict === null ? 0 : 1);
      // The claim's words, in the same transaction; its opening position orders the index as the list.
      this.search.put(fold.openedPosition, fold.claimId, claimDocument(fold, state.status));
    }
  }

  finishBuild(): void {
    this.db.exec(`CREATE INDEX IF NOT EXISTS claims_by_opened ON claims (opened_position);
      CREATE INDEX IF NOT EXISTS claims_by_status ON claims (status, opened_position);
      CREATE INDEX IF NOT EXISTS claims_by_change ON claims (${CLAIM_RANK_SQL}, opened_position);
      CREATE INDEX IF NOT EXISTS claims_with_verdict ON claims (opened_position) WHERE has_verdict = 1;`);
  }

  // ---- queries ----

  /** The live state of a claim as the JSON stored, in UTF-8 (nothing to parse or re-serialize). */
  stateBytes(claimId: string): Buffer | undefined {
    let bytes = this.cache.get(claimId);
    if (bytes !== undefined) return bytes;
    bytes = this.stateOfClaim.get(claimId);
    if (bytes !== undefined) this.cache.set(claimId, bytes);
    return bytes;
  }

  state(claimId: string): ClaimStateView | undefined {
    const bytes = this.stateBytes(claimId);
    return bytes === undefined ? undefined : parseState(bytes);
  }

  /** How many claims there are. */
  count(): number {
    return this.statement('SELECT count(*) FROM claims').pluck().get() as number;
  }

  exists(claimId: string): boolean {
    return this.stateBytes(claimId) !== undefined;
  }

  list(filter: ClaimFilter): Page<FoundClaim> {
    const { states, nextCursor } = this.rows(filter);
    return { items: states.map(parseState), nextCursor };
  }

  /** `list` as the JSON it is sent as, in UTF-8: the stored states joined, none parsed and re-serialized. */
  listBytes(filter: ClaimFilter): Buffer {
    const { states, nextCursor } = this.rows(filter);
    const items = states.flatMap((state, i) => (i === 0 ? [state] : [COMMA, state]));
    return Buffer.concat([Buffer.from('{"items":['), ...items, Buffer.from(`],"nextCursor":${JSON.stringify(nextCursor)}}`)]);
  }

  /**
   * The claims with a verdict (for the ClaimReview export), in the order they were opened,
   * `pageSize` at a time: an archive's states are never all in memory (reading every state to keep
   * those with a verdict took 3.5 s and 680 MB a request on 100,000 claims). Each page is read when
   * the one before has been used.
   */
  *withVerdicts(pageSize = 100): Generator<ClaimStateView[]> {
    const page = this.statement('SELECT opened_position, CAST(state AS BLOB) AS state FROM claims WHERE has_verdict = 1 AND opened_position > ? ORDER BY opened_position LIMIT ?');
    for (let after = -1; ; ) {
      const rows = page.all(after, pageSize) as { opened_position: number; state: Buffer }[];
      if (rows.length === 0) return;
      yield rows.map((row) => parseState(row.state));
      after = rows.at(-1)!.opened_position;
    }
  }

  /**
   * The claims a passage of an article may be about (its sentence, paragraph, title), best first:
   * those sharing its most telling words (SearchIndex.candidates). For the intake matcher, which
   * scores them itself.
   */
  candidates(passage: readonly string[], limit: number): FoundClaim[] {
    return this.search.candidates(passage, limit).flatMap((hit) => {
      const state = this.state(hit.key);
      return state === undefined ? [] : [{ ...state, match: hit.match }];
    });
  }

  /**
   * With `q`: the claims the full-text index finds, best first, each stored state with its `match`
   * added. Without: changes first (contested, revised, then settled), each in the order the claims
   * were opened; the cursor holds both. One indexed range per rank, so a deep page costs no more
   * than the first; `subject` and `entity` are words the index looks up once for the whole list.
   */
  private rows(filter: ClaimFilter): { states: Buffer[]; nextCursor: string | null } {
    const [q, subject, entities] = [filter.q, filter.subject, filter.entity].map(given);
    const byWords = [
      { column: 'subject', value: subject, param: 'subject' },
      { column: 'entities', value: entities, param: 'entity' },
    ] as const;
    if (q !== undefined) {
      const query = this.search.query(q, [...byWords, { column: 'status', value: filter.status, param: 'status' }])!;
      const { hits, nextCursor } = this.search.search(query, { limit: filter.limit, cursor: filter.cursor });
      const states = hits.flatMap((hit) => {
        const state = this.stateBytes(hit.key);
        // The stored object, its closing brace replaced by the match.
        return state === undefined ? [] : [Buffer.concat([state.subarray(0, -1), Buffer.from(`,"match":${JSON.stringify(hit.match)}}`)])];
      });
      return { states, nextCursor };
    }
    const after = decodeClaimCursor(filter.cursor);
    const words = this.search.query(undefined, byWords);
    const where = [filter.status ? 'status = @status' : `${CLAIM_RANK_SQL} = @rank`, 'opened_position > @after'];
    if (words !== null) where.push(`opened_position IN (${this.search.rowidsMatching('words')})`);
    const statement = this.statement(`SELECT opened_position, CAST(state AS BLOB) AS state FROM claims WHERE ${where.join(' AND ')} ORDER BY opened_position LIMIT @limit`);
    const rows: { rank: number; opened_position: number; state: Buffer }[] = [];
    for (const rank of filter.status ? [CLAIM_RANKS[filter.status] ?? CLAIM_RANKS.settled!] : [0, 1, 2]) {
      if (rank < after.rank || rows.length > filter.limit) continue;
      const found = statement.all({
        rank,
        after: rank === after.rank ? after.position : -1,
        words: words?.match,
        status: filter.status,
        limit: filter.limit + 1 - rows.length,
      }) as { opened_position: number; state: Buffer }[];
      rows.push(...found.map((r) => ({ ...r, rank })));
    }
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return {
      states: items.map((r) => r.state),
      nextCursor: rows.length > filter.limit && last ? Buffer.from(`${last.rank}.${last.opened_position}`).toString('base64url') : null,
    };
  }

  /** Each filter combination's SQL, prepared once (preparing costs more than these queries). */
  private statement(sql: string): Database.Statement {
    let statement = this.listed.get(sql);
    if (!statement) this.listed.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}

const COMMA = Buffer.from(',');

const parseState = (bytes: Buffer): FoundClaim => JSON.parse(bytes.toString('utf8')) as FoundClaim;

/** A blank search box is no search. */
const given = (words: string | undefined): string | undefined => (words?.trim() ? words : undefined);

/** A claims-list cursor: the rank (changes first) and opening position of the last claim sent. */
function decodeClaimCursor(cursor: string | undefined): { rank: number; position: number } {
  if (cursor === undefined) return { rank: -1, position: -1 };
  const m = /^(\d)\.(-?\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw unknownCursor(cursor);
  return { rank: Number(m[1]), position: Number(m[2]) };
}
