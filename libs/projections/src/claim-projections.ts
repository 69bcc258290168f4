import type Database from 'better-sqlite3';
import { CLAIM_EVENT_TYPES, type ClaimEvent, type DomainEvent } from '#domain';
import type { RecordedEvent } from '#event-store';
import {
  discrepanciesOf,
  foldClaim,
  stateOf,
  timelineOf,
  type ClaimFold,
  type Discrepancy,
  type EventContext,
  type TimelineEntry,
} from './claim-view.js';
import { statementsFor, type ProjectedEvent, type Projection, type ProjectionName } from './projection.js';

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

interface FoldStatements {
  head: Database.Statement<[string], { head: string }>;
  entries: Database.Statement<[string], { entry: string }>;
  putHead: Database.Statement<[string, string]>;
  putEntry: Database.Statement<[string, number, string]>;
}
const foldStatements = new WeakMap<Database.Database, FoldStatements>();

/**
 * A claim's fold is stored in two parts: its head (everything but the assertions) and one row per
 * assertion entry. Events mostly add an entry or change one, so a write is the head and the entries
 * the batch touched, not the whole claim again (which made rebuilds write ~30 KB per event).
 */
const FOLDS_DDL = `CREATE TABLE folds (claim_id TEXT PRIMARY KEY, head TEXT NOT NULL);
  CREATE TABLE fold_assertions (claim_id TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (claim_id, seq))`;

function foldStatementsOf(db: Database.Database): FoldStatements {
  return statementsFor(foldStatements, db, (d) => ({
    head: d.prepare('SELECT head FROM folds WHERE claim_id = ?') as FoldStatements['head'],
    entries: d.prepare('SELECT entry FROM fold_assertions WHERE claim_id = ? ORDER BY seq') as FoldStatements['entries'],
    putHead: d.prepare('INSERT OR REPLACE INTO folds (claim_id, head) VALUES (?, ?)') as FoldStatements['putHead'],
    putEntry: d.prepare('INSERT OR REPLACE INTO fold_assertions (claim_id, seq, entry) VALUES (?, ?, ?)') as FoldStatements['putEntry'],
  }));
}

/** The stored fold of a claim in a claim projection's file, or null when it has none. */
export function loadFold(db: Database.Database, claimId: string): ClaimFold | null {
  const s = foldStatementsOf(db);
  const row = s.head.get(claimId);
  if (!row) return null;
  const head = JSON.parse(row.head) as Omit<ClaimFold, 'assertions'>;
  return { ...head, assertions: s.entries.all(claimId).map((r) => JSON.parse(r.entry) as ClaimFold['assertions'][number]) };
}

/**
 * The fold of a claim right after a batch event, shared by the three claim projections: every file
 * that applies an event has applied the log before it, and the fold after an event depends on
 * nothing but the log up to it, so what one projection folded is what the others would fold. They
 * take it instead of reading, parsing and folding the claim again. Held by the decoded event
 * object, so it goes when the batch does.
 */
const foldAfter = new WeakMap<ProjectedEvent, ClaimFold | null>();
/** Stored JSON of a fold head or an assertion entry, made once for all the files that store it. */
const storedJson = new WeakMap<object, string>();

function jsonOf(value: object): string {
  let json = storedJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    storedJson.set(value, json);
  }
  return json;
}

function headOf(fold: ClaimFold): string {
  let json = storedJson.get(fold);
  if (json === undefined) {
    const { assertions: _assertions, ...head } = fold;
    json = JSON.stringify(head);
    storedJson.set(fold, json);
  }
  return json;
}

/**
 * Folds a batch claim by claim: each touched claim's fold is read once (or taken from a sibling
 * projection that folded the same batch), every event of the batch is applied in memory, and the
 * projection writes its view of the result once per claim.
 */
