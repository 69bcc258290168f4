import type Database from 'better-sqlite3';
import { diffWordsWithSpace } from 'diff';
import { type DateValue, type FiscalYearStart, type QuoteSelector } from '#domain';
import { ClaimFoldModel, isClaimEvent } from './claim-folds.js';
import { decodeCursor, encodeCursor, type Page } from './paging.js';
import { contextOf, type OpenOptions, type ProjectedEvent, type Projection } from './projection.js';
import { QuoteCheck, TextsChangedWhileBuilding } from './quote-check.js';
import { SearchIndex, SOURCE_INDEX, sourceDocument, type SearchMatch } from './search-index.js';

/** Marks a claim whose opening is in the batch, among the assertion ids its events touched. */
const OPENED = '';

export interface SourceSummary {
  id: string;
  title: string;
  publisher: string | null;
  author: string | null;
  url: string | null;
  language: string;
  publishedAt: DateValue;
  retrievedAt: string | null;
  /** The month the outlet's fiscal year starts in, when it writes fiscal years ("2026-27"). */
  fiscalYear: FiscalYearStart | null;
  contentHash: string;
  textVersion: number;
  registeredAt: string;
  citations: number;
}

/** The article a claim appeared in, as a ClaimReview names it. */
export type SourceAppearance = Pick<SourceSummary, 'title' | 'url' | 'publisher'>;

/** A source found by `q`, with why it was found. */
export type FoundSource = SourceSummary & { match?: SearchMatch };

export interface Citation {
  claimId: string;
  subject: string;
  predicate: string;
  assertionId: string;
  quote: QuoteSelector;
  sourceTextVersion: number;
  value: string;
  speaker: string;
  status: 'live' | 'retracted';
  /** False when a later text version of the source no longer contains the quote. */
  quoteInCurrentText: boolean;
}

export interface TextRevision {
  textVersion: number;
  contentHash: string;
  at: string;
  by: string;
  reason: string | null;
  length: number;
  /** Word diff against the previous version (none for the first). */
  diff: { added?: boolean; removed?: boolean; value: string }[] | null;
}

/**
 * sources: per source, its metadata, text versions and the assertions that cite it. The citations
 * are the assertions as the claim's fold has them (claim-folds.ts), so a build writes a claim's
 * citations together when it reads the claim whole.
 */
export const sourcesProjection: Projection<SourcesModel> = {
  name: 'sources',
  // 3: the sources' words in a full-text index (search-index.ts), and the outlet's fiscal year.
  // 4: the citations' two indexes are made at the end of a build.
  // 5: the sources' index of citations holds their status (a list counts each source's live ones from it alone).
  version: 5,
  handles: ['claimline.source-registered', 'claimline.source-text-revised', 'claimline.claim-opened', 'claimline.assertion-recorded', 'claimline.assertion-corrected', 'claimline.assertion-retracted'],
  buildReads: ['claimline.source-registered', 'claimline.source-text-revised', 'claimline.claim-opened'],
  open: (db, options) => new SourcesModel(db, options),
};

type Cited = [string, string, string, string, number, string, string, string, number, number];
const CITE = `INSERT INTO citations (claim_id, assertion_id, source_id, quote, source_text_version, value_text, speaker, status, quote_in_current_text, recorded_position)`;

export class SourcesModel extends ClaimFoldModel {
  private readonly s;
  private readonly quotes: QuoteCheck;
  private readonly search: SearchIndex<typeof SOURCE_INDEX>;
  /** Once the citations' indexes exist (finishBuild): a citation is written or rewritten by its key. */
  private upsert: Database.Statement<Cited> | undefined;
  /** Until they exist: the sources whose quotes to flag then. */
  private building: TextsChangedWhileBuilding | undefined = new TextsChangedWhileBuilding();

