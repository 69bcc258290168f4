import {
  type AssertionFacts,
  type DateValue,
  type DayBounds,
  type DomainEvent,
  type FiscalYearStart,
  formatValue,
  fromRecorded,
  isDomainEventType,
  parseValue,
  type ParseContext,
  quoteOccursIn,
  selectorAt,
  type Value,
  type ValueInput,
  type ValueType,
} from '#domain';
import type { RecordedEvent } from '#event-store';

/**
 * Re-checks what the log stores against what the code would store today, without trusting any
 * projection: every quote against the source text version it names, and every value and said-at
 * against the current parser, read with the same context the decider gave it (DESIGN 3: stored
 * bounds are never re-derived silently, so a parser change that would move them shows up here).
 */

/** One stored fact that differs from what the current code makes of the same input. */
export interface Drift {
  /** null for a source's own publishedAt. */
  claimId: string | null;
  assertionId: string | null;
  sourceId: string | null;
  /** Global position of the event that stored the fact. */
  position: number;
  /** Which event stored it: `recorded`, `corrected` (an assertion) or `registered` (a source). */
  storedBy: 'recorded' | 'corrected' | 'registered';
  /** Dotted, as in the event: `quote.exact`, `value.bounds`, `saidAt.normalized`, `publishedAt.bounds`… */
  field: string;
  stored: string;
  now: string;
}

/** Worth knowing, not drift: e.g. the outlet edited the article and the quote is no longer in it. */
export interface Note {
  claimId: string;
  assertionId: string;
  sourceId: string;
  message: string;
}

export interface VerifyReport {
  events: number;
  sources: number;
  claims: number;
  assertions: number;
  drifts: Drift[];
  notes: Note[];
  /** Events this build cannot read (a newer schema version): nothing in them could be checked. */
  unreadable: { position: number; id: string; type: string; reason: string }[];
}

interface SourceEntry {
  publishedAt: DateValue;
  fiscalYear?: FiscalYearStart;
  texts: Map<number, string>;
  currentVersion: number;
}

interface AssertionEntry {
  claimId: string;
  assertionId: string;
  facts: AssertionFacts;
  retracted: boolean;
}

type Where = Pick<Drift, 'claimId' | 'assertionId' | 'sourceId' | 'position' | 'storedBy'>;

export class LogVerifier {
  private readonly sources = new Map<string, SourceEntry>();
  private readonly claimTypes = new Map<string, ValueType>();
  private readonly assertions = new Map<string, AssertionEntry>();
  private readonly drifts: Drift[] = [];
  private readonly unreadable: VerifyReport['unreadable'] = [];
  private events = 0;

