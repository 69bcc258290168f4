import type Database from 'better-sqlite3';
import { quoteOccursIn } from '#domain';
import { contextOf, isClaimEvent } from './claim-projections.js';
import { statementsFor, type Projection, type ProjectionName } from './projection.js';
import { SearchIndex, SOURCE_INDEX, sourceDocument } from './search-index.js';

// ---- sources -------------------------------------------------------------------------------------

export const sourcesProjection: Projection = {
  name: 'sources' satisfies ProjectionName,
  // 2: the sources' words in a full-text index (search-index.ts) instead of a LIKE column.
  version: 2,
  migrate(db) {
    SearchIndex.migrate(db, SOURCE_INDEX);
    db.exec(`
      CREATE TABLE sources (
        source_id TEXT PRIMARY KEY, position INTEGER NOT NULL, title TEXT NOT NULL, publisher TEXT, author TEXT, url TEXT,
        language TEXT NOT NULL, published_at TEXT NOT NULL, retrieved_at TEXT, text TEXT NOT NULL, content_hash TEXT NOT NULL,
        text_version INTEGER NOT NULL, registered_at TEXT NOT NULL, registered_by TEXT NOT NULL);
      CREATE TABLE revisions (
        source_id TEXT NOT NULL, text_version INTEGER NOT NULL, text TEXT NOT NULL, content_hash TEXT NOT NULL,
        at TEXT NOT NULL, by TEXT NOT NULL, reason TEXT, PRIMARY KEY (source_id, text_version));
      CREATE TABLE claims (claim_id TEXT PRIMARY KEY, subject TEXT NOT NULL, predicate TEXT NOT NULL);
      CREATE TABLE citations (
        claim_id TEXT NOT NULL, assertion_id TEXT NOT NULL, source_id TEXT NOT NULL, quote TEXT NOT NULL,
        source_text_version INTEGER NOT NULL, value_text TEXT NOT NULL, speaker TEXT NOT NULL, status TEXT NOT NULL,
        quote_in_current_text INTEGER NOT NULL, PRIMARY KEY (claim_id, assertion_id));
      CREATE INDEX citations_by_source ON citations (source_id);`);
  },
  apply(db, events) {
    const s = statementsFor(sourceStatements, db, prepareSources);
    for (const { recorded, event } of events) {
      if (!event) continue;
      const ctx = contextOf(recorded);
      switch (event.type) {
        case 'claimline.source-registered': {
          const d = event.data;
          const inserted = s.insertSource.run({
            sourceId: d.sourceId, position: recorded.position, title: d.title, publisher: d.publisher, author: d.author, url: d.url,
            language: d.language, publishedAt: JSON.stringify(d.publishedAt), retrievedAt: d.retrievedAt, text: d.text,
            contentHash: d.contentHash, registeredAt: ctx.recordedAt, registeredBy: ctx.actor,
          });
          if (inserted.changes > 0) s.search.put(recorded.position, d.sourceId, sourceDocument(d));
          s.insertRevision.run(d.sourceId, 1, d.text, d.contentHash, ctx.recordedAt, ctx.actor, null);
          break;
        }
        case 'claimline.source-text-revised': {
          const d = event.data;
          s.reviseSource.run(d.text, d.contentHash, d.textVersion, d.sourceId);
          const source = s.source.get(d.sourceId);
          if (source) s.search.put(source.position, d.sourceId, sourceDocument({ ...source, text: d.text }));
          s.insertRevision.run(d.sourceId, d.textVersion, d.text, d.contentHash, ctx.recordedAt, ctx.actor, d.reason ?? null);
          // Quotes are flagged, never deleted, when the outlet's edit removed their words.
          for (const c of s.citationsOf.all(d.sourceId)) {
            s.flagQuote.run(quoteOccursIn(d.text, JSON.parse(c.quote) as { exact: string }) ? 1 : 0, c.claim_id, c.assertion_id);
          }
          break;
        }
        case 'claimline.claim-opened':
          s.insertClaim.run(event.data.claimId, event.data.subject, event.data.predicate);
          break;
        case 'claimline.assertion-recorded': {
          const d = event.data;
          s.upsertCitation.run({
            claimId: d.claimId, assertionId: d.assertionId, sourceId: d.sourceId, quote: JSON.stringify(d.quote),
            version: d.sourceTextVersion, valueText: d.value.text, speaker: d.speaker, status: 'live', present: 1,
          });
          break;
        }
        case 'claimline.assertion-corrected': {
          const d = event.data;
          const current = s.citation.get(d.claimId, d.assertionId);
          if (!current) break;
          const sourceId = d.changes.sourceId ?? current.source_id;
          const quote = d.changes.quote ? JSON.stringify(d.changes.quote) : current.quote;
          const text = s.textOf.get(sourceId)?.text ?? '';
          s.upsertCitation.run({
            claimId: d.claimId, assertionId: d.assertionId, sourceId, quote,
            version: d.changes.sourceTextVersion ?? current.source_text_version, valueText: d.changes.value?.text ?? current.value_text,
            speaker: d.changes.speaker ?? current.speaker, status: current.status,
            present: quoteOccursIn(text, JSON.parse(quote) as { exact: string }) ? 1 : 0,
          });
          break;
        }
        case 'claimline.assertion-retracted':
          s.retract.run(event.data.claimId, event.data.assertionId);
          break;
        case 'claimline.verdict-recorded':
          break;
        default: {
          const unexpected: never = event;
          void unexpected;
        }
      }
    }
  },
};

