import { LRUCache } from 'lru-cache';
import type Database from 'better-sqlite3';
import { ClaimFoldModel, isClaimEvent } from './claim-folds.js';
import { timelineOf, type ClaimFold, type RelationToPrevious, type TimelineEntry, type ViewFilter } from './claim-view.js';
import { QuoteCheck, TextsChangedWhileBuilding } from './quote-check.js';
import type { OpenOptions, ProjectedEvent, Projection } from './projection.js';

export interface StoredTimeline {
  claimId: string;
  revision: number;
  entries: TimelineEntry[];
}

/**
 * claim-timeline: per claim, every assertion in said-at order with its relation to the previous
 * one, each flagged when its quote no longer occurs in its source's current text.
 */
export const claimTimelineProjection: Projection<ClaimTimelineModel> = {
  name: 'claim-timeline',
  // 5: text values compared through the claim's entities (a spelling variant is the same value).
  // 6: the citing sources' index is made at the end of a build.
  version: 6,
  handles: ['claimline.claim-opened', 'claimline.assertion-recorded', 'claimline.assertion-corrected', 'claimline.assertion-retracted', 'claimline.verdict-recorded', 'claimline.source-registered', 'claimline.source-text-revised'],
  buildReads: ['claimline.claim-opened', 'claimline.source-registered', 'claimline.source-text-revised'],
  open: (db, options) => new ClaimTimelineModel(db, options),
};

/** Claims whose last written relations are kept: a write's answer reads its own right after. */
const RECENT_TIMELINES = 256;

export class ClaimTimelineModel extends ClaimFoldModel {
  private readonly quotes: QuoteCheck;
  private readonly s;
  /** Until the citing index exists (finishBuild): the sources to check then. */
  private building: TextsChangedWhileBuilding | undefined = new TextsChangedWhileBuilding();
  /**
   * Of the timelines written last, the relation to the previous assertion of each assertion their
   * batch recorded, corrected or retracted: a write's answer reads it here instead of SQLite picking
   * its entry out of the stored JSON (a twentieth of a POST's CPU). A claim's are replaced whenever
   * its timeline is written (a new assertion can change the relation of the next), and join once
   * their transaction has committed.
   */
  private readonly recent = new LRUCache<string, ReadonlyMap<string, RelationToPrevious | null>>({ max: RECENT_TIMELINES });
  private written = new Map<string, ReadonlyMap<string, RelationToPrevious | null>>();
  private touched: ReadonlySet<string> = new Set();

  constructor(
    private readonly db: Database.Database,
    options: OpenOptions,
  ) {
    super(options);
    db.exec(`CREATE TABLE IF NOT EXISTS timelines (claim_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, timeline TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS source_texts (source_id TEXT PRIMARY KEY, version INTEGER NOT NULL, text TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS citing (source_id TEXT NOT NULL, claim_id TEXT NOT NULL);`);
    this.s = {
      put: db.prepare<[string, number, string]>('INSERT OR REPLACE INTO timelines (claim_id, revision, timeline) VALUES (?, ?, ?)'),
      // The stored UTF-8 as it is, to send (claim-state.ts `stateBytes` says why), or to read.
      get: db.prepare<[string], Buffer>('SELECT CAST(timeline AS BLOB) FROM timelines WHERE claim_id = ?').pluck(),
      // SQLite picks the entry out of the stored JSON: nothing else is parsed.
      relation: db.prepare<[string, string], string>(
        "SELECT e.value -> '$.relationToPrevious' FROM timelines t, json_each(t.timeline, '$.entries') e WHERE t.claim_id = ? AND e.value ->> '$.assertionId' = ?",
      ).pluck(),
      text: db.prepare<[string], string>('SELECT text FROM source_texts WHERE source_id = ?').pluck(),
      version: db.prepare<[string], number>('SELECT version FROM source_texts WHERE source_id = ?').pluck(),
      putText: db.prepare<[string, number, string]>('INSERT OR REPLACE INTO source_texts (source_id, version, text) VALUES (?, ?, ?)'),
      cite: db.prepare<[string, string]>('INSERT OR IGNORE INTO citing (source_id, claim_id) VALUES (?, ?)'),
      citing: db.prepare<[string], string>('SELECT claim_id FROM citing WHERE source_id = ?').pluck(),
    };
    this.quotes = new QuoteCheck({ version: (id) => this.s.version.get(id), text: (id) => this.s.text.get(id) });
    if (options.built) this.finishBuild();
  }

