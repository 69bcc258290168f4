import type Database from 'better-sqlite3';
import { ClaimFoldModel } from './claim-folds.js';
import { pairsChangedAfter, storedDiscrepancy, type StoredDiscrepancy } from './claim-view.js';
import { decodeCursor, encodeCursor, type Page } from './paging.js';
import type { OpenOptions, Projection } from './projection.js';

export interface DiscrepancyFilter {
  relation?: string;
  claim?: string;
  source?: string;
  status?: 'open' | 'resolved' | 'all';
  cursor?: string;
  limit: number;
}

/**
 * discrepancies: every pair of live assertions of a claim that overlaps or contradicts, with both
 * sources and quotes; resolved (never deleted) when a retraction or correction ends it. The rows
 * are folded with the claim (claim-view.ts `foldDiscrepancies`); this view stores those that changed.
 */
export const discrepanciesProjection: Projection<DiscrepanciesModel> = {
  name: 'discrepancies',
  // 5: text values compared through the claim's entities (a spelling variant is no discrepancy).
  version: 5,
  handles: ['claimline.claim-opened', 'claimline.assertion-recorded', 'claimline.assertion-corrected', 'claimline.assertion-retracted', 'claimline.verdict-recorded'],
  buildReads: ['claimline.claim-opened'],
  open: (db, options) => new DiscrepanciesModel(db, options),
};

export class DiscrepanciesModel extends ClaimFoldModel {
  private readonly put: Database.Statement<[string, string, string, string, string, string, string, number, number, string]>;
  private readonly listed = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    options: OpenOptions,
  ) {
    super(options);
    db.exec(`CREATE TABLE IF NOT EXISTS discrepancies (
        claim_id TEXT NOT NULL, earlier_id TEXT NOT NULL, later_id TEXT NOT NULL, relation TEXT NOT NULL, status TEXT NOT NULL,
        earlier_source TEXT NOT NULL, later_source TEXT NOT NULL, seq INTEGER NOT NULL, ordinal INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (claim_id, earlier_id, later_id))`);
    if (options.built) this.finishBuild();
    this.put = db.prepare(
      `INSERT INTO discrepancies (claim_id, earlier_id, later_id, relation, status, earlier_source, later_source, seq, ordinal, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (claim_id, earlier_id, later_id) DO UPDATE SET relation = excluded.relation, status = excluded.status,
         earlier_source = excluded.earlier_source, later_source = excluded.later_source, seq = excluded.seq, body = excluded.body`,
    );
  }

  apply(): void {
    const after = this.appliedTo;
    for (const fold of this.changedFolds()) {
      for (const row of pairsChangedAfter(fold, after)) {
        const { seq, ordinal } = row;
        const d = storedDiscrepancy(row, fold.entities);
        this.put.run(d.claimId, d.earlier.assertionId, d.later.assertionId, d.relation, d.status, d.earlier.sourceId, d.later.sourceId, seq, ordinal, JSON.stringify(d));
      }
    }
  }

  finishBuild(): void {
    this.db.exec(`CREATE INDEX IF NOT EXISTS discrepancies_by_ordinal ON discrepancies (ordinal);
      CREATE INDEX IF NOT EXISTS discrepancies_by_status ON discrepancies (status, ordinal);`);
  }

  // ---- queries ----

  list(filter: DiscrepancyFilter): Page<StoredDiscrepancy> {
    const where = ['ordinal > @after'];
    if (filter.relation) where.push('relation = @relation');
    if (filter.claim) where.push('claim_id = @claim');
    if (filter.source) where.push('(earlier_source = @source OR later_source = @source)');
    if ((filter.status ?? 'open') !== 'all') where.push('status = @status');
    const sql = `SELECT ordinal, body FROM discrepancies WHERE ${where.join(' AND ')} ORDER BY ordinal LIMIT @limit`;
    let statement = this.listed.get(sql);
    if (!statement) this.listed.set(sql, (statement = this.db.prepare(sql)));
    const rows = statement.all({
      after: decodeCursor(filter.cursor),
      relation: filter.relation,
      claim: filter.claim,
      source: filter.source,
      status: filter.status ?? 'open',
      limit: filter.limit + 1,
    }) as { ordinal: number; body: string }[];
    const items = rows.slice(0, filter.limit);
    return { items: items.map((r) => JSON.parse(r.body) as StoredDiscrepancy), nextCursor: rows.length > filter.limit ? encodeCursor(items.at(-1)!.ordinal) : null };
  }
}