function applyClaimBatch(
  db: Database.Database,
  events: readonly ProjectedEvent[],
  write: (db: Database.Database, fold: ClaimFold, cause: ProjectedEvent) => void,
  /** Write after every event, for views that keep history (a batch must not hide a passing state). */
  everyEvent = false,
): void {
  const s = foldStatementsOf(db);
  const touched = new Map<string, { fold: ClaimFold | null; loaded: boolean; cause: ProjectedEvent; entries: Set<string> }>();
  for (const e of events) {
    if (!isClaimEvent(e.event)) continue;
    const claimId = e.event.data.claimId;
    let entry = touched.get(claimId);
    if (!entry) touched.set(claimId, (entry = { fold: null, loaded: false, cause: e, entries: new Set() }));
    let next = foldAfter.get(e);
    if (next === undefined) {
      if (!entry.loaded) entry.fold = loadFold(db, claimId);
      next = foldClaim(entry.fold, e.event, contextOf(e.recorded));
      foldAfter.set(e, next);
    }
    entry.fold = next;
    entry.loaded = true;
    entry.cause = e;
    // The assertion entries this event added or changed (the others are stored as they are).
    if ('assertionId' in e.event.data) entry.entries.add(e.event.data.assertionId);
    if (everyEvent && next) write(db, next, e);
  }
  for (const [claimId, { fold, cause, entries }] of touched) {
    if (!fold) continue;
    s.putHead.run(claimId, headOf(fold));
    for (let seq = 0; seq < fold.assertions.length; seq++) {
      const a = fold.assertions[seq]!;
      if (entries.has(a.assertionId)) s.putEntry.run(claimId, seq, jsonOf(a));
    }
    if (!everyEvent) write(db, fold, cause);
  }
}

export function searchTextOf(fold: ClaimFold, currentText: string | undefined): string {
  return [fold.subject, fold.predicate, fold.description ?? '', ...fold.entities.flatMap((e) => [e.name, ...e.aliases]), currentText ?? '']
    .join(' \u2016 ')
    .toLowerCase();
}

// ---- claim-state ---------------------------------------------------------------------------------

/**
 * Told the id of every claim whose state row the claim-state projection writes on a connection,
 * inside the write's transaction: the read side keeps a cache of those rows and drops them here.
 */
export const claimStateWritten = new WeakMap<Database.Database, (claimId: string) => void>();

export const claimStateProjection: Projection = {
  name: 'claim-state' satisfies ProjectionName,
  // 2: folds stored as a head and one row per assertion entry.
  version: 2,
  migrate(db) {
    db.exec(`${FOLDS_DDL};
      CREATE TABLE claims (
        claim_id TEXT PRIMARY KEY, opened_position INTEGER NOT NULL, subject TEXT NOT NULL, status TEXT NOT NULL,
        revision INTEGER NOT NULL, search TEXT NOT NULL, last_change_at TEXT NOT NULL, state TEXT NOT NULL);
      CREATE INDEX claims_by_opened ON claims (opened_position);
      CREATE INDEX claims_by_status ON claims (status, opened_position);`);
  },
  apply(db, events) {
    const put = statementsFor(stateStatements, db, (d) =>
      d.prepare(
        `INSERT INTO claims (claim_id, opened_position, subject, status, revision, search, last_change_at, state)
         VALUES (@claimId, @openedPosition, @subject, @status, @revision, @search, @lastChangeAt, @state)
         ON CONFLICT (claim_id) DO UPDATE SET subject = excluded.subject, status = excluded.status, revision = excluded.revision,
           search = excluded.search, last_change_at = excluded.last_change_at, state = excluded.state`,
      ),
    );
    // Only the first write of a claim sees its opening; later upserts keep the stored value.
    const opened = new Map<string, number>();
    for (const e of events) if (e.event?.type === 'claimline.claim-opened') opened.set(e.event.data.claimId, e.recorded.position);
    const written = claimStateWritten.get(db);
    applyClaimBatch(db, events, (_db, fold) => {
      const state = stateOf(fold);
      written?.(fold.claimId);
      put.run({
        claimId: fold.claimId,
        openedPosition: opened.get(fold.claimId) ?? -1,
        subject: fold.subject,
        status: state.status,
        revision: fold.revision,
        search: searchTextOf(fold, state.current?.value.text),
        lastChangeAt: fold.lastChange.at,
        state: JSON.stringify(state),
      });
    });
  },
};
const stateStatements = new WeakMap<Database.Database, Database.Statement>();