  /**
   * Makes the index of the claims citing each source, and checks again the timelines citing the
   * sources whose texts changed while it was missing. A build writes each claim's sources once (it
   * reads the claim whole); kept up meanwhile, the index (every source an insertion point) cost
   * five times those writes.
   */
  finishBuild(): void {
    this.db.exec('CREATE UNIQUE INDEX IF NOT EXISTS citing_key ON citing (source_id, claim_id)');
    const built = this.building;
    this.building = undefined;
    for (const sourceId of built?.toCheck ?? []) this.checkQuotes(sourceId);
  }

  apply(events: readonly ProjectedEvent[]): void {
    // Written by an apply whose transaction did not commit.
    this.written = new Map();
    if (!this.feed.building) this.touched = new Set(events.flatMap(({ event }) => (isClaimEvent(event) && 'assertionId' in event.data ? [event.data.assertionId] : [])));
    try {
      // Texts first: the timelines written below are checked against the text as it now is.
      for (const { event } of events) {
        if (event?.type === 'claimline.source-registered') this.newText(event.data.sourceId, 1, event.data.text);
        else if (event?.type === 'claimline.source-text-revised') this.newText(event.data.sourceId, event.data.textVersion, event.data.text);
      }
      for (const fold of this.changedFolds()) this.write(fold);
    } catch (error) {
      // The transaction rolls back, and the texts this batch stored with it.
      this.quotes.forget();
      throw error;
    }
  }

  committed(): void {
    for (const [claimId, relations] of this.written) {
      if (relations.size > 0) this.recent.set(claimId, relations);
      else this.recent.delete(claimId);
    }
    this.written = new Map();
  }

  /** A source's text, new or revised: the stored timelines citing it are checked against it again. */
  private newText(sourceId: string, version: number, text: string): void {
    this.s.putText.run(sourceId, version, text);
    this.quotes.newText(sourceId, version);
    if (this.building) this.building.textChanged(sourceId);
    else this.checkQuotes(sourceId);
  }

  private checkQuotes(sourceId: string): void {
    for (const claimId of this.s.citing.all(sourceId)) {
      const stored = this.timelineJson(claimId);
      if (stored === undefined) continue;
      const timeline = JSON.parse(stored) as StoredTimeline;
      for (const entry of timeline.entries) if (entry.sourceId === sourceId) entry.quoteInCurrentText = this.quotes.occurs(entry);
      this.s.put.run(claimId, timeline.revision, JSON.stringify(timeline));
    }
  }

  private write(fold: ClaimFold): void {
    const { claimId, revision } = fold;
    const entries = timelineOf(fold, this.quotes.occurs, {}, this.folds.compare);
    for (const sourceId of new Set(entries.map((e) => e.sourceId))) {
      this.s.cite.run(sourceId, claimId);
      this.building?.cite(sourceId);
    }
    this.s.put.run(claimId, revision, JSON.stringify({ claimId, revision, entries } satisfies StoredTimeline));
    this.remember(claimId, entries);
  }

  /** A build writes each claim once and answers no one: only live writes are kept. */
  private remember(claimId: string, entries: readonly TimelineEntry[]): void {
    if (this.feed.building) return;
    this.written.set(claimId, new Map(entries.filter((e) => this.touched.has(e.assertionId)).map((e) => [e.assertionId, e.relationToPrevious])));
  }

  // ---- queries ----

  /** The live timeline of a claim as the JSON text stored. */
  timelineJson(claimId: string): string | undefined {
    return this.timelineBytes(claimId)?.toString('utf8');
  }

  /** The same JSON as stored, in UTF-8, to send. */
  timelineBytes(claimId: string): Buffer | undefined {
    return this.s.get.get(claimId);
  }

  /**
   * An assertion's relation to the previous live one in its claim's live timeline (null for none),
   * undefined when the claim has no such assertion.
   */
  relationToPrevious(claimId: string, assertionId: string): RelationToPrevious | null | undefined {
    const kept = this.recent.get(claimId)?.get(assertionId);
    // A copy, as a parsed row would be: the caller may change what it is given.
    if (kept !== undefined) return kept && { ...kept };
    const json = this.s.relation.get(claimId, assertionId);
    return json === undefined ? undefined : (JSON.parse(json) as RelationToPrevious | null);
  }

  /** A timeline made now from a fold (as-of reads), its quotes checked against the current texts. */
  timelineOf(fold: ClaimFold, filter: ViewFilter): StoredTimeline {
    return { claimId: fold.claimId, revision: fold.revision, entries: timelineOf(fold, this.quotes.occurs, filter) };
  }
}
