/**
 * What a person types in a search box, turned into an SQLite FTS5 MATCH expression.
 *
 * The index tokenizes with `porter unicode61 remove_diacritics 2`, so stemming, case and
 * diacritics are folded on both sides by SQLite itself. This module only decides which words
 * are asked for, and it never passes FTS5 syntax through: every word goes out double-quoted, so
 * `NEAR(`, `subject:`, `*`, `^` or an unbalanced quote typed by a user are words, never operators.
 */

export interface SearchTerms {
  /** The FTS5 expression, or null when the input holds no word to look for. */
  expression: string | null;
  /** The expression's parts, all of which must match: one per word or quoted phrase. */
  terms: string[];
  /** The words as read, lowercased (for highlighting on pages that do not come from FTS5). */
  words: string[];
}

/** Letters and digits, joined by inner hyphens or dots: `S-400`, `Su-30MKI`, `2026–27`, `U.S`. */
const WORD = /[\p{L}\p{N}\p{M}]+(?:[-‐‑–.][\p{L}\p{N}\p{M}]+)*/gu;
/** A designation written without its hyphen: `S400`, `Su30MKI`, `F35`. */
const RUN_TOGETHER = /^(\p{L}{1,4})(\p{N}[\p{L}\p{N}]*)$/u;
/** The first half of a designation typed with a space: the `S` of `S 400`. */
const DESIGNATION_PREFIX = /^\p{L}{1,4}$/u;
/** Queries longer than this are cut: more words only narrow an AND, and each costs a lookup. */
const MAX_WORDS = 12;
/** A one-letter word being typed is no prefix: it would begin most of the index's terms. */
const MIN_PREFIX = 2;

const quoted = (pieces: string[]): string => `"${pieces.join(' ')}"`;

/**
 * One word as FTS5 terms. A designation is asked for both ways it is written: `S-400` is the
 * tokens `s 400` in a text that hyphenates it and the single token `s400` in one that does not.
 */
function termFor(word: string, prefix: boolean): string {
  const star = prefix ? '*' : '';
  const pieces = word.split(/[-‐‑–.]/).filter(Boolean);
  const joined = pieces.join('');
  const split = pieces.length > 1 ? pieces : (RUN_TOGETHER.exec(word)?.slice(1).filter(Boolean) ?? [word]);
  if (split.length === 1) return `${quoted(split)}${star}`;
  const mixesDigits = /\p{N}/u.test(joined) && /\p{L}/u.test(joined);
  if (!mixesDigits) return `${quoted(split)}${star}`;
  return `(${quoted(split)}${star} OR ${quoted([joined])}${star})`;
}

/** `s 400` -> `s-400`: a short letter group followed by a number is one designation (`of 2018` is not). */
function joinSpacedDesignations(words: string[]): string[] {
  const out: string[] = [];
  for (const word of words) {
    const previous = out.at(-1);
    if (previous !== undefined && DESIGNATION_PREFIX.test(previous) && !STOPWORDS.has(previous) && /^\p{N}/u.test(word)) out[out.length - 1] = `${previous}-${word}`;
    else out.push(word);
  }
  return out;
}

/**
 * Reads `q` as people type it: words in any order (all must match), `"quoted phrases"` in order,
 * and the last word as a prefix while it is still being typed (no space after it). English
 * stopwords outside a phrase are left out (every text holds them; each would cost a pass over
 * them all), unless the query holds nothing else.
 */
export function searchTerms(q: string): SearchTerms {
  const text = q.normalize('NFKC');
  const terms: { term: string; stopword: boolean }[] = [];
  const words: string[] = [];
  // Balanced quotes are phrases; an unbalanced last quote is read as plain words.
  const parts = text.split('"');
  const balanced = parts.length % 2 === 1;
  const endsInWord = /[\p{L}\p{N}\p{M}]$/u.test(text);
  parts.forEach((part, i) => {
    const inPhrase = balanced && i % 2 === 1;
    const found = [...part.matchAll(WORD)].map((m) => m[0].toLowerCase());
    if (found.length === 0) return;
    if (inPhrase) {
      words.push(...found);
      terms.push({ term: quoted(found.flatMap((w) => w.split(/[-‐‑–.]/).filter(Boolean))), stopword: false });
      return;
    }
    const last = i === parts.length - 1;
    const joined = joinSpacedDesignations(found);
    joined.forEach((word, j) => {
      words.push(word);
      const typing = last && j === joined.length - 1 && endsInWord && word.replace(/[-‐‑–.]/g, '').length >= MIN_PREFIX;
      terms.push({ term: termFor(word, typing), stopword: !typing && STOPWORDS.has(word) });
    });
  });
  const telling = terms.some((t) => !t.stopword) ? terms.filter((t) => !t.stopword) : terms;
  const kept = telling.slice(0, MAX_WORDS).map((t) => t.term);
  // Explicit AND: FTS5 joins bare phrases implicitly, but not a parenthesized OR group.
  return { expression: kept.length > 0 ? kept.join(' AND ') : null, terms: kept, words: words.slice(0, MAX_WORDS) };
}

/** Words too common in English to tell one document from another: never worth a lookup. */
const STOPWORDS = new Set(
  'a an and are as at be been but by for from had has have he her his i in is it its not of on or our said she that the their they this to was were which will with would'.split(' '),
);
/** A passage's words are read up to this many distinct ones. */
const MAX_PASSAGE_WORDS = 64;

/**
 * The distinct words of a passage as FTS5 terms, each on its own (to be OR'ed), without prefixes
 * or English stopwords; a designation is asked for both ways it is written, as in searchTerms.
 */
export function anyOfWords(passage: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const [word] of passage.join(' ').normalize('NFKC').matchAll(WORD)) {
    const lower = word.toLowerCase();
    if (!STOPWORDS.has(lower) && lower.length > 1) seen.add(lower);
    if (seen.size >= MAX_PASSAGE_WORDS) break;
  }
  return [...seen].map((word) => termFor(word, false));
}
