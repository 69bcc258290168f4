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

/**
 * Counts the occurrences of `pattern` in `text`, overlapping ones included, stopping after
 * `stopAfter`, and pushes their starts onto `starts` when given: Knuth-Morris-Pratt, linear in both
 * lengths whatever they hold. Calling indexOf again from each match + 1 was linear in their product
 * when the quote overlaps itself (a 5,000-character run of one letter in a 1,000,000-character text
 * of it held the event loop for 16 s), and V8's indexOf is itself quadratic on texts built against
 * patterns longer than a few hundred characters.
 */
function scan(text: string, pattern: string, stopAfter = Infinity, starts?: number[]): number {
  const m = pattern.length;
  if (m === 0) return 0;
  const codes = new Uint16Array(m);
  for (let i = 0; i < m; i++) codes[i] = pattern.charCodeAt(i);
  // border[i]: the length of the longest proper prefix of pattern[0..i] that is also a suffix of it.
  const border = new Int32Array(m);
  for (let i = 1, k = 0; i < m; i++) {
    const c = codes[i]!;
    while (k > 0 && c !== codes[k]) k = border[k - 1]!;
    if (c === codes[k]) k += 1;
    border[i] = k;
  }
  let count = 0;
  for (let i = 0, k = 0, n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    while (k > 0 && c !== codes[k]) k = border[k - 1]!;
    if (c === codes[k]) k += 1;
    if (k === m) {
      starts?.push(i - m + 1);
      if (++count >= stopAfter) break;
      k = border[m - 1]!;
    }
  }
  return count;
}

/** Every start offset at which `exact` occurs in `text`, overlapping occurrences included. */
export function occurrencesOf(text: string, exact: string): number[] {
  const starts: number[] = [];
  scan(text, exact, Infinity, starts);
  return starts;
}

/**
 * The occurrences of many quotes in one text, each found without reading the whole text: the
 * intake suggests a quote for every value it finds, 10,000 in a 1 MB source, and scanning the text
 * for each of them held three quarters of that work. The text's GRAM-unit substrings at every
 * STEP-th offset are indexed; an occurrence of a quote at least GRAM + STEP - 1 long holds one of
 * them at one of its first STEP offsets, so its candidates are where those substrings are, each
 * checked in place. A shorter quote, or one made of substrings the text holds too often (a run of
 * one letter), is scanned for as occurrencesOf does: never slower than that.
 */
export class QuoteOccurrences {
  private static readonly GRAM = 16;
  private static readonly STEP = 8;
  /** Beyond this many candidates a lookup scans the text instead. */
  private static readonly CANDIDATES_MAX = 256;
  private readonly at = new Map<string, number[]>();
  private indexedTo = 0;

  constructor(private readonly text: string) {}

  /** Indexes the text a slice at a time, a step each, so a caller can let others run between slices. */
  *indexing(sliceChars = 1 << 16): Generator<undefined, void> {
    while (this.indexedTo < this.text.length) {
      this.indexUpTo(this.indexedTo + sliceChars);
      yield;
    }
  }

  /** Every start offset of `exact`, overlapping occurrences included, in text order (as occurrencesOf). */
  of(exact: string): number[] {
    const { GRAM, STEP, CANDIDATES_MAX } = QuoteOccurrences;
    if (exact.length < GRAM + STEP - 1) return occurrencesOf(this.text, exact);
    this.indexUpTo(this.text.length);
    const lists: [number, number[]][] = [];
    let candidates = 0;
    for (let j = 0; j < STEP; j++) {
      const list = this.at.get(exact.slice(j, j + GRAM));
      if (!list) continue;
      lists.push([j, list]);
      candidates += list.length;
    }
    if (candidates > CANDIDATES_MAX) return occurrencesOf(this.text, exact);
    const starts: number[] = [];
    // An occurrence at q is found once: through the one j with q + j on the grid.
    for (const [j, list] of lists) for (const p of list) if (p >= j && this.text.startsWith(exact, p - j)) starts.push(p - j);
    return starts.sort((a, b) => a - b);
  }

  private indexUpTo(end: number): void {
    const { GRAM, STEP } = QuoteOccurrences;
    const last = Math.min(end, this.text.length - GRAM + 1);
    let p = this.indexedTo;
    for (; p < last; p += STEP) {
      const gram = this.text.slice(p, p + GRAM);
      const list = this.at.get(gram);
      if (list) list.push(p);
      else this.at.set(gram, [p]);
    }
    this.indexedTo = Math.max(p, Math.min(end, this.text.length));
  }
}

/**
 * Computes the selectors of `exact` in `text`. The quote must occur verbatim; when it occurs more
 * than once the hint must single one out, because guessing would pin the claim to the wrong words.
 */
export function selectQuote(text: string, exact: string, hint: QuoteHint = {}): QuoteSelector {
  if (typeof exact !== 'string' || exact.trim() === '') {
    throw new DomainError('invalid', 'the quote is required and cannot be blank', 'quote');
  }
  // The occurrences directly after a prefix are those of prefix + quote. The search stops at the
  // occurrence asked for (or the second, which makes the quote ambiguous).
  const before = hint.prefix ?? '';
  const wanted = hint.occurrence;
  const starts: number[] = [];
  const seen = scan(text, before + exact, wanted ?? 2, starts);
  if (seen === 0) {
    if (before !== '' && quoteOccursIn(text, { exact })) {
      throw new DomainError('unprocessable', `the quote never follows the given prefix "${shorten(before)}"`, 'quote.prefix');
    }
    throw new DomainError('unprocessable', `the quote does not occur verbatim in the source text: "${shorten(exact)}"`, 'quote');
  }
  if (wanted !== undefined) {
    if (!Number.isInteger(wanted) || wanted < 1 || seen < wanted) {
      const count = Number.isInteger(wanted) && wanted >= 1 ? seen : scan(text, before + exact);
      throw new DomainError('unprocessable', `occurrence must be a whole number from 1 to ${count}, not ${String(wanted)}`, 'quote.occurrence');
    }
  } else if (seen > 1) {
    const count = scan(text, before + exact);
    throw new DomainError('unprocessable', `the quote occurs ${count} times in the source text; give an occurrence (1-${count}) or a prefix`, 'quote');
  }
  return selectorAt(text, starts[(wanted ?? 1) - 1]! + before.length, exact.length);
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

/**
 * Up to this length a quote is looked for with the native String#includes, which is much faster
 * than `scan` and stays about linear; beyond it, V8's search took seconds on a text made for it.
 */
const NATIVE_SEARCH_MAX = 250;

/** Whether a recorded quote still occurs anywhere in (possibly revised) text; linear in both lengths. */
export function quoteOccursIn(text: string, selector: Pick<QuoteSelector, 'exact'>): boolean {
  if (selector.exact.length <= NATIVE_SEARCH_MAX) return text.includes(selector.exact);
  return scan(text, selector.exact, 1) > 0;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function shorten(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