  /** Feed the log in global order. */
  add(recorded: RecordedEvent): void {
    this.events += 1;
    if (!isDomainEventType(recorded.type)) return;
    let event: DomainEvent;
    try {
      event = fromRecorded(recorded);
    } catch (error) {
      this.unreadable.push({ position: recorded.position, id: recorded.id, type: recorded.type, reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    const position = recorded.position;
    switch (event.type) {
      case 'claimline.source-registered': {
        const d = event.data;
        this.sources.set(d.sourceId, { publishedAt: d.publishedAt, fiscalYear: d.fiscalYear, texts: new Map([[1, d.text]]), currentVersion: 1 });
        // Read with no context, as registration reads it.
        this.checkValue({ claimId: null, assertionId: null, sourceId: d.sourceId, position, storedBy: 'registered' }, 'publishedAt', d.publishedAt, 'date', undefined);
        return;
      }
      case 'claimline.source-text-revised': {
        const source = this.sources.get(event.data.sourceId);
        if (!source) return;
        source.texts.set(event.data.textVersion, event.data.text);
        source.currentVersion = Math.max(source.currentVersion, event.data.textVersion);
        return;
      }
      case 'claimline.claim-opened':
        this.claimTypes.set(event.data.claimId, event.data.valueType);
        return;
      case 'claimline.assertion-recorded': {
        const { claimId, assertionId, note: _note, ...facts } = event.data;
        const where: Where = { claimId, assertionId, sourceId: facts.sourceId, position, storedBy: 'recorded' };
        this.assertions.set(key(claimId, assertionId), { claimId, assertionId, facts, retracted: false });
        const source = this.sources.get(facts.sourceId);
        if (!source) {
          this.drift(where, 'sourceId', facts.sourceId, 'no such source in the log');
        } else {
          this.checkQuote(where, facts);
          // A said-at left out is the source's publishedAt (checked with the source); one given was read against it.
          if (!sameJson(facts.saidAt, source.publishedAt)) this.checkValue(where, 'saidAt', facts.saidAt, 'date', source.publishedAt.bounds);
        }
        this.checkValue(where, 'value', facts.value, this.claimTypes.get(claimId), facts.saidAt.bounds, source?.fiscalYear);
        return;
      }
      case 'claimline.assertion-corrected': {
        const { claimId, assertionId, changes } = event.data;
        const entry = this.assertions.get(key(claimId, assertionId));
        if (!entry) return;
        entry.facts = { ...entry.facts, ...changes };
        const facts = entry.facts;
        const where: Where = { claimId, assertionId, sourceId: facts.sourceId, position, storedBy: 'corrected' };
        const source = this.sources.get(facts.sourceId);
        if (!source) {
          this.drift(where, 'sourceId', facts.sourceId, 'no such source in the log');
          return;
        }
        // Only what this correction set is checked here: the rest was checked where it was stored.
        if (changes.quote !== undefined || changes.sourceTextVersion !== undefined || changes.sourceId !== undefined) this.checkQuote(where, facts);
        if (changes.saidAt !== undefined) this.checkValue(where, 'saidAt', facts.saidAt, 'date', source.publishedAt.bounds);
        // A corrected value is read against the said-at as it stands after the correction.
        if (changes.value !== undefined) this.checkValue(where, 'value', facts.value, this.claimTypes.get(claimId), facts.saidAt.bounds, source.fiscalYear);
        return;
      }
      case 'claimline.assertion-retracted': {
        const entry = this.assertions.get(key(event.data.claimId, event.data.assertionId));
        if (entry) entry.retracted = true;
        return;
      }
      case 'claimline.verdict-recorded':
        return;
    }
  }

  /** What was found, once the whole log has been added. */
  report(): VerifyReport {
    const notes: Note[] = [];
    for (const { claimId, assertionId, facts, retracted } of this.assertions.values()) {
      const source = this.sources.get(facts.sourceId);
      if (!source || retracted) continue;
      const current = source.texts.get(source.currentVersion)!;
      if (source.currentVersion !== facts.sourceTextVersion && !quoteOccursIn(current, facts.quote)) {
        notes.push({
          claimId,
          assertionId,
          sourceId: facts.sourceId,
          message: `the quote (from text version ${facts.sourceTextVersion}) no longer occurs in the current text (version ${source.currentVersion}) of its source`,
        });
      }
    }
    return {
      events: this.events,
      sources: this.sources.size,
      claims: this.claimTypes.size,
      assertions: this.assertions.size,
      drifts: this.drifts,
      notes,
      unreadable: this.unreadable,
    };
  }

  private checkQuote(where: Where, facts: AssertionFacts): void {
    const text = this.sources.get(facts.sourceId)!.texts.get(facts.sourceTextVersion);
    if (text === undefined) {
      this.drift(where, 'sourceTextVersion', String(facts.sourceTextVersion), 'no such text version of the source in the log');
      return;
    }
    const q = facts.quote;
    const valid = Number.isInteger(q.start) && Number.isInteger(q.end) && q.start >= 0 && q.end >= q.start && q.end <= text.length;
    if (!valid) {
      this.drift(where, 'quote.start..end', `${q.start}..${q.end}`, `outside the text (0..${text.length}) of version ${facts.sourceTextVersion}`);
      return;
    }
    const there = selectorAt(text, q.start, q.end - q.start);
    if (there.exact !== q.exact) {
      this.drift(where, 'quote.exact', shown(q.exact), `${shown(there.exact)} at ${q.start}..${q.end} of text version ${facts.sourceTextVersion}`);
      return; // prefix and suffix follow from the offsets: reporting them too would say the same twice
    }
    if (there.prefix !== q.prefix) this.drift(where, 'quote.prefix', shown(q.prefix), shown(there.prefix));
    if (there.suffix !== q.suffix) this.drift(where, 'quote.suffix', shown(q.suffix), shown(there.suffix));
  }

  private checkValue(where: Where, field: string, stored: Value, claimType: ValueType | undefined, saidAt: DayBounds | undefined, fiscalYear?: FiscalYearStart): void {
    if (claimType !== undefined && stored.type !== claimType) {
      this.drift(where, `${field}.type`, stored.type, `the claim takes ${claimType} values`);
      return;
    }
    let now: Value;
    try {
      now = reread(stored, saidAt, fiscalYear);
    } catch (error) {
      if (enteredAsFields(stored, saidAt)) return;
      this.drift(where, field, describe(stored), `refused: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const found = differences(field, stored, now);
    // Words that are only the formatter's rendering of fields (`{"amount": …, "modifier": "about"}`
    // stored as "between 68.4% and 83.6%") need not read back to the same normalized point.
    if (found.length === 0 || enteredAsFields(stored, saidAt)) return;
    for (const d of found) this.drift(where, d.field, d.stored, d.now);
  }

  private drift(where: Where, field: string, stored: string, now: string): void {
    this.drifts.push({ ...where, field, stored, now });
  }
}

/**
 * The stored words read again as the decider read them: the same type and convention (a value
 * read forward is read forward again), the unit or noun only where the words leave it out, the
 * said-at bounds as context for relative words and the source's fiscal year for its year ranges.
 */
export function reread(stored: Value, saidAt: DayBounds | undefined, fiscalYear?: FiscalYearStart): Value {
  const context: ParseContext = { ...(saidAt ? { saidAt } : {}), ...(fiscalYear ? { fiscalYear } : {}) };
  const input: ValueInput = { type: stored.type, text: stored.text };
  if (stored.type === 'date' && stored.convention !== undefined) input.convention = stored.convention;
  if (stored.type === 'count' && stored.noun !== undefined) input.noun = stored.noun;
  if (stored.type === 'quantity') {
    try {
      return parseValue(input, context);
    } catch {
      // "5 billion" recorded with {unit: "USD"} beside the words: read it with that unit
      return parseValue({ ...input, unit: stored.unit }, context);
    }
  }
  return parseValue(input, context);
}

type Difference = Pick<Drift, 'field' | 'stored' | 'now'>;

function differences(field: string, stored: Value, now: Value): Difference[] {
  const found: Difference[] = [];
  if (now.type === 'text' || stored.type === 'text') {
    if (now.normalized !== stored.normalized) found.push({ field: `${field}.normalized`, stored: shown(stored.normalized), now: shown(now.normalized) });
    return found;
  }
  if (!sameJson(stored.bounds, now.bounds)) found.push({ field: `${field}.bounds`, stored: boundsText(stored.bounds), now: boundsText(now.bounds) });
  if (stored.normalized !== now.normalized) found.push({ field: `${field}.normalized`, stored: stored.normalized, now: now.normalized });
  if (stored.type === 'quantity' && now.type === 'quantity' && stored.unit !== now.unit) found.push({ field: `${field}.unit`, stored: stored.unit, now: now.unit });
  return found;
}

/**
 * Whether the value came from structured fields rather than words: its text is what the formatter
 * writes for it, and the current parser, fed the stored fields, gives the value back unchanged.
 */
function enteredAsFields(stored: Value, saidAt: DayBounds | undefined): boolean {
  if (stored.type === 'text' || stored.text !== formatValue(stored)) return false;
  try {
    return differences('value', stored, parseValue({ ...stored }, saidAt ? { saidAt } : {})).length === 0;
  } catch {
    return false;
  }
}

function key(claimId: string, assertionId: string): string {
  return `${claimId}/${assertionId}`;
}

function boundsText(b: { lo: string | number | null; hi: string | number | null }): string {
  return `${b.lo ?? ''}..${b.hi ?? ''}`;
}

function describe(v: Value): string {
  return v.type === 'text' ? shown(v.text) : `${shown(v.text)} = ${v.normalized} [${boundsText(v.bounds)}]`;
}

/** Words in double quotes, escaped as JSON, so a stray space or line break shows. */
function shown(s: string): string {
  return JSON.stringify(s);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, sortedKeys) === JSON.stringify(b, sortedKeys);
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