  constructor(
    private readonly db: Database.Database,
    options: OpenOptions,
  ) {
    super(options);
    db.exec(`
      CREATE TABLE IF NOT EXISTS sources (
        source_id TEXT PRIMARY KEY, position INTEGER NOT NULL, title TEXT NOT NULL, publisher TEXT, author TEXT, url TEXT,
        language TEXT NOT NULL, published_at TEXT NOT NULL, retrieved_at TEXT, fiscal_year TEXT, text TEXT NOT NULL, content_hash TEXT NOT NULL,
        text_version INTEGER NOT NULL, registered_at TEXT NOT NULL, registered_by TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS revisions (
        source_id TEXT NOT NULL, text_version INTEGER NOT NULL, text TEXT NOT NULL, content_hash TEXT NOT NULL,
        at TEXT NOT NULL, by TEXT NOT NULL, reason TEXT, PRIMARY KEY (source_id, text_version));
      CREATE TABLE IF NOT EXISTS claims (claim_id TEXT PRIMARY KEY, subject TEXT NOT NULL, predicate TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS citations (
        claim_id TEXT NOT NULL, assertion_id TEXT NOT NULL, source_id TEXT NOT NULL, quote TEXT NOT NULL,
        source_text_version INTEGER NOT NULL, value_text TEXT NOT NULL, speaker TEXT NOT NULL, status TEXT NOT NULL,
        quote_in_current_text INTEGER NOT NULL, recorded_position INTEGER NOT NULL);`);
    const citedBy = 'SELECT count(*) FROM citations c WHERE c.source_id = s.source_id AND c.status = \'live\'';
    this.s = {
      insertSource: db.prepare(
        `INSERT OR IGNORE INTO sources (source_id, position, title, publisher, author, url, language, published_at, retrieved_at, fiscal_year,
           text, content_hash, text_version, registered_at, registered_by)
         VALUES (@sourceId, @position, @title, @publisher, @author, @url, @language, @publishedAt, @retrievedAt, @fiscalYear, @text, @contentHash, 1,
           @registeredAt, @registeredBy)`,
      ),
      reviseSource: db.prepare('UPDATE sources SET text = ?, content_hash = ?, text_version = ? WHERE source_id = ?'),
      insertRevision: db.prepare('INSERT OR REPLACE INTO revisions (source_id, text_version, text, content_hash, at, by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      insertClaim: db.prepare('INSERT OR REPLACE INTO claims (claim_id, subject, predicate) VALUES (?, ?, ?)'),
      cite: db.prepare<Cited>(`${CITE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      citationsOf: db.prepare<[string], { claim_id: string; assertion_id: string; quote: string; source_text_version: number }>(
        'SELECT claim_id, assertion_id, quote, source_text_version FROM citations WHERE source_id = ?',
      ),
      flagQuote: db.prepare('UPDATE citations SET quote_in_current_text = ? WHERE claim_id = ? AND assertion_id = ?'),
      textOf: db.prepare<[string], string>('SELECT text FROM sources WHERE source_id = ?').pluck(),
      appearance: db.prepare<[string], SourceAppearance>('SELECT title, url, publisher FROM sources WHERE source_id = ?'),
      versionOf: db.prepare<[string], number>('SELECT text_version FROM sources WHERE source_id = ?').pluck(),
      list: db.prepare(
        `SELECT s.*, (${citedBy}) AS citations FROM sources s WHERE position > @after ORDER BY position LIMIT @limit`,
      ),
      one: db.prepare<[string], SourceRow>(`SELECT s.*, (${citedBy}) AS citations FROM sources s WHERE source_id = ?`),
      citedBy: db.prepare<[string], CitationRow>(
        `SELECT c.*, cl.subject, cl.predicate FROM citations c LEFT JOIN claims cl ON cl.claim_id = c.claim_id
         WHERE c.source_id = ? ORDER BY json_extract(c.quote, '$.start'), c.recorded_position`,
      ),
      revisions: db.prepare<[string], RevisionRow>('SELECT * FROM revisions WHERE source_id = ? ORDER BY text_version'),
    };
    this.quotes = new QuoteCheck({ version: (id) => this.s.versionOf.get(id), text: (id) => this.s.textOf.get(id) });
    this.search = new SearchIndex(db, SOURCE_INDEX);
    if (options.built) this.finishBuild();
  }

  /**
   * Makes the citations' indexes, and flags the quotes of the sources whose texts changed while they
   * were missing. A build writes each claim's citations once, in claim order; kept up meanwhile,
   * the two indexes (claim ids are random, every source an insertion point) cost three quarters of
   * its citation writes.
   */
  finishBuild(): void {
    this.db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS citations_key ON citations (claim_id, assertion_id);
      CREATE INDEX IF NOT EXISTS citations_by_source ON citations (source_id, status);`);
    this.upsert ??= this.db.prepare<Cited>(
      `${CITE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (claim_id, assertion_id) DO UPDATE SET source_id = excluded.source_id, quote = excluded.quote,
         source_text_version = excluded.source_text_version, value_text = excluded.value_text, speaker = excluded.speaker,
         status = excluded.status, quote_in_current_text = excluded.quote_in_current_text`,
    );
    const built = this.building;
    this.building = undefined;
    for (const sourceId of built?.toCheck ?? []) this.flagQuotes(sourceId);
  }

  /** Flags, never deletes, the quotes of a source's citations that its current text no longer holds. */
  private flagQuotes(sourceId: string): void {
    for (const c of this.s.citationsOf.all(sourceId)) {
      const quote = JSON.parse(c.quote) as QuoteSelector;
      this.s.flagQuote.run(this.quotes.occurs({ sourceId, sourceTextVersion: c.source_text_version, quote }) ? 1 : 0, c.claim_id, c.assertion_id);
    }
  }

  apply(events: readonly ProjectedEvent[]): void {
    try {
      this.applyBatch(events);
    } catch (error) {
      this.quotes.forget();
      throw error;
    }
  }

  private applyBatch(events: readonly ProjectedEvent[]): void {
    const s = this.s;
    // Sources first, in order: a text (new or revised) flags, never deletes, the quotes it no longer holds.
    for (const { recorded, event } of events) {
      if (event?.type !== 'claimline.source-registered' && event?.type !== 'claimline.source-text-revised') continue;
      const ctx = contextOf(recorded);
      const d = event.data;
      if (event.type === 'claimline.source-registered') {
        const r = event.data;
        const inserted = s.insertSource.run({
          sourceId: r.sourceId, position: recorded.position, title: r.title, publisher: r.publisher, author: r.author, url: r.url,
          language: r.language, publishedAt: JSON.stringify(r.publishedAt), retrievedAt: r.retrievedAt, fiscalYear: r.fiscalYear ?? null,
          text: r.text, contentHash: r.contentHash, registeredAt: ctx.recordedAt, registeredBy: ctx.actor,
        });
        // The source's words, in the same transaction; its position orders the index as the list.
        if (inserted.changes > 0) this.search.put(recorded.position, r.sourceId, sourceDocument(r));
        s.insertRevision.run(r.sourceId, 1, r.text, r.contentHash, ctx.recordedAt, ctx.actor, null);
      } else {
        const r = event.data;
        s.reviseSource.run(r.text, r.contentHash, r.textVersion, r.sourceId);
        const source = s.one.get(r.sourceId);
        if (source) this.search.put(source.position, r.sourceId, sourceDocument({ ...source, text: r.text }));
        s.insertRevision.run(r.sourceId, r.textVersion, r.text, r.contentHash, ctx.recordedAt, ctx.actor, r.reason ?? null);
      }
      this.quotes.newText(d.sourceId, event.type === 'claimline.source-registered' ? 1 : event.data.textVersion);
      if (this.building) this.building.textChanged(d.sourceId);
      else this.flagQuotes(d.sourceId);
    }
    // Then the citations, as the claims' folds have them now: every assertion of a claim read whole,
    // else those this batch's events touched.
    const touched = new Map<string, Set<string>>();
    for (const { recorded, event } of events) {
      if (!isClaimEvent(event) || recorded.position <= this.feed.streamedTo) continue;
      let ids = touched.get(event.data.claimId);
      if (!ids) touched.set(event.data.claimId, (ids = new Set()));
      if (event.type === 'claimline.claim-opened') ids.add(OPENED);
      else if ('assertionId' in event.data) ids.add(event.data.assertionId);
    }
    for (const fold of this.changedFolds()) {
      const claimId = fold.claimId;
      const whole = this.folds.readWhole.has(claimId);
      const ids = touched.get(claimId);
      if (whole || ids?.has(OPENED)) s.insertClaim.run(claimId, fold.subject, fold.predicate);
      for (const a of fold.assertions) {
        if (!whole && !ids?.has(a.assertionId)) continue;
        // Without the indexes (a build), each assertion is written once: its claim is read whole.
        (this.upsert ?? s.cite).run(
          claimId, a.assertionId, a.sourceId, JSON.stringify(a.quote), a.sourceTextVersion, a.value.text, a.speaker,
          a.retraction === null ? 'live' : 'retracted', this.quotes.occurs(a) ? 1 : 0, a.position,
        );
        this.building?.cite(a.sourceId);
      }
    }
  }

  // ---- queries ----

  /** In registration order; with `q`, the sources the full-text index finds, best first, each with its `match`. */
  list(filter: { q?: string; cursor?: string; limit: number }): Page<FoundSource> {
    if (filter.q?.trim()) {
      const { hits, nextCursor } = this.search.search(this.search.query(filter.q)!, { limit: filter.limit, cursor: filter.cursor });
      const items = hits.flatMap((hit) => {
        const row = this.s.one.get(hit.key);
        return row ? [{ ...summaryOf(row), match: hit.match }] : [];
      });
      return { items, nextCursor };
    }
    const rows = this.s.list.all({ after: decodeCursor(filter.cursor), limit: filter.limit + 1 }) as SourceRow[];
    const items = rows.slice(0, filter.limit);
    return { items: items.map(summaryOf), nextCursor: rows.length > filter.limit ? encodeCursor(items.at(-1)!.position) : null };
  }

  /** What a ClaimReview says of the article a claim appeared in (`source` also reads every citation of it). */
  appearanceOf(sourceId: string): SourceAppearance | undefined {
    return this.s.appearance.get(sourceId);
  }

  /** A source and its current text, without its citations (`source` reads every one of them). */
  withText(sourceId: string): (SourceSummary & { text: string }) | undefined {
    const row = this.s.one.get(sourceId);
    return row && { ...summaryOf(row), text: row.text };
  }

  source(sourceId: string): (SourceSummary & { text: string; citedBy: Citation[] }) | undefined {
    const source = this.withText(sourceId);
    if (!source) return undefined;
    return {
      ...source,
      citedBy: this.s.citedBy.all(sourceId).map((c) => ({
        claimId: c.claim_id,
        subject: c.subject ?? '',
        predicate: c.predicate ?? '',
        assertionId: c.assertion_id,
        quote: JSON.parse(c.quote) as Citation['quote'],
        sourceTextVersion: c.source_text_version,
        value: c.value_text,
        speaker: c.speaker,
        status: c.status as Citation['status'],
        quoteInCurrentText: c.quote_in_current_text === 1,
      })),
    };
  }

  revisions(sourceId: string): TextRevision[] | undefined {
    const rows = this.s.revisions.all(sourceId);
    if (rows.length === 0) return undefined;
    return rows.map((r, i) => ({
      textVersion: r.text_version,
      contentHash: r.content_hash,
      at: r.at,
      by: r.by,
      reason: r.reason,
      length: r.text.length,
      diff: i === 0 ? null : diffWordsWithSpace(rows[i - 1]!.text, r.text).map((part) => ({ added: part.added || undefined, removed: part.removed || undefined, value: part.value })),
    }));
  }
}

interface SourceRow {
  source_id: string;
  position: number;
  title: string;
  publisher: string | null;
  author: string | null;
  url: string | null;
  language: string;
  published_at: string;
  retrieved_at: string | null;
  fiscal_year: string | null;
  text: string;
  content_hash: string;
  text_version: number;
  registered_at: string;
  citations: number;
}

interface CitationRow {
  claim_id: string;
  assertion_id: string;
  source_id: string;
  quote: string;
  source_text_version: number;
  value_text: string;
  speaker: string;
  status: string;
  quote_in_current_text: number;
  subject: string | null;
  predicate: string | null;
}

interface RevisionRow {
  text_version: number;
  text: string;
  content_hash: string;
  at: string;
  by: string;
  reason: string | null;
}

function summaryOf(r: SourceRow): SourceSummary {
  return {
    id: r.source_id,
    title: r.title,
    publisher: r.publisher,
    author: r.author,
    url: r.url,
    language: r.language,
    publishedAt: JSON.parse(r.published_at) as DateValue,
    retrievedAt: r.retrieved_at,
    fiscalYear: r.fiscal_year as FiscalYearStart | null,
    contentHash: r.content_hash,
    textVersion: r.text_version,
    registeredAt: r.registered_at,
    citations: r.citations,
  };
}
