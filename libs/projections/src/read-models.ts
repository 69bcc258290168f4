import type Database from 'better-sqlite3';
import { diffWordsWithSpace } from 'diff';
import { claimStream, fromRecorded, isDomainEventType, quoteOccursIn, type DateValue } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import { CLAIM_RANK_SQL, CLAIM_RANKS, claimStateWritten, contextOf, isClaimEvent, type StoredDiscrepancy, type StoredTimeline } from './claim-projections.js';
import { foldClaim, stateOf, timelineOf, type ClaimFold, type ClaimState, type ViewFilter } from './claim-view.js';
import type { ProjectionRunner } from './projection-runner.js';
import type { ProjectedEvent, ProjectionName } from './projection.js';
import { CLAIM_INDEX, SearchIndex, SOURCE_INDEX, type SearchIndexSpec, type SearchMatch } from './search-index.js';

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface AsOf {
  /** Recorded-at axis: what claimline said at this instant (ISO 8601). */
  asOf?: string;
  /** Said-at axis: only what was on the public record by this day (`YYYY-MM-DD`). */
  saidBy?: string;
}

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
  quote: { exact: string; prefix: string; suffix: string; start: number; end: number };
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

export interface AuditEvent {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  actor: string;
  recordedAt: string;
  claimId: string | null;
  data: unknown;
  metadata: Record<string, unknown>;
}

/**
 * A stored event as the audit view serves it (GET /events), made from the event itself: for the
 * live feed, and for readers of the log that do not open the read models.
 */
export function auditEventOf({ recorded, event }: ProjectedEvent): AuditEvent {
  const { actor, recordedAt } = contextOf(recorded);
  const { position, id, stream, revision, type, data } = recorded;
  return { position, id, stream, revision, type, actor, recordedAt, claimId: isClaimEvent(event) ? event.data.claimId : null, data, metadata: recorded.metadata as Record<string, unknown> };
}

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
export type FoundClaim = ClaimState & { match?: SearchMatch };
export type FoundSource = SourceSummary & { match?: SearchMatch };

const encodeCursor = (n: number | string): string => Buffer.from(String(n)).toString('base64url');

export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
  /** Read by the HTTP layer (as a domain refusal is): a 400 naming the query parameter, not a 500. */
  readonly kind = 'invalid';
  readonly field = 'cursor';
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return -Infinity;
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isInteger(n)) throw new InvalidCursor(`the cursor "${cursor}" is not one this server gave out`);
  return n;
}

/** A claims-list cursor: the rank (changes first) and opening position of the last claim sent. */
function decodeClaimCursor(cursor: string | undefined): { rank: number; position: number } {
  if (cursor === undefined) return { rank: -1, position: -1 };
  const m = /^(\d)\.(-?\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new InvalidCursor(`the cursor "${cursor}" is not one this server gave out`);
  return { rank: Number(m[1]), position: Number(m[2]) };
}

/**
 * Prepared statements per read-model connection and SQL text. Preparing costs more than running
 * these queries, and a connection is replaced when a rebuild swaps its file in (hence the WeakMap).
 */
const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * Live claim states recently read, as stored JSON text, per claim-state connection. The projection
 * drops a claim's entry in the same synchronous transaction that rewrites its row (see
 * claimStateWritten), so a hit is always the stored row; a rebuild's new connection starts empty.
 */
const stateCaches = new WeakMap<Database.Database, Map<string, string>>();
const STATE_CACHE_ENTRIES = 10_000;

/** The full-text index of a read-model connection, for reading (the projection writes through its own). */
const searchIndexes = new WeakMap<Database.Database, SearchIndex<SearchIndexSpec>>();

