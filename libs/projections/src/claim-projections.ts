import type Database from 'better-sqlite3';
import { CLAIM_EVENT_TYPES, quoteOccursIn, type ClaimEvent, type DomainEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import {
  isLiveAssertion,
  pairDiscrepancy,
  stateOf,
  timelineOf,
  type AssertionEntry,
  type ClaimFold,
  type Discrepancy,
  type EventContext,
  type TimelineEntry,
} from './claim-view.js';
import { claimMemory, isBuilding, statementsFor, type ProjectedEvent, type Projection, type ProjectionName } from './projection.js';
import { CLAIM_INDEX, claimDocument, SearchIndex } from './search-index.js';

export function isClaimEvent(event: DomainEvent | null): event is ClaimEvent {
  return event !== null && (CLAIM_EVENT_TYPES as readonly string[]).includes(event.type);
}

export function contextOf(recorded: RecordedEvent): EventContext {
  const meta = recorded.metadata as { recordedAt?: unknown; actor?: unknown };
  return {
    revision: recorded.revision,
    position: recorded.position,
    recordedAt: typeof meta.recordedAt === 'string' ? meta.recordedAt : recorded.created,
    actor: typeof meta.actor === 'string' ? meta.actor : 'unknown',
  };
}

/**
 * Where a claim projection keeps what it will write, per claim. On a live file the writes happen at
 * the end of every batch. On a file being built they are held (the latest per claim) until
 * `claimMemory.heldClaims` other claims have been touched since, or the build ends: a claim's view
 * is then written about once for the whole log instead of once per batch that touched it.
 */
class PendingWrites<T> {
  private readonly held = new Map<string, T>();

  constructor(private readonly writeOne: (claimId: string, pending: T) => void) {}

  get(claimId: string): T | undefined {
    return this.held.get(claimId);
  }

  set(claimId: string, pending: T): void {
    this.held.delete(claimId);
    this.held.set(claimId, pending);
  }

  /**
   * Runs a batch's apply, then writes: everything on a live file, only the least recently touched
   * past the bound on one being built. A batch that throws is rolled back with its transaction, so
   * what it held is dropped too (a live file retries the batch; a failed build is thrown away).
   */
  batch(db: Database.Database, apply: () => void): void {
    try {
      apply();
      this.settle(db);
    } catch (error) {
      this.held.clear();
      throw error;
    }
  }

  private settle(db: Database.Database): void {
    if (!isBuilding(db)) return this.flush();
    for (const [claimId, pending] of this.held) {
      if (this.held.size <= claimMemory.heldClaims) break;
      this.held.delete(claimId);
      this.writeOne(claimId, pending);
    }
  }

  flush(): void {
    for (const [claimId, pending] of this.held) this.writeOne(claimId, pending);
    this.held.clear();
  }
}

/** One PendingWrites per file (a rebuild's new generation has its own connection). */
function pendingFor<T>(cache: WeakMap<Database.Database, PendingWrites<T>>, db: Database.Database, writeOne: (claimId: string, pending: T) => void): PendingWrites<T> {
  let pending = cache.get(db);
  if (!pending) cache.set(db, (pending = new PendingWrites(writeOne)));
  return pending;
}

function foldOf(e: ProjectedEvent): ClaimFold | null {
  // The runner folds every claim event before any projection applies it (ClaimFolds).
  if (e.fold === undefined) throw new Error(`claim event at position ${e.recorded.position} reached a projection unfolded`);
  return e.fold;
}

/** The batch's claim events, each with the claim's fold right after it. */
function* claimEventsOf(events: readonly ProjectedEvent[]): Generator<[ProjectedEvent & { event: ClaimEvent }, ClaimFold]> {
  for (const e of events) {
    if (!isClaimEvent(e.event)) continue;
    const fold = foldOf(e);
    if (fold) yield [e as ProjectedEvent & { event: ClaimEvent }, fold];
  }
}

// ---- claim-state ---------------------------------------------------------------------------------

/**
 * Told the id of every claim whose state row the claim-state projection writes on a connection,
 * inside the write's transaction: the read side keeps a cache of those rows and drops them here.
 */
export const claimStateWritten = new WeakMap<Database.Database, (claimId: string) => void>();

interface PendingState {
  fold: ClaimFold;
  /** Position of the claim's opening, when this file has not stored the claim yet. */
  openedPosition: number;
}

function claimStateWrites(db: Database.Database): PendingWrites<PendingState> {
  return pendingFor(pendingStates, db, (claimId, { fold, openedPosition }) => {
    const put = statementsFor(stateStatements, db, (d) =>
      d.prepare(
        `INSERT INTO claims (claim_id, opened_position, subject, status, revision, last_change_at, state)
         VALUES (@claimId, @openedPosition, @subject, @status, @revision, @lastChangeAt, @state)
         ON CONFLICT (claim_id) DO UPDATE SET subject = excluded.subject, status = excluded.status, revision = excluded.revision,
           last_change_at = excluded.last_change_at, state = excluded.state
         RETURNING opened_position`,
      ).pluck(),
    );
    const state = stateOf(fold);
    claimStateWritten.get(db)?.(claimId);
    const stored = put.get({
      claimId,
      // Only the first write of a claim knows its opening; later upserts keep the stored value.
      openedPosition,
      subject: fold.subject,
      status: state.status,
      revision: fold.revision,
      lastChangeAt: fold.lastChange.at,
      state: JSON.stringify(state),
    }) as number;
    // The claim's words, in the same transaction; its opening position orders the index as the list.
    statementsFor(claimSearch, db, (d) => new SearchIndex(d, CLAIM_INDEX)).put(stored, claimId, claimDocument(fold, state.status));
  });
}
const claimSearch = new WeakMap<Database.Database, SearchIndex<typeof CLAIM_INDEX>>();
const pendingStates = new WeakMap<Database.Database, PendingWrites<PendingState>>();
const stateStatements = new WeakMap<Database.Database, Database.Statement>();

/** The claims list leads with what changed: contested, then revised, then settled (an indexed expression). */
export const CLAIM_RANK_SQL = "(CASE status WHEN 'contested' THEN 0 WHEN 'revised' THEN 1 ELSE 2 END)";
export const CLAIM_RANKS: Readonly<Record<string, number>> = { contested: 0, revised: 1, settled: 2 };

export const claimStateProjection: Projection = {
  name: 'claim-state' satisfies ProjectionName,
  // 5: the claims' words in a full-text index (search-index.ts) instead of a LIKE column.
  version: 5,
  migrate(db) {
    SearchIndex.migrate(db, CLAIM_INDEX);
    db.exec(`CREATE TABLE claims (
        claim_id TEXT PRIMARY KEY, opened_position INTEGER NOT NULL, subject TEXT NOT NULL, status TEXT NOT NULL,
        revision INTEGER NOT NULL, last_change_at TEXT NOT NULL, state TEXT NOT NULL);
      CREATE INDEX claims_by_opened ON claims (opened_position);
      CREATE INDEX claims_by_status ON claims (status, opened_position);
      CREATE INDEX claims_by_change ON claims (${CLAIM_RANK_SQL}, opened_position);`);
  },
  apply(db, events) {
    const writes = claimStateWrites(db);
    writes.batch(db, () => {
      for (const [e, fold] of claimEventsOf(events)) {
        const openedPosition = e.event.type === 'claimline.claim-opened' ? e.recorded.position : (writes.get(fold.claimId)?.openedPosition ?? -1);
        writes.set(fold.claimId, { fold, openedPosition });
      }
    });
  },
  finishBuild(db) {
    claimStateWrites(db).flush();
  },
};

// ---- claim-timeline -------------------------------------------------------------------------------

export interface StoredTimeline {
  claimId: string;
  revision: number;
  entries: (TimelineEntry & { quoteInCurrentText: boolean })[];
}

function prepareTimeline(d: Database.Database) {
  return {
    put: d.prepare<[string, number, string]>('INSERT OR REPLACE INTO timelines (claim_id, revision, timeline) VALUES (?, ?, ?)'),
    get: d.prepare<[string], { timeline: string }>('SELECT timeline FROM timelines WHERE claim_id = ?'),
    text: d.prepare<[string], { text: string }>('SELECT text FROM source_texts WHERE source_id = ?'),
    putText: d.prepare<[string, string]>('INSERT OR REPLACE INTO source_texts (source_id, text) VALUES (?, ?)'),
    cite: d.prepare<[string, string]>('INSERT OR IGNORE INTO citing (source_id, claim_id) VALUES (?, ?)'),
    citing: d.prepare<[string], { claim_id: string }>('SELECT claim_id FROM citing WHERE source_id = ?'),
  };
}
const timelineStatements = new WeakMap<Database.Database, ReturnType<typeof prepareTimeline>>();
const timelineStatementsOf = (db: Database.Database) => statementsFor(timelineStatements, db, prepareTimeline);

/** Articles are tens of KB and cited by many claims: the recent ones stay in memory, per file. */
const SOURCE_TEXTS_KEPT = 64;
const sourceTexts = new WeakMap<Database.Database, Map<string, string>>();

function sourceTextOf(db: Database.Database, sourceId: string): string {
  let texts = sourceTexts.get(db);
  if (!texts) sourceTexts.set(db, (texts = new Map()));
  let text = texts.get(sourceId);
  if (text === undefined) {
    text = timelineStatementsOf(db).text.get(sourceId)?.text ?? '';
    if (texts.size >= SOURCE_TEXTS_KEPT) texts.delete(texts.keys().next().value!);
    texts.set(sourceId, text);
  }
  return text;
}

function timelineWrites(db: Database.Database): PendingWrites<ClaimFold> {
  return pendingFor(pendingTimelines, db, (claimId, fold) => {
    const s = timelineStatementsOf(db);
    // Quotes are checked against the source texts stored when the view is written: a text revision
    // first writes what is pending, then re-checks the stored timelines that cite it.
    const cited = new Set<string>();
    const entries = timelineOf(fold).map((entry) => {
      cited.add(entry.sourceId);
      return { ...entry, quoteInCurrentText: quoteOccursIn(sourceTextOf(db, entry.sourceId), entry.quote) };
    });
    for (const sourceId of cited) s.cite.run(sourceId, claimId);
    s.put.run(claimId, fold.revision, JSON.stringify({ claimId, revision: fold.revision, entries } satisfies StoredTimeline));
  });
}
const pendingTimelines = new WeakMap<Database.Database, PendingWrites<ClaimFold>>();

export const claimTimelineProjection: Projection = {
  name: 'claim-timeline' satisfies ProjectionName,
  // 4: text values compared through the claim's entities (a spelling variant is the same).
  version: 4,
  migrate(db) {
    db.exec(`CREATE TABLE timelines (claim_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, timeline TEXT NOT NULL);
      CREATE TABLE source_texts (source_id TEXT PRIMARY KEY, text TEXT NOT NULL);
      CREATE TABLE citing (source_id TEXT NOT NULL, claim_id TEXT NOT NULL, PRIMARY KEY (source_id, claim_id));`);
  },
  apply(db, events) {
    try {
      applyTimelineBatch(db, events);
    } catch (error) {
      // The failed batch's transaction is rolled back, and it may have cached a text it wrote.
      sourceTexts.delete(db);
      throw error;
    }
  },
  finishBuild(db) {
    timelineWrites(db).flush();
  },
};

function applyTimelineBatch(db: Database.Database, events: readonly ProjectedEvent[]): void {
  const s = timelineStatementsOf(db);
  const writes = timelineWrites(db);
  writes.batch(db, () => {
    for (const e of events) {
      const ev = e.event;
      if (isClaimEvent(ev)) {
        const fold = foldOf(e);
        if (fold) writes.set(fold.claimId, fold);
      } else if (ev?.type === 'claimline.source-registered' || ev?.type === 'claimline.source-text-revised') {
        // Views of the events before this one see the text as it was before it.
        writes.flush();
        s.putText.run(ev.data.sourceId, ev.data.text);
        sourceTexts.get(db)?.delete(ev.data.sourceId);
        if (ev.type === 'claimline.source-text-revised') {
          for (const { claim_id } of s.citing.all(ev.data.sourceId)) {
            const stored = s.get.get(claim_id);
            if (!stored) continue;
            const timeline = JSON.parse(stored.timeline) as StoredTimeline;
            for (const entry of timeline.entries) {
              if (entry.sourceId === ev.data.sourceId) entry.quoteInCurrentText = quoteOccursIn(ev.data.text, entry.quote);
            }
            s.put.run(claim_id, timeline.revision, JSON.stringify(timeline));
          }
        }
      }
    }
  });
}

// ---- discrepancies -------------------------------------------------------------------------------

export interface DiscrepancySide {
  assertionId: string;
  sourceId: string;
  quote: string;
  value: string;
  speaker: string;
  saidAt: string;
}

export interface StoredDiscrepancy extends Omit<Discrepancy, 'earlierAssertionId' | 'laterAssertionId'> {
  subject: string;
  predicate: string;
  earlier: DiscrepancySide;
  later: DiscrepancySide;
  status: 'open' | 'resolved';
  openedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
}

/** A claim's discrepancy rows as this projection last left them, and those still to be written. */
interface ClaimDiscrepancies {
  /** Open rows, by pair key. */
  open: Map<string, StoredDiscrepancy>;
  /** Rows to write, by pair key: `seq` is the position of the event that last changed the row. */
  changed: Map<string, { d: StoredDiscrepancy; seq: number; ordinal: number }>;
}

/**
 * Orders the list: the position of the event that first found the pair, then its place among the
 * pairs that event found (a row keeps its ordinal when it is resolved or found again).
 */
const ordinalOf = (position: number, index: number): number => position * 1_048_576 + index;

const pairKey = (earlier: string, later: string): string => `${earlier}\u0000${later}`;

function prepareDiscrepancies(d: Database.Database) {
  return {
    // `+status`: look the claim up by the primary key, not by walking the (status, ordinal) index.
    ofClaim: d.prepare<[string], { body: string }>("SELECT body FROM discrepancies WHERE claim_id = ? AND +status = 'open'"),
    put: d.prepare(
      `INSERT INTO discrepancies (claim_id, earlier_id, later_id, relation, status, earlier_source, later_source, seq, ordinal, body)
       VALUES (@claimId, @earlierId, @laterId, @relation, @status, @earlierSource, @laterSource, @seq, @ordinal, @body)
       ON CONFLICT (claim_id, earlier_id, later_id) DO UPDATE SET relation = excluded.relation, status = excluded.status,
         earlier_source = excluded.earlier_source, later_source = excluded.later_source, seq = excluded.seq, body = excluded.body`,
    ),
  };
}
const discrepancyStatements = new WeakMap<Database.Database, ReturnType<typeof prepareDiscrepancies>>();
const discrepancyStatementsOf = (db: Database.Database) => statementsFor(discrepancyStatements, db, prepareDiscrepancies);

function discrepancyWrites(db: Database.Database): PendingWrites<ClaimDiscrepancies> {
  return pendingFor(pendingDiscrepancies, db, (_claimId, { changed }) => {
    const s = discrepancyStatementsOf(db);
    for (const { d, seq, ordinal } of changed.values()) {
      s.put.run({
        claimId: d.claimId, earlierId: d.earlier.assertionId, laterId: d.later.assertionId, relation: d.relation, status: d.status,
        earlierSource: d.earlier.sourceId, laterSource: d.later.sourceId, seq, ordinal, body: JSON.stringify(d),
      });
    }
  });
}
const pendingDiscrepancies = new WeakMap<Database.Database, PendingWrites<ClaimDiscrepancies>>();

/**
 * Keeps history, so it follows every event (a batch must not hide a passing state): a pair that
 * stops disagreeing is marked resolved by the event that resolved it, with that event's summary.
 */
function applyDiscrepancies(claim: ClaimDiscrepancies, fold: ClaimFold, cause: ProjectedEvent): void {
  const event = cause.event as ClaimEvent;
  // Opening a claim or judging it changes no assertion, and a pair depends on its two assertions only.
  if (!('assertionId' in event.data)) return;
  const touched = event.data.assertionId;
  const ctx = contextOf(cause.recorded);
  const sideOf = (a: AssertionEntry): DiscrepancySide => ({
    assertionId: a.assertionId, sourceId: a.sourceId, quote: a.quote.exact, value: a.value.text, speaker: a.speaker, saidAt: a.saidAt.text,
  });
  const save = (key: string, d: StoredDiscrepancy, index: number): void => {
    const ordinal = claim.changed.get(key)?.ordinal ?? ordinalOf(ctx.position, index);
    claim.changed.set(key, { d, seq: ctx.position, ordinal });
  };
  const wasOpen = new Map<string, StoredDiscrepancy>();
  for (const [key, row] of claim.open) {
    if (row.earlier.assertionId === touched || row.later.assertionId === touched) wasOpen.set(key, row);
  }
  const x = fold.assertions.find((a) => a.assertionId === touched);
  let index = 0;
  if (x && isLiveAssertion(x)) {
    for (const y of fold.assertions) {
      if (y === x || !isLiveAssertion(y)) continue;
      const d = pairDiscrepancy(fold.claimId, x, y, fold.entities);
      if (!d) continue;
      const key = pairKey(d.earlierAssertionId, d.laterAssertionId);
      const previous = wasOpen.get(key);
      wasOpen.delete(key);
      const earlier = sideOf(d.earlierAssertionId === x.assertionId ? x : y);
      const later = sideOf(d.laterAssertionId === x.assertionId ? x : y);
      if (previous && sameDiscrepancy(previous, d, earlier, later)) continue;
      const now: StoredDiscrepancy = {
        claimId: d.claimId, subject: fold.subject, predicate: fold.predicate, relation: d.relation, explanation: d.explanation,
        concurrent: d.concurrent, earlier, later, status: 'open', openedAt: previous?.openedAt ?? ctx.recordedAt, resolvedAt: null, resolution: null,
      };
      claim.open.set(key, now);
      save(key, now, index++);
    }
  }
  // Open before this event and not any more: a retraction or correction resolved it.
  for (const [key, d] of wasOpen) {
    claim.open.delete(key);
    save(key, { ...d, status: 'resolved', resolvedAt: ctx.recordedAt, resolution: fold.lastChange.summary }, index++);
  }
}

const sameSide = (a: DiscrepancySide, b: DiscrepancySide): boolean =>
  a.assertionId === b.assertionId && a.sourceId === b.sourceId && a.quote === b.quote && a.value === b.value && a.speaker === b.speaker && a.saidAt === b.saidAt;

/** Whether a stored open row says what the pair says now (most events leave a row as it was). */
function sameDiscrepancy(stored: StoredDiscrepancy, d: Discrepancy, earlier: DiscrepancySide, later: DiscrepancySide): boolean {
  return stored.relation === d.relation && stored.explanation === d.explanation && stored.concurrent === d.concurrent &&
    sameSide(stored.earlier, earlier) && sameSide(stored.later, later);
}

export const discrepanciesProjection: Projection = {
  name: 'discrepancies' satisfies ProjectionName,
  // 4: text values compared through the claim's entities (a spelling variant is no discrepancy).
  version: 4,
  migrate(db) {
    db.exec(`CREATE TABLE discrepancies (
        claim_id TEXT NOT NULL, earlier_id TEXT NOT NULL, later_id TEXT NOT NULL, relation TEXT NOT NULL, status TEXT NOT NULL,
        earlier_source TEXT NOT NULL, later_source TEXT NOT NULL, seq INTEGER NOT NULL, ordinal INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (claim_id, earlier_id, later_id));
      CREATE INDEX discrepancies_by_ordinal ON discrepancies (ordinal);
      CREATE INDEX discrepancies_by_status ON discrepancies (status, ordinal);`);
  },
  apply(db, events) {
    const s = discrepancyStatementsOf(db);
    const writes = discrepancyWrites(db);
    writes.batch(db, () => {
      for (const [e, fold] of claimEventsOf(events)) {
        let claim = writes.get(fold.claimId);
        if (!claim) {
          const open = new Map<string, StoredDiscrepancy>();
          for (const { body } of s.ofClaim.all(fold.claimId)) {
            const d = JSON.parse(body) as StoredDiscrepancy;
            open.set(pairKey(d.earlier.assertionId, d.later.assertionId), d);
          }
          claim = { open, changed: new Map() };
        }
        applyDiscrepancies(claim, fold, e);
        writes.set(fold.claimId, claim);
      }
    });
  },
  finishBuild(db) {
    discrepancyWrites(db).flush();
  },
};