// ---- claim-timeline -------------------------------------------------------------------------------

export interface StoredTimeline {
  claimId: string;
  revision: number;
  entries: (TimelineEntry & { quoteInCurrentText: boolean })[];
}

export const claimTimelineProjection: Projection = {
  name: 'claim-timeline' satisfies ProjectionName,
  // 2: folds stored as a head and one row per assertion entry.
  version: 2,
  migrate(db) {
    db.exec(`${FOLDS_DDL};
      CREATE TABLE timelines (claim_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, timeline TEXT NOT NULL);
      CREATE TABLE source_texts (source_id TEXT PRIMARY KEY, text TEXT NOT NULL);
      CREATE TABLE citing (source_id TEXT NOT NULL, claim_id TEXT NOT NULL, PRIMARY KEY (source_id, claim_id));`);
  },
  apply(db, events) {
    const s = statementsFor(timelineStatements, db, (d) => ({
      put: d.prepare('INSERT OR REPLACE INTO timelines (claim_id, revision, timeline) VALUES (?, ?, ?)'),
      text: d.prepare<[string], { text: string }>('SELECT text FROM source_texts WHERE source_id = ?'),
      putText: d.prepare('INSERT OR REPLACE INTO source_texts (source_id, text) VALUES (?, ?)'),
      cite: d.prepare('INSERT OR IGNORE INTO citing (source_id, claim_id) VALUES (?, ?)'),
      citing: d.prepare<[string], { claim_id: string }>('SELECT claim_id FROM citing WHERE source_id = ?'),
    }));
    // Source texts as of the event being applied, read once per batch (not once per entry written).
    const texts = new Map<string, string>();
    const textOf = (sourceId: string): string => {
      let text = texts.get(sourceId);
      if (text === undefined) texts.set(sourceId, (text = s.text.get(sourceId)?.text ?? ''));
      return text;
    };
    const write = (fold: ClaimFold): void => {
      const entries = timelineOf(fold).map((entry) => ({
        ...entry,
        quoteInCurrentText: textOf(entry.sourceId).includes(entry.quote.exact),
      }));
      for (const entry of entries) s.cite.run(entry.sourceId, fold.claimId);
      s.put.run(fold.claimId, fold.revision, JSON.stringify({ claimId: fold.claimId, revision: fold.revision, entries } satisfies StoredTimeline));
    };
    // Source texts first within a run of events, so quotes are checked against the text of that moment.
    let run: ProjectedEvent[] = [];
    const flush = (): void => {
      if (run.length > 0) applyClaimBatch(db, run, (_db, fold) => write(fold));
      run = [];
    };
    for (const e of events) {
      const ev = e.event;
      if (ev?.type === 'claimline.source-registered' || ev?.type === 'claimline.source-text-revised') {
        flush();
        s.putText.run(ev.data.sourceId, ev.data.text);
        texts.set(ev.data.sourceId, ev.data.text);
        if (ev.type === 'claimline.source-text-revised') {
          for (const { claim_id } of s.citing.all(ev.data.sourceId)) {
            const fold = loadFold(db, claim_id);
            if (fold) write(fold);
          }
        }
      } else {
        run.push(e);
      }
    }
    flush();
  },
};
const timelineStatements = new WeakMap<Database.Database, {
  put: Database.Statement;
  text: Database.Statement<[string], { text: string }>;
  putText: Database.Statement;
  cite: Database.Statement;
  citing: Database.Statement<[string], { claim_id: string }>;
}>();

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