/** The read side: every query over the projections, plus as-of reads folded from the log. */
export class ReadModels {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly store: EventStore,
  ) {}

  private sql(projection: ProjectionName, sql: string): Database.Statement {
    const db = this.runner.db(projection);
    let statements = prepared.get(db);
    if (!statements) prepared.set(db, (statements = new Map()));
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  }

  private search<S extends SearchIndexSpec>(projection: ProjectionName, spec: S): SearchIndex<S> {
    const db = this.runner.db(projection);
    let index = searchIndexes.get(db);
    if (!index) searchIndexes.set(db, (index = new SearchIndex(db, spec)));
    return index as unknown as SearchIndex<S>;
  }

  listClaims(filter: ClaimFilter): Page<FoundClaim> {
    const { states, nextCursor } = this.claimRows(filter);
    return { items: states.map((json) => JSON.parse(json) as FoundClaim), nextCursor };
  }

  /** listClaims as the JSON text it is sent as: the stored states joined, none parsed and re-serialized. */
  listClaimsJson(filter: ClaimFilter): string {
    const { states, nextCursor } = this.claimRows(filter);
    return `{"items":[${states.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }

  /**
   * With `q`: the claims the full-text index finds, best first, each stored state with its `match`
   * added. Without: changes first (contested, revised, then settled), each in the order the claims
   * were opened; the cursor holds both. One indexed range per rank, so a deep page costs no more
   * than the first; `subject` and `entity` are words the index looks up once for the whole list.
   */
  private claimRows(filter: ClaimFilter): { states: string[]; nextCursor: string | null } {
    const index = this.search('claim-state', CLAIM_INDEX);
    const [q, subject, entities] = [filter.q, filter.subject, filter.entity].map(given);
    if (q !== undefined) {
      const query = index.query(q, [
        { column: 'subject', value: subject, param: 'subject' },
        { column: 'entities', value: entities, param: 'entity' },
        { column: 'status', value: filter.status, param: 'status' },
      ])!;
      const { hits, nextCursor } = index.search(query, { limit: filter.limit, cursor: filter.cursor });
      const states = hits.flatMap((hit) => {
        const json = this.claimStateJson(hit.key);
        return json === undefined ? [] : [`${json.slice(0, -1)},"match":${JSON.stringify(hit.match)}}`];
      });
      return { states, nextCursor };
    }
    const after = decodeClaimCursor(filter.cursor);
    const words = index.query(undefined, [
      { column: 'subject', value: subject, param: 'subject' },
      { column: 'entities', value: entities, param: 'entity' },
    ]);
    const where = [filter.status ? 'status = @status' : `${CLAIM_RANK_SQL} = @rank`, 'opened_position > @after'];
    if (words !== null) where.push(`opened_position IN (${index.rowidsMatching('words')})`);
    const statement = this.sql('claim-state', `SELECT opened_position, state FROM claims WHERE ${where.join(' AND ')} ORDER BY opened_position LIMIT @limit`);
    const rows: { rank: number; opened_position: number; state: string }[] = [];
    for (const rank of filter.status ? [CLAIM_RANKS[filter.status] ?? CLAIM_RANKS.settled] : [0, 1, 2]) {
      if (rank < after.rank || rows.length > filter.limit) continue;
      const found = statement.all({
        rank,
        after: rank === after.rank ? after.position : -1,
        words: words?.match,
        status: filter.status,
        limit: filter.limit + 1 - rows.length,
      }) as { opened_position: number; state: string }[];
      rows.push(...found.map((r) => ({ ...r, rank })));
    }
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return {
      states: items.map((r) => r.state),
      nextCursor: rows.length > filter.limit && last ? encodeCursor(`${last.rank}.${last.opened_position}`) : null,
    };
  }

  /**
   * The claims a passage of an article may be about (its sentence, paragraph, title), best first:
   * those sharing its most telling words (SearchIndex.candidates). For the intake matcher, which
   * scores them itself.
   */
  claimCandidates(passage: readonly string[], limit: number): FoundClaim[] {
    return this.search('claim-state', CLAIM_INDEX)
      .candidates(passage, limit)
      .flatMap((hit) => {
        const json = this.claimStateJson(hit.key);
        return json === undefined ? [] : [{ ...(JSON.parse(json) as ClaimState), match: hit.match }];
      });
  }

  /** The live state of a claim as the JSON text the projection stored (nothing to parse or re-serialize). */
  claimStateJson(claimId: string): string | undefined {
    const db = this.runner.db('claim-state');
    let cache = stateCaches.get(db);
    if (!cache) {
      const entries = new Map<string, string>();
      stateCaches.set(db, (cache = entries));
      claimStateWritten.set(db, (id) => entries.delete(id));
    }
    let json = cache.get(claimId);
    if (json !== undefined) return json;
    json = (this.sql('claim-state', 'SELECT state FROM claims WHERE claim_id = ?').get(claimId) as { state: string } | undefined)?.state;
    if (json !== undefined) {
      if (cache.size >= STATE_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(claimId, json);
    }
    return json;
  }

  async claimState(claimId: string, at: AsOf = {}): Promise<ClaimState | undefined> {
    if (at.asOf === undefined && at.saidBy === undefined) {
      // The live view: one indexed read, no existence check first.
      const json = this.claimStateJson(claimId);
      return json === undefined ? undefined : (JSON.parse(json) as ClaimState);
    }
    const fold = await this.foldAt(claimId, at);
    return fold && stateOf(fold, viewFilter(at));
  }

  /** The live timeline of a claim as the JSON text the projection stored. */
  timelineJson(claimId: string): string | undefined {
    return (this.sql('claim-timeline', 'SELECT timeline FROM timelines WHERE claim_id = ?').get(claimId) as { timeline: string } | undefined)?.timeline;
  }

  async timeline(claimId: string, at: AsOf = {}): Promise<StoredTimeline | undefined> {
    if (at.asOf === undefined && at.saidBy === undefined) {
      const json = this.timelineJson(claimId);
      return json === undefined ? undefined : (JSON.parse(json) as StoredTimeline);
    }
    const fold = await this.foldAt(claimId, at);
    if (fold === undefined) return undefined;
    const texts = this.sql('claim-timeline', 'SELECT text FROM source_texts WHERE source_id = ?');
    return {
      claimId,
      revision: fold.revision,
      entries: timelineOf(fold, viewFilter(at)).map((e) => ({
        ...e,
        quoteInCurrentText: quoteOccursIn((texts.get(e.sourceId) as { text: string } | undefined)?.text ?? '', e.quote),
      })),
    };
  }

  /** One entry of a claim's live timeline (SQLite picks it out of the stored JSON: nothing else is parsed). */
  timelineEntry(claimId: string, assertionId: string): StoredTimeline['entries'][number] | undefined {
    const row = this.sql(
      'claim-timeline',
      "SELECT e.value AS entry FROM timelines t, json_each(t.timeline, '$.entries') e WHERE t.claim_id = ? AND json_extract(e.value, '$.assertionId') = ?",
    ).get(claimId, assertionId) as { entry: string } | undefined;
    return row && (JSON.parse(row.entry) as StoredTimeline['entries'][number]);
  }

  /** The claim as it stood at `at` (one of asOf, saidBy is set); undefined when it did not exist. */
  private async foldAt(claimId: string, at: AsOf): Promise<ClaimFold | undefined> {
    const exists = this.sql('claim-state', 'SELECT 1 FROM claims WHERE claim_id = ?').get(claimId);
    if (!exists) return undefined;
    if (at.asOf === undefined) {
      // The claim's stream as far as the claim-state view has applied it: the same moment as the live views.
      return (await this.runner.folds.foldFromLog(claimId, undefined, this.runner.checkpoint('claim-state'))) ?? undefined;
    }
    const asOf = Date.parse(at.asOf);
    let fold: ClaimFold | null = null;
    for (const recorded of await this.store.readStream(claimStream(claimId))) {
      const ctx = contextOf(recorded);
      if (Date.parse(ctx.recordedAt) > asOf) break;
      const event = isDomainEventType(recorded.type) ? fromRecorded(recorded) : null;
      if (isClaimEvent(event)) fold = foldClaim(fold, event, ctx);
    }
    // Before the claim was opened claimline said nothing about it.
    return fold ?? undefined;
  }

  async claimEvents(claimId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(claimStream(claimId));
  }

  discrepancies(filter: { relation?: string; claim?: string; source?: string; status?: 'open' | 'resolved' | 'all'; cursor?: string; limit: number }): Page<StoredDiscrepancy> {
    const after = decodeCursor(filter.cursor);
    const where = ['ordinal > @after'];
    if (filter.relation) where.push('relation = @relation');
    if (filter.claim) where.push('claim_id = @claim');
    if (filter.source) where.push('(earlier_source = @source OR later_source = @source)');
    if ((filter.status ?? 'open') !== 'all') where.push('status = @status');
    const rows = this.sql('discrepancies', `SELECT ordinal, body FROM discrepancies WHERE ${where.join(' AND ')} ORDER BY ordinal LIMIT @limit`)
      .all({
        after: after === -Infinity ? -1 : after,
        relation: filter.relation,
        claim: filter.claim,
        source: filter.source,
        status: filter.status ?? 'open',
        limit: filter.limit + 1,
      }) as { ordinal: number; body: string }[];
    const items = rows.slice(0, filter.limit);
    return { items: items.map((r) => JSON.parse(r.body) as StoredDiscrepancy), nextCursor: rows.length > filter.limit ? encodeCursor(items.at(-1)!.ordinal) : null };
  }

  /** In registration order; with `q`, the sources the full-text index finds, best first, each with its `match`. */
  listSources(filter: { q?: string; cursor?: string; limit: number }): Page<FoundSource> {
    const q = given(filter.q);
    if (q !== undefined) {
      const index = this.search('sources', SOURCE_INDEX);
      const { hits, nextCursor } = index.search(index.query(q)!, { limit: filter.limit, cursor: filter.cursor });
      const items = hits.flatMap((hit) => {
        const row = this.sourceRow(hit.key);
        return row ? [{ ...summaryOf(row), match: hit.match }] : [];
      });
      return { items, nextCursor };
    }
    const after = decodeCursor(filter.cursor);
    const rows = this.sql('sources', 
        `SELECT s.*, (SELECT count(*) FROM citations c WHERE c.source_id = s.source_id AND c.status = 'live') AS citations
         FROM sources s WHERE position > @after ORDER BY position LIMIT @limit`,
      )
      .all({ after: after === -Infinity ? -1 : after, limit: filter.limit + 1 }) as SourceRow[];
    const items = rows.slice(0, filter.limit);
    return { items: items.map(summaryOf), nextCursor: rows.length > filter.limit ? encodeCursor(items.at(-1)!.position) : null };
  }

  private sourceRow(sourceId: string): SourceRow | undefined {
    return this.sql('sources', `SELECT s.*, (SELECT count(*) FROM citations c WHERE c.source_id = s.source_id AND c.status = 'live') AS citations FROM sources s WHERE source_id = ?`)
      .get(sourceId) as SourceRow | undefined;
  }

  source(sourceId: string): (SourceSummary & { text: string; citedBy: Citation[] }) | undefined {
    const row = this.sourceRow(sourceId);
    if (!row) return undefined;
    const citations = this.sql(
        'sources',
        `SELECT c.*, cl.subject, cl.predicate FROM citations c LEFT JOIN claims cl ON cl.claim_id = c.claim_id
         WHERE c.source_id = ? ORDER BY json_extract(c.quote, '$.start')`,
      )
      .all(sourceId) as CitationRow[];
    return {
      ...summaryOf(row),
      text: row.text,
      citedBy: citations.map((c) => ({
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
    const rows = this.sql('sources', 'SELECT * FROM revisions WHERE source_id = ? ORDER BY text_version')
      .all(sourceId) as { text_version: number; text: string; content_hash: string; at: string; by: string; reason: string | null }[];
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

  events(filter: { after?: number; limit: number; stream?: string; actor?: string; type?: string; since?: string; until?: string }): { items: AuditEvent[]; next: number | null } {
    const where = ['position > @after'];
    if (filter.stream) where.push('stream = @stream');
    if (filter.actor) where.push('actor = @actor');
    if (filter.type) where.push('type = @type');
    if (filter.since) where.push('recorded_at >= @since');
    if (filter.until) where.push('recorded_at <= @until');
    const rows = this.sql('audit', `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT @limit`)
      .all({ ...filter, after: filter.after ?? -1, limit: filter.limit }) as AuditRow[];
    const items = rows.map((r) => ({
      position: r.position,
      id: r.event_id,
      stream: r.stream,
      revision: r.revision,
      type: r.type,
      actor: r.actor,
      recordedAt: r.recorded_at,
      claimId: r.claim_id,
      data: JSON.parse(r.data) as unknown,
      metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    }));
    return { items, next: items.length === filter.limit ? items.at(-1)!.position : null };
  }

  /** Every claim with a verdict, for the ClaimReview export. */
  claimsWithVerdicts(): ClaimState[] {
    return (this.sql('claim-state', 'SELECT state FROM claims ORDER BY opened_position').all() as { state: string }[])
      .map((r) => JSON.parse(r.state) as ClaimState)
      .filter((s) => s.verdict !== null);
  }
}

/** A blank search box is no search. */
const given = (words: string | undefined): string | undefined => (words?.trim() ? words : undefined);

function viewFilter(at: AsOf): ViewFilter {
  return at.saidBy === undefined ? {} : { saidBy: at.saidBy };
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

interface AuditRow {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  actor: string;
  recorded_at: string;
  claim_id: string | null;
  data: string;
  metadata: string;
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
