import type Database from 'better-sqlite3';
import { ClaimFoldModel } from './claim-folds.js';
import { stateOf, type ClaimFold, type ClaimStateView } from './claim-view.js';
import { decodeCursor, encodeCursor, like, type Page } from './paging.js';
import type { OpenOptions, Projection } from './projection.js';

export interface ClaimFilter {
  q?: string;
  subject?: string;
  status?: string;
  cursor?: string;
  limit: number;
}

/** claim-state: per claim, its current value, status, counts and last change (claim-view.ts `stateOf`). */
export const claimStateProjection: Projection<ClaimStateModel> = {
  name: 'claim-state',
  // 4: query indexes are made when a build ends; folds carry the opening's position.
  version: 4,
  handles: ['claimline.claim-opened', 'claimline.assertion-recorded', 'claimline.assertion-corrected', 'claimline.assertion-retracted', 'claimline.verdict-recorded'],
  buildReads: ['claimline.claim-opened'],
  open: (db, options) => new ClaimStateModel(db, options),
};

/** Live claim states recently read, kept as the JSON text stored. */
const CACHED_STATES = 10_000;

export class ClaimStateModel extends ClaimFoldModel {
  private readonly put: Database.Statement<[string, number, string, string, number, string, string, string]>;
  private readonly stateOfClaim: Database.Statement<[string], string>;
  /**
   * Recently read states, as stored. `apply` drops a claim's entry in the same synchronous step that
   * rewrites its row, so a hit is always the stored row.
   */
  private readonly cache = new Map<string, string>();
  private readonly listed = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    options: OpenOptions,
  ) {
    super(options);
    db.exec(`CREATE TABLE IF NOT EXISTS claims (
        claim_id TEXT PRIMARY KEY, opened_position INTEGER NOT NULL, subject TEXT NOT NULL, status TEXT NOT NULL,
        revision INTEGER NOT NULL, search TEXT NOT NULL, last_change_at TEXT NOT NULL, state TEXT NOT NULL)`);
    if (!options.feed.building) this.finishBuild();
    this.put = db.prepare(
      `INSERT INTO claims (claim_id, opened_position, subject, status, revision, search, last_change_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (claim_id) DO UPDATE SET subject = excluded.subject, status = excluded.status, revision = excluded.revision,
         search = excluded.search, last_change_at = excluded.last_change_at, state = excluded.state`,
    );
    this.stateOfClaim = db.prepare<[string], string>('SELECT state FROM claims WHERE claim_id = ?').pluck();
  }

  apply(): void {
    for (const fold of this.changedFolds()) {
      const state = stateOf(fold);
      this.cache.delete(fold.claimId);
      this.put.run(
        fold.claimId, fold.openedPosition, fold.subject, state.status, fold.revision, searchTextOf(fold, state.current?.value.text), fold.lastChange.at, JSON.stringify(state),
      );
    }
  }

  finishBuild(): void {
    this.db.exec(`CREATE INDEX IF NOT EXISTS claims_by_opened ON claims (opened_position);
      CREATE INDEX IF NOT EXISTS claims_by_status ON claims (status, opened_position);`);
  }

  // ---- queries ----

  /** The live state of a claim as the JSON text stored (nothing to parse or re-serialize). */
  stateJson(claimId: string): string | undefined {
    let json = this.cache.get(claimId);
    if (json !== undefined) return json;
    json = this.stateOfClaim.get(claimId);
    if (json !== undefined) {
      if (this.cache.size >= CACHED_STATES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(claimId, json);
    }
    return json;
  }

  state(claimId: string): ClaimStateView | undefined {
    const json = this.stateJson(claimId);
    return json === undefined ? undefined : (JSON.parse(json) as ClaimStateView);
  }

  exists(claimId: string): boolean {
    return this.stateJson(claimId) !== undefined;
  }

  list(filter: ClaimFilter): Page<ClaimStateView> {
    const { states, nextCursor } = this.rows(filter);
    return { items: states.map((json) => JSON.parse(json) as ClaimStateView), nextCursor };
  }

  /** `list` as the JSON text it is sent as: the stored states joined, none parsed and re-serialized. */
  listJson(filter: ClaimFilter): string {
    const { states, nextCursor } = this.rows(filter);
    return `{"items":[${states.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }

  /** Every claim with a verdict, for the ClaimReview export. */
  withVerdicts(): ClaimStateView[] {
    return (this.statement('SELECT state FROM claims ORDER BY opened_position').pluck().all() as string[])
      .map((json) => JSON.parse(json) as ClaimStateView)
      .filter((s) => s.verdict !== null);
  }

  private rows(filter: ClaimFilter): { states: string[]; nextCursor: string | null } {
    const where = ['opened_position > @after'];
    if (filter.q) where.push("search LIKE @q ESCAPE '\\'");
    if (filter.subject) where.push("lower(subject) LIKE @subject ESCAPE '\\'");
    if (filter.status) where.push('status = @status');
    const rows = this.statement(`SELECT opened_position, state FROM claims WHERE ${where.join(' AND ')} ORDER BY opened_position LIMIT @limit`).all({
      after: decodeCursor(filter.cursor),
      q: filter.q ? like(filter.q) : undefined,
      subject: filter.subject ? like(filter.subject) : undefined,
      status: filter.status,
      limit: filter.limit + 1,
    }) as { opened_position: number; state: string }[];
    const items = rows.slice(0, filter.limit);
    return { states: items.map((r) => r.state), nextCursor: rows.length > filter.limit ? encodeCursor(items.at(-1)!.opened_position) : null };
  }

  /** Each filter combination's SQL, prepared once (preparing costs more than these queries). */
  private statement(sql: string): Database.Statement {
    let statement = this.listed.get(sql);
    if (!statement) this.listed.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}

function searchTextOf(fold: ClaimFold, currentText: string | undefined): string {
  return [fold.subject, fold.predicate, fold.description ?? '', ...fold.entities.flatMap((e) => [e.name, ...e.aliases]), currentText ?? '']
    .join(' \u2016 ')
    .toLowerCase();
}
