import { createHash } from 'node:crypto';
import { DomainError, optionalText, parsingField, requireText } from '../events/domain-error.js';
import type { SourceEvent } from '../events/events.js';
import { FISCAL_YEAR_STARTS, type FiscalYearStart, parseDate } from '../values/parse.js';
import type { DateValue } from '../values/value.js';

// ---- commands ------------------------------------------------------------------------------------

export interface RegisterSource {
  type: 'RegisterSource';
  data: {
    sourceId: string;
    title: string;
    publisher?: string | null;
    author?: string | null;
    url?: string | null;
    /** BCP 47; defaults to `und` (undetermined). */
    language?: string;
    /** Date words or EDTF ("4 December 2025", "2025-12-04"); parsed here, stored with its bounds. */
    publishedAt: string;
    retrievedAt?: string | null;
    /** The outlet's fiscal year (april, july, october), when it writes by one. */
    fiscalYear?: string | null;
    text: string;
  };
}

export interface ReviseSourceText {
  type: 'ReviseSourceText';
  data: { sourceId: string; text: string; reason?: string };
}

export type SourceCommand = RegisterSource | ReviseSourceText;

// ---- state ---------------------------------------------------------------------------------------

/** What deciding about a source (or quoting from it) needs to know. */
export type SourceState =
  | { status: 'absent' }
  | {
      status: 'registered';
      sourceId: string;
      /** The default speaker of its assertions. */
      publisher: string | null;
      publishedAt: DateValue;
      /** How the outlet's year ranges and fiscal labels are read (absent: calendar years). */
      fiscalYear?: FiscalYearStart;
      /** The current text and its version number (1 = as registered). */
      text: string;
      textVersion: number;
      contentHash: string;
    };

export const initialSourceState = (): SourceState => ({ status: 'absent' });

// ---- decide / evolve -----------------------------------------------------------------------------

export function decideSource(command: SourceCommand, state: SourceState): SourceEvent[] {
  switch (command.type) {
    case 'RegisterSource': {
      if (state.status !== 'absent') {
        throw new DomainError('conflict', `source ${state.sourceId} is already registered`, 'sourceId');
      }
      const c = command.data;
      const text = requireSourceText(c.text);
      const publishedAt = parsingField('publishedAt', () => parseDate(requireText(c.publishedAt, 'publishedAt')));
      const fiscalYear = optionalFiscalYear(c.fiscalYear);
      return [
        {
          type: 'claimline.source-registered',
          data: {
            sourceId: requireText(c.sourceId, 'sourceId'),
            title: requireText(c.title, 'title'),
            publisher: optionalText(c.publisher, 'publisher') ?? null,
            author: optionalText(c.author, 'author') ?? null,
            url: optionalUrl(c.url),
            language: c.language === undefined || c.language === null ? 'und' : requireLanguage(c.language),
            publishedAt,
            retrievedAt: optionalInstant(c.retrievedAt, 'retrievedAt'),
            ...(fiscalYear === undefined ? {} : { fiscalYear }),
            text,
            contentHash: contentHash(text),
          },
        },
      ];
    }
    case 'ReviseSourceText': {
      if (state.status === 'absent') {
        throw new DomainError('not-found', `no source ${command.data.sourceId}`, 'sourceId');
      }
      const text = requireSourceText(command.data.text);
      const hash = contentHash(text);
      if (hash === state.contentHash && text === state.text) {
        throw new DomainError('conflict', `the text is identical to version ${state.textVersion} of source ${state.sourceId}`, 'text');
      }
      const reason = optionalText(command.data.reason, 'reason');
      return [
        {
          type: 'claimline.source-text-revised',
          data: {
            sourceId: state.sourceId,
            text,
            contentHash: hash,
            textVersion: state.textVersion + 1,
            ...(reason === undefined ? {} : { reason }),
          },
        },
      ];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown source command ${(_exhaustive as { type: string }).type}`);
    }
  }
}

export function evolveSource(state: SourceState, event: SourceEvent): SourceState {
  switch (event.type) {
    case 'claimline.source-registered': {
      const e = event.data;
      return {
        status: 'registered',
        sourceId: e.sourceId,
        publisher: e.publisher,
        publishedAt: e.publishedAt,
        ...(e.fiscalYear === undefined ? {} : { fiscalYear: e.fiscalYear }),
        text: e.text,
        textVersion: 1,
        contentHash: e.contentHash,
      };
    }
    case 'claimline.source-text-revised':
      if (state.status === 'absent') return state; // a revision without a registration is not a source
      return { ...state, text: event.data.text, textVersion: event.data.textVersion, contentHash: event.data.contentHash };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

/** sha256 of the UTF-8 text, lower-case hex. Pure: same text, same hash. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// ---- input rules ---------------------------------------------------------------------------------

/** The text is kept exactly as given (quote offsets refer to it); only an all-blank text is refused. */
function requireSourceText(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new DomainError('invalid', 'text is required and cannot be blank', 'text');
  }
  return text;
}

function requireLanguage(value: unknown): string {
  const tag = requireText(value, 'language');
  // BCP 47 in outline (language, then subtags); full validation is not worth a dependency.
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag)) {
    throw new DomainError('invalid', `language must be a BCP 47 tag such as "en" or "en-IN", not "${tag}"`, 'language');
  }
  return tag;
}

function optionalUrl(value: unknown): string | null {
  const url = optionalText(value, 'url');
  if (url === undefined) return null;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new DomainError('invalid', `url must be an absolute http(s) URL, not "${url}"`, 'url');
  }
  return url;
}

/** An ISO 8601 instant with a zone, kept as given: it is the source's own record of the fetch. */
export function optionalInstant(value: unknown, field: string): string | null {
  const text = optionalText(value, field);
  if (text === undefined) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new DomainError('invalid', `${field} must be an ISO 8601 instant with a zone, e.g. 2025-12-04T09:30:00Z, not "${text}"`, field);
  }
  return text;
}

function optionalFiscalYear(value: unknown): FiscalYearStart | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(FISCAL_YEAR_STARTS as readonly string[]).includes(value)) {
    throw new DomainError('invalid', `fiscalYear must be one of ${FISCAL_YEAR_STARTS.join(', ')} (the month the outlet's fiscal year starts in)`, 'fiscalYear');
  }
  return value as FiscalYearStart;
}
