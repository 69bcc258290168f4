import { DomainError } from '../events/domain-error.js';

/**
 * Where a quote sits in a source's text: a W3C TextQuoteSelector (exact, prefix, suffix) and a
 * TextPositionSelector (start, end) in one. Offsets are UTF-16 code units, end exclusive, so
 * `text.slice(start, end) === exact` — the same unit JavaScript, the web UI and Web Annotation use.
 */
export interface QuoteSelector {
  exact: string;
  prefix: string;
  suffix: string;
  start: number;
  end: number;
}

/** How a caller picks one occurrence when the quote occurs more than once. */
export interface QuoteHint {
  /** 1-based, in text order. */
  occurrence?: number;
  /** Text that must directly precede the quote (any length; the nearer end is what counts). */
  prefix?: string;
}

/** Enough context to re-anchor a quote after an edit, short enough to stay readable. */
export const QUOTE_CONTEXT_LENGTH = 32;

/** Every start offset at which `exact` occurs in `text`, overlapping occurrences included. */
export function occurrencesOf(text: string, exact: string): number[] {
  const starts: number[] = [];
  if (exact === '') return starts;
  for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) starts.push(at);
  return starts;
}

/**
 * Computes the selectors of `exact` in `text`. The quote must occur verbatim; when it occurs more
 * than once the hint must single one out, because guessing would pin the claim to the wrong words.
 */
export function selectQuote(text: string, exact: string, hint: QuoteHint = {}): QuoteSelector {
  if (typeof exact !== 'string' || exact.trim() === '') {
    throw new DomainError('invalid', 'the quote is required and cannot be blank', 'quote');
  }
  const all = occurrencesOf(text, exact);
  if (all.length === 0) {
    throw new DomainError('unprocessable', `the quote does not occur verbatim in the source text: "${shorten(exact)}"`, 'quote');
  }

  let candidates = all;
  if (hint.prefix !== undefined && hint.prefix !== '') {
    const before = hint.prefix;
    candidates = candidates.filter((start) => text.slice(0, start).endsWith(before));
    if (candidates.length === 0) {
      throw new DomainError('unprocessable', `the quote never follows the given prefix "${shorten(before)}"`, 'quote.prefix');
    }
  }
  if (hint.occurrence !== undefined) {
    const n = hint.occurrence;
    if (!Number.isInteger(n) || n < 1 || n > candidates.length) {
      throw new DomainError(
        'unprocessable',
        `occurrence must be a whole number from 1 to ${candidates.length}, not ${String(n)}`,
        'quote.occurrence',
      );
    }
    candidates = [candidates[n - 1]!];
  }
  if (candidates.length > 1) {
    throw new DomainError(
      'unprocessable',
      `the quote occurs ${candidates.length} times in the source text; give an occurrence (1-${candidates.length}) or a prefix`,
      'quote',
    );
  }
  return selectorAt(text, candidates[0]!, exact.length);
}

/** The selectors for the `length` code units at `start`; context never splits a surrogate pair. */
export function selectorAt(text: string, start: number, length: number): QuoteSelector {
  const end = start + length;
  let prefixStart = Math.max(0, start - QUOTE_CONTEXT_LENGTH);
  if (prefixStart > 0 && isLowSurrogate(text.charCodeAt(prefixStart))) prefixStart -= 1;
  let suffixEnd = Math.min(text.length, end + QUOTE_CONTEXT_LENGTH);
  if (suffixEnd < text.length && isLowSurrogate(text.charCodeAt(suffixEnd))) suffixEnd += 1;
  return {
    exact: text.slice(start, end),
    prefix: text.slice(prefixStart, start),
    suffix: text.slice(end, suffixEnd),
    start,
    end,
  };
}

/** Whether a recorded quote still stands at its recorded place in (possibly revised) text. */
export function quoteStandsIn(text: string, selector: QuoteSelector): boolean {
  return text.slice(selector.start, selector.end) === selector.exact;
}

/** Whether a recorded quote still occurs anywhere in (possibly revised) text. */
export function quoteOccursIn(text: string, selector: Pick<QuoteSelector, 'exact'>): boolean {
  return text.includes(selector.exact);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function shorten(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