export const discrepanciesProjection: Projection = {
  name: 'discrepancies' satisfies ProjectionName,
  // 2: folds stored as a head and one row per assertion entry.
  version: 2,
  migrate(db) {
    db.exec(`${FOLDS_DDL};
      CREATE TABLE discrepancies (
        claim_id TEXT NOT NULL, earlier_id TEXT NOT NULL, later_id TEXT NOT NULL, relation TEXT NOT NULL, status TEXT NOT NULL,
        earlier_source TEXT NOT NULL, later_source TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (claim_id, earlier_id, later_id));
      CREATE INDEX discrepancies_by_status ON discrepancies (status, seq);`);
  },
  apply(db, events) {
    const s = statementsFor(discrepancyStatements, db, (d) => ({
      // `+status`: look the claim up by the primary key. Left to itself SQLite picks the
      // (status, seq) index here and walks every open discrepancy of every claim, per event.
      ofClaim: d.prepare<[string], { body: string }>("SELECT body FROM discrepancies WHERE claim_id = ? AND +status = 'open'"),
      put: d.prepare(
        `INSERT INTO discrepancies (claim_id, earlier_id, later_id, relation, status, earlier_source, later_source, seq, body)
         VALUES (@claimId, @earlierId, @laterId, @relation, @status, @earlierSource, @laterSource, @seq, @body)
         ON CONFLICT (claim_id, earlier_id, later_id) DO UPDATE SET relation = excluded.relation, status = excluded.status,
           earlier_source = excluded.earlier_source, later_source = excluded.later_source, seq = excluded.seq, body = excluded.body`,
      ),
    }));
    applyClaimBatch(db, events, (_db, fold, cause) => {
      const ctx = contextOf(cause.recorded);
      const side = (id: string): DiscrepancySide => {
        const a = fold.assertions.find((x) => x.assertionId === id)!;
        return { assertionId: id, sourceId: a.sourceId, quote: a.quote.exact, value: a.value.text, speaker: a.speaker, saidAt: a.saidAt.text };
      };
      const now = discrepanciesOf(fold);
      const key = (e: string, l: string): string => `${e}\u0000${l}`;
      const open = new Map(s.ofClaim.all(fold.claimId).map((r) => {
        const d = JSON.parse(r.body) as StoredDiscrepancy;
        return [key(d.earlier.assertionId, d.later.assertionId), { d, body: r.body }];
      }));
      /** Writes the row unless it is stored exactly so already (most events change no discrepancy). */
      const save = (d: StoredDiscrepancy, stored?: string): void => {
        const body = JSON.stringify(d);
        if (body === stored) return;
        s.put.run({
          claimId: d.claimId, earlierId: d.earlier.assertionId, laterId: d.later.assertionId, relation: d.relation, status: d.status,
          earlierSource: d.earlier.sourceId, laterSource: d.later.sourceId, seq: ctx.position, body,
        });
      };
      for (const d of now) {
        const k = key(d.earlierAssertionId, d.laterAssertionId);
        const previous = open.get(k);
        open.delete(k);
        save({
          claimId: d.claimId, subject: fold.subject, predicate: fold.predicate, relation: d.relation, explanation: d.explanation,
          concurrent: d.concurrent, earlier: side(d.earlierAssertionId), later: side(d.laterAssertionId), status: 'open',
          openedAt: previous?.d.openedAt ?? ctx.recordedAt, resolvedAt: null, resolution: null,
        }, previous?.body);
      }
      // Open before this batch and not any more: a retraction or correction resolved it.
      for (const { d } of open.values()) {
        save({ ...d, status: 'resolved', resolvedAt: ctx.recordedAt, resolution: fold.lastChange.summary });
      }
    }, true);
  },
};
const discrepancyStatements = new WeakMap<Database.Database, { ofClaim: Database.Statement<[string], { body: string }>; put: Database.Statement }>();