function prepareSources(d: Database.Database) {
  return {
    insertSource: d.prepare(
      `INSERT OR IGNORE INTO sources (source_id, position, title, publisher, author, url, language, published_at, retrieved_at, text,
         content_hash, text_version, registered_at, registered_by)
       VALUES (@sourceId, @position, @title, @publisher, @author, @url, @language, @publishedAt, @retrievedAt, @text, @contentHash, 1,
         @registeredAt, @registeredBy)`,
    ),
    reviseSource: d.prepare('UPDATE sources SET text = ?, content_hash = ?, text_version = ? WHERE source_id = ?'),
    source: d.prepare<[string], { position: number; title: string; publisher: string | null; author: string | null }>(
      'SELECT position, title, publisher, author FROM sources WHERE source_id = ?',
    ),
    search: new SearchIndex(d, SOURCE_INDEX),
    insertRevision: d.prepare('INSERT OR REPLACE INTO revisions (source_id, text_version, text, content_hash, at, by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    insertClaim: d.prepare('INSERT OR REPLACE INTO claims (claim_id, subject, predicate) VALUES (?, ?, ?)'),
    upsertCitation: d.prepare(
      `INSERT OR REPLACE INTO citations (claim_id, assertion_id, source_id, quote, source_text_version, value_text, speaker, status, quote_in_current_text)
       VALUES (@claimId, @assertionId, @sourceId, @quote, @version, @valueText, @speaker, @status, @present)`,
    ),
    citation: d.prepare<[string, string], { source_id: string; quote: string; source_text_version: number; value_text: string; speaker: string; status: string }>(
      'SELECT source_id, quote, source_text_version, value_text, speaker, status FROM citations WHERE claim_id = ? AND assertion_id = ?',
    ),
    citationsOf: d.prepare<[string], { claim_id: string; assertion_id: string; quote: string }>('SELECT claim_id, assertion_id, quote FROM citations WHERE source_id = ?'),
    flagQuote: d.prepare('UPDATE citations SET quote_in_current_text = ? WHERE claim_id = ? AND assertion_id = ?'),
    textOf: d.prepare<[string], { text: string }>('SELECT text FROM sources WHERE source_id = ?'),
    retract: d.prepare("UPDATE citations SET status = 'retracted' WHERE claim_id = ? AND assertion_id = ?"),
  };
}
const sourceStatements = new WeakMap<Database.Database, ReturnType<typeof prepareSources>>();

// ---- audit ---------------------------------------------------------------------------------------

export const auditProjection: Projection = {
  name: 'audit' satisfies ProjectionName,
  version: 1,
  migrate(db) {
    db.exec(`
      CREATE TABLE events (
        position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL,
        actor TEXT NOT NULL, recorded_at TEXT NOT NULL, claim_id TEXT, data TEXT NOT NULL, metadata TEXT NOT NULL);
      CREATE INDEX events_by_stream ON events (stream, position);
      CREATE INDEX events_by_actor ON events (actor, position);
      CREATE INDEX events_by_time ON events (recorded_at, position);`);
  },
  apply(db, events) {
    const insert = statementsFor(auditStatements, db, (d) =>
      d.prepare<unknown[]>(
        `INSERT OR IGNORE INTO events (position, event_id, stream, revision, type, actor, recorded_at, claim_id, data, metadata)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    );
    for (const { recorded, event } of events) {
      const ctx = contextOf(recorded);
      insert.run(
        recorded.position, recorded.id, recorded.stream, recorded.revision, recorded.type, ctx.actor, ctx.recordedAt,
        isClaimEvent(event) ? event.data.claimId : null, JSON.stringify(recorded.data), JSON.stringify(recorded.metadata),
      );
    }
  },
};
const auditStatements = new WeakMap<Database.Database, Database.Statement<unknown[]>>();

