import type Database from 'better-sqlite3';
import { diffWordsWithSpace } from 'diff';
import { quoteOccursIn, type DateValue, type QuoteSelector } from '#domain';
import { decodeCursor, encodeCursor, like, type Page } from './paging.js';
import { contextOf, type OpenOptions, type ProjectedEvent, type Projection, type ReadModel } from './projection.js';

export interface SourceSummary {
  id: string;
  title: string;
  publisher: string | null;
  author: string | null;
  url: string | null;
  language: string;
  publishedAt: DateValue;
  retrievedAt: string | null;
  contentHash: string;
  textVersion: number;
  registeredAt: string;
  citations: number;
}

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

/** sources: per source, its metadata, text versions and the assertions that cite it. */
export const sourcesProjection: Projection<SourcesModel> = {
  name: 'sources',
  version: 1,
  handles: ['claimline.source-registered', 'claimline.source-text-revised', 'claimline.claim-opened', 'claimline.assertion-recorded', 'claimline.assertion-corrected', 'claimline.assertion-retracted'],
  open: (db, options) => new SourcesModel(db, options),
};

export class SourcesModel implements ReadModel {
  private readonly s;

  constructor(db: Database.Database, _options: OpenOptions) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS sources (
        source_id TEXT PRIMARY KEY, position INTEGER NOT NULL, title TEXT NOT NULL, publisher TEXT, author TEXT, url TEXT,
        language TEXT NOT NULL, published_at TEXT NOT NULL, retrieved_at TEXT, text TEXT NOT NULL, content_hash TEXT NOT NULL,
        text_version INTEGER NOT NULL, registered_at TEXT NOT NULL, registered_by TEXT NOT NULL, search TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS revisions (
        source_id TEXT NOT NULL, text_version INTEGER NOT NULL, text TEXT NOT NULL, content_hash TEXT NOT NULL,
        at TEXT NOT NULL, by TEXT NOT NULL, reason TEXT, PRIMARY KEY (source_id, text_version));
      CREATE TABLE IF NOT EXISTS claims (claim_id TEXT PRIMARY KEY, subject TEXT NOT NULL, predicate TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS citations (
        claim_id TEXT NOT NULL, assertion_id TEXT NOT NULL, source_id TEXT NOT NULL, quote TEXT NOT NULL,
        source_text_version INTEGER NOT NULL, value_text TEXT NOT NULL, speaker TEXT NOT NULL, status TEXT NOT NULL,
        quote_in_current_text INTEGER NOT NULL, PRIMARY KEY (claim_id, assertion_id));
      CREATE INDEX IF NOT EXISTS citations_by_source ON citations (source_id);`);
    const citedBy = 'SELECT count(*) FROM citations c WHERE c.source_id = s.source_id AND c.status = \'live\'';
    this.s = {
      insertSource: db.prepare(
        `INSERT OR IGNORE INTO sources (source_id, position, title, publisher, author, url, language, published_at, retrieved_at, text,
           content_hash, text_version, registered_at, registered_by, search)
         VALUES (@sourceId, @position, @title, @publisher, @author, @url, @language, @publishedAt, @retrievedAt, @text, @contentHash, 1,
           @registeredAt, @registeredBy, @search)`,
      ),
      reviseSource: db.prepare('UPDATE sources SET text = ?, content_hash = ?, text_version = ? WHERE source_id = ?'),
      insertRevision: db.prepare('INSERT OR REPLACE INTO revisions (source_id, text_version, text, content_hash, at, by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      insertClaim: db.prepare('INSERT OR REPLACE INTO claims (claim_id, subject, predicate) VALUES (?, ?, ?)'),
      recordCitation: db.prepare<[string, string, string, string, number, string, string]>(
        `INSERT OR IGNORE INTO citations (claim_id, assertion_id, source_id, quote, source_text_version, value_text, speaker, status, quote_in_current_text)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'live', 1)`,
      ),
      correctCitation: db.prepare<[string, string, string, string, number, string, string, string, number]>(
        `INSERT OR REPLACE INTO citations (claim_id, assertion_id, source_id, quote, source_text_version, value_text, speaker, status, quote_in_current_text)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      citation: db.prepare<[string, string], { source_id: string; quote: string; source_text_version: number; value_text: string; speaker: string; status: string }>(
        'SELECT source_id, quote, source_text_version, value_text, speaker, status FROM citations WHERE claim_id = ? AND assertion_id = ?',
      ),
      citationsOf: db.prepare<[string], { claim_id: string; assertion_id: string; quote: string }>('SELECT claim_id, assertion_id, quote FROM citations WHERE source_id = ?'),
      flagQuote: db.prepare('UPDATE citations SET quote_in_current_text = ? WHERE claim_id = ? AND assertion_id = ?'),
      textOf: db.prepare<[string], string>('SELECT text FROM sources WHERE source_id = ?').pluck(),
      retract: db.prepare("UPDATE citations SET status = 'retracted' WHERE claim_id = ? AND assertion_id = ?"),
      list: db.prepare(
        `SELECT s.*, (${citedBy}) AS citations FROM sources s WHERE position > @after AND (@q IS NULL OR search LIKE @q ESCAPE '\\') ORDER BY position LIMIT @limit`,
      ),
      one: db.prepare<[string], SourceRow>(`SELECT s.*, (${citedBy}) AS citations FROM sources s WHERE source_id = ?`),
      citedBy: db.prepare<[string], CitationRow>(
        `SELECT c.*, cl.subject, cl.predicate FROM citations c LEFT JOIN claims cl ON cl.claim_id = c.claim_id
         WHERE c.source_id = ? ORDER BY json_extract(c.quote, '$.start')`,
      ),
      revisions: db.prepare<[string], RevisionRow>('SELECT * FROM revisions WHERE source_id = ? ORDER BY text_version'),
    };
  }

  apply(events: readonly ProjectedEvent[]): void {
    const s = this.s;
    for (const { recorded, event } of events) {
      if (!event) continue;
      const ctx = contextOf(recorded);
      switch (event.type) {
        case 'claimline.source-registered': {
          const d = event.data;
          s.insertSource.run({
            sourceId: d.sourceId, position: recorded.position, title: d.title, publisher: d.publisher, author: d.author, url: d.url,
            language: d.language, publishedAt: JSON.stringify(d.publishedAt), retrievedAt: d.retrievedAt, text: d.text,
            contentHash: d.contentHash, registeredAt: ctx.recordedAt, registeredBy: ctx.actor,
            search: [d.title, d.publisher ?? '', d.author ?? '', d.url ?? ''].join(' ').toLowerCase(),
          });
          s.insertRevision.run(d.sourceId, 1, d.text, d.contentHash, ctx.recordedAt, ctx.actor, null);
          break;
        }
        case 'claimline.source-text-revised': {
          const d = event.data;
          s.reviseSource.run(d.text, d.contentHash, d.textVersion, d.sourceId);
          s.insertRevision.run(d.sourceId, d.textVersion, d.text, d.contentHash, ctx.recordedAt, ctx.actor, d.reason ?? null);
          // Quotes are flagged, never deleted, when the outlet's edit removed their words.
          for (const c of s.citationsOf.all(d.sourceId)) {
            s.flagQuote.run(quoteOccursIn(d.text, JSON.parse(c.quote) as QuoteSelector) ? 1 : 0, c.claim_id, c.assertion_id);
          }
          break;
        }
        case 'claimline.claim-opened':
          s.insertClaim.run(event.data.claimId, event.data.subject, event.data.predicate);
          break;
        case 'claimline.assertion-recorded': {
          const d = event.data;
          // Recorded against the text version it names, where the decider found the quote.
          s.recordCitation.run(d.claimId, d.assertionId, d.sourceId, JSON.stringify(d.quote), d.sourceTextVersion, d.value.text, d.speaker);
          break;
        }
        case 'claimline.assertion-corrected': {
          const d = event.data;
          const current = s.citation.get(d.claimId, d.assertionId);
          if (!current) break;
          const sourceId = d.changes.sourceId ?? current.source_id;
          const quote = d.changes.quote ? JSON.stringify(d.changes.quote) : current.quote;
          s.correctCitation.run(
            d.claimId, d.assertionId, sourceId, quote, d.changes.sourceTextVersion ?? current.source_text_version, d.changes.value?.text ?? current.value_text,
            d.changes.speaker ?? current.speaker, current.status, quoteOccursIn(s.textOf.get(sourceId) ?? '', JSON.parse(quote) as QuoteSelector) ? 1 : 0,
          );
          break;
        }
        case 'claimline.assertion-retracted':
          s.retract.run(event.data.claimId, event.data.assertionId);
          break;
      }
    }
  }

  // ---- queries ----

  list(filter: { q?: string; cursor?: string; limit: number }): Page<SourceSummary> {
    const rows = this.s.list.all({ after: decodeCursor(filter.cursor), q: filter.q ? like(filter.q) : null, limit: filter.limit + 1 }) as SourceRow[];
    const items = rows.slice(0, filter.limit);
    return { items: items.map(summaryOf), nextCursor: rows.length > filter.limit ? encodeCursor(items.at(-1)!.position) : null };
  }

  source(sourceId: string): (SourceSummary & { text: string; citedBy: Citation[] }) | undefined {
    const row = this.s.one.get(sourceId);
    if (!row) return undefined;
    return {
      ...summaryOf(row),
      text: row.text,
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
    contentHash: r.content_hash,
    textVersion: r.text_version,
    registeredAt: r.registered_at,
    citations: r.citations,
  };
}
