import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MAX_SENTENCE, quoteSpan, sentencesOf, tokensOf, wordKey } from './text.js';

const sentenceTexts = (text: string): string[] => sentencesOf(text).map((s) => text.slice(s.start, s.end));

describe(sentencesOf.name, () => {
  it('ends a sentence at a full stop before a capital, and always at a line break', () => {
    const text = 'Headline without a stop\nIndia signed the deal in 2018. Three units arrived! Are more due? Yes.';
    expect(sentenceTexts(text)).toEqual(['Headline without a stop', 'India signed the deal in 2018.', 'Three units arrived!', 'Are more due?', 'Yes.']);
    expect(sentencesOf(text).map((s) => s.paragraph)).toEqual([0, 1, 1, 1, 1]);
  });

  it('does not end one after an abbreviation, an initial, "U.S." or inside a figure', () => {
    const text = 'The Rs. 500 crore deal was signed by Lt. Gen. A. P. Singh and the U.S. Navy on Jan. 14 for $5.43 bn. in cash. Then it ended.';
    expect(sentenceTexts(text)).toEqual(['The Rs. 500 crore deal was signed by Lt. Gen. A. P. Singh and the U.S. Navy on Jan. 14 for $5.43 bn. in cash.', 'Then it ended.']);
  });

  it('cuts a run-on text into pieces of at most MAX_SENTENCE characters, covering all of it', () => {
    const text = 'word '.repeat(2000);
    const pieces = sentencesOf(text);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.end - p.start).toBeLessThanOrEqual(MAX_SENTENCE);
    expect(pieces.map((p) => text.slice(p.start, p.end)).join(' ')).toBe(text.trim());
  });

  it('gives spans that slice back to trimmed, non-empty sentences in text order, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        let last = -1;
        for (const s of sentencesOf(text)) {
          const body = text.slice(s.start, s.end);
          expect(body.trim()).toBe(body);
          expect(body.length).toBeGreaterThan(0);
          expect(s.start).toBeGreaterThan(last);
          last = s.end;
          for (const c of s.clauses) expect(c.start >= s.start && c.end <= s.end).toBe(true);
        }
      }),
    );
  });
});

describe(quoteSpan.name, () => {
  const quoteOf = (text: string, value: string): string => {
    const at = text.indexOf(value);
    const sentence = sentencesOf(text).find((s) => s.start <= at && s.end >= at + value.length)!;
    const span = quoteSpan(text, sentence, { start: at, end: at + value.length });
    return text.slice(span.start, span.end);
  };

  it('quotes the clause that holds the value, without a trailing comma', () => {
    const text = 'Russia will supply the remaining units by August 2026, while India pays in rupees, officials said.';
    expect(quoteOf(text, 'by August 2026')).toBe('Russia will supply the remaining units by August 2026');
  });

  it('joins a short clause with its neighbour, so a quote says something on its own', () => {
    const text = 'India signed the deal for five units in 2018; three arrived.';
    expect(quoteOf(text, 'three')).toBe('India signed the deal for five units in 2018; three arrived.');
  });

  it('keeps an aside between two dashes in its sentence', () => {
    const text = 'The pending deliveries - two of the five squadrons - are expected by the end of 2026.';
    expect(quoteOf(text, 'two')).toBe(text);
  });
});

describe(wordKey.name, () => {
  it('reads the words news copy uses for one idea as one key', () => {
    expect(new Set(['pending', 'outstanding', 'remaining', 'still'].map(wordKey))).toEqual(new Set(['remain']));
    expect(new Set(['squadrons', 'regiments', 'batteries', 'units'].map(wordKey))).toEqual(new Set(['unit']));
    expect(new Set(['deal', 'ordered', 'contracted', 'signed'].map(wordKey))).toEqual(new Set(['contract']));
    // A summit is held as a visit ("as Putin wrapped up his visit to New Delhi on December 5").
    expect(new Set(['held', 'hosted', 'meeting', 'visit', 'visited'].map(wordKey))).toEqual(new Set(['held']));
    expect(wordKey('Indian')).toBe(wordKey('India'));
  });

  it('joins "S-400" and "S400", leaves out function words, keeps ordinals', () => {
    expect(wordKey('S-400')).toBe(wordKey('S400'));
    expect(wordKey('the')).toBeNull();
    expect(wordKey('23rd')).toBe('23rd');
  });

  it('splits two names joined by a hyphen into both names', () => {
    expect(tokensOf('India-Russia Modi–Putin co-production').map((t) => t.key)).toEqual(['india', 'russia', 'modi', 'putin', wordKey('coproduction')]);
  });
});
