#!/usr/bin/env node
/**
 * How long finding a quote in a source text holds the event loop (selectQuote, run for every
 * recorded or corrected assertion), on the 1,000,000-character attack of issue 13 and on an
 * ordinary article of the same size. Baselines, measured in the same run: the search it replaced
 * (indexOf again from each match + 1), and one native indexOf over the same text.
 *
 *   npm run build && node bench/quote-search.mjs        # prints JSON
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dist, load, machine, repo, result, round } from './common.mjs';

const { selectQuote } = await import(dist('libs/domain/src/quote/quote.js'));

/** The search before issue 13: quadratic when the quote overlaps itself. */
function formerOccurrences(text, exact) {
  const starts = [];
  for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) starts.push(at);
  return starts;
}

/** Median milliseconds of `runs` calls of `fn` (refusals count: they are answers too). */
function median(fn, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    try {
      fn();
    } catch {
      // a 422 (the quote occurs many times) is the expected answer to the attack
    }
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)], 2);
}

const SIZE = 1_000_000;
const attackText = 'a'.repeat(SIZE);
const attackQuote = 'a'.repeat(5000);
const article = readFileSync(join(repo, 'seeds/sources/2025-12-irigc-22-s400-september-2026.txt'), 'utf8');
const quote = 'remaining systems will be supplied by September 2026';
// The article padded to the same size with text that does not hold the quote, the quote once at the end.
const filler = article.replaceAll(quote, 'the rest follows later');
const ordinaryText = `${filler.repeat(Math.ceil(SIZE / filler.length)).slice(0, SIZE - article.length)}${article}`;

const rows = [];
const attackNow = median(() => selectQuote(attackText, attackQuote), 5);
const attackBefore = median(() => formerOccurrences(attackText, attackQuote), 1);
rows.push(result('quote.select_ms.attack', attackNow, 'ms', 'former search (indexOf from each match + 1)', attackBefore, { input: '"a" x 1,000,000, quote "a" x 5,000', load: load() }));
const prefixNow = median(() => selectQuote(attackText, attackQuote, { prefix: 'a'.repeat(500) }), 5);
rows.push(result('quote.select_ms.attack_prefix', prefixNow, 'ms', 'former search (indexOf from each match + 1)', attackBefore, { input: 'the same with a 500-character prefix hint', load: load() }));
const ordinaryNow = median(() => selectQuote(ordinaryText, quote), 9);
const nativeOnce = median(() => ordinaryText.indexOf(quote), 9);
rows.push(result('quote.select_ms.ordinary', ordinaryNow, 'ms', 'one native indexOf of the same text', nativeOnce, { input: 'a 1,000,000-character article, the quote once', load: load() }));

process.stdout.write(`${JSON.stringify({ machine: machine(), results: rows }, null, 2)}\n`);
