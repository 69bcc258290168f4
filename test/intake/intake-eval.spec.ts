// The intake evaluation: articles written for it (test/intake/articles, expectations in cases.json;
// the held-out set in held-out/ and held-out.json) are registered on a freshly seeded store and
// GET /sources/:id/suggestions is scored against the expected items. Reports recall, suggestions
// filed under a wrong claim, and agreement on relations, speakers and said-at where the set gives
// them (test/artifacts/intake-eval.json, intake-held-out*.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedId } from '#claims';
import { parseDate } from '#domain';
import { createTestApp, type TestApp } from '../support/app.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(HERE, '..', 'artifacts');

interface Expected {
  value: string;
  /** Longer words around `value` that single out which occurrence is meant. */
  in?: string;
  claim: string;
  relation?: string;
  /** Who said it, as the text names them (held-out set). */
  speaker?: string;
  /** When it was said, as EDTF (held-out sets), compared by its bounds. */
  saidAt?: string;
}
interface Case {
  file: string;
  style: string;
  title: string;
  publisher: string | null;
  publishedAt: string;
  expected: Expected[];
}
interface Suggestion {
  valueAt: { start: number; end: number };
  value: { type: string; text: string };
  quote: { exact: string; start: number; end: number };
  claims: { claimId: string; subject: string; predicate: string; score: number; reason: string }[];
  relationToCurrent: { relation: string; explanation: string } | null;
  speaker: string;
  saidAt: { normalized: string; bounds: { lo: string | null; hi: string | null } };
}

/** Every place the expected words stand in the text (inside `in` when given). */
function spansOf(text: string, e: Expected): { start: number; end: number }[] {
  const around = e.in ?? e.value;
  const spans: { start: number; end: number }[] = [];
  for (let at = text.indexOf(around); at !== -1; at = text.indexOf(around, at + 1)) {
    const start = at + around.indexOf(e.value);
    spans.push({ start, end: start + e.value.length });
  }
  return spans;
}

/** The same value words, when they are long enough to be told apart ("by August 2026", not "two"). */
function sameWords(found: string, expected: string): boolean {
  const [a, b] = [found, expected].map((w) => w.toLowerCase().replace(/\s+/g, ' '));
  return a!.length >= 4 && b!.length >= 4 && (a!.includes(b!) || b!.includes(a!));
}

/** The same speaker: one name within the other, articles and case aside ("An Indian defence ministry official", "official"). */
function sameSpeaker(found: string, expected: string): boolean {
  const [a, b] = [found, expected].map((w) => w.toLowerCase().replace(/^(the|an?)\s+/, '').replace(/\s+/g, ' ').trim());
  return a!.includes(b!) || b!.includes(a!);
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

describe('intake evaluation (test/intake)', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await createTestApp({ CLAIMLINE_SEED: 'true' });
  }, 60_000);
  afterAll(async () => {
    await sut?.close();
  });

  /** Registers each article of a set, scores its suggestions and writes the report to `artifact`. */
  async function evaluate(casesFile: string, articlesDir: string, artifact: string) {
    const { cases } = JSON.parse(readFileSync(join(HERE, casesFile), 'utf8')) as { cases: Case[] };
    let expectedTotal = 0;
    let found = 0;
    let relationAgrees = 0;
    let relationsGiven = 0;
    let speakerAgrees = 0;
    let speakersGiven = 0;
    let saidAtAgrees = 0;
    let saidAtsGiven = 0;
    let suggestionsTotal = 0;
    let filed = 0;
    let wrong = 0;
    const report: unknown[] = [];

    for (const c of cases) {
      const text = readFileSync(join(HERE, articlesDir, c.file), 'utf8');
      const registered = await sut.request({ method: 'POST', url: '/sources', body: { title: c.title, publisher: c.publisher, publishedAt: c.publishedAt, language: 'en', text } });
      expect(registered.status).toBe(201);
      const res = await sut.request({ method: 'GET', url: `/sources/${registered.body.id}/suggestions`, as: 'none' });
      expect(res.status).toBe(200);
      const suggestions = res.body.suggestions as Suggestion[];
      suggestionsTotal += suggestions.length;

      const located = c.expected.map((e) => {
        const spans = spansOf(text, e);
        expect(spans.length).toBeGreaterThan(0); // the evaluation set itself must be sound
        return { e, spans, claimId: seedId('claim', e.claim) };
      });

      const misses: unknown[] = [];
      const hits: { value: string; score: number }[] = [];
      for (const { e, spans, claimId } of located) {
        expectedTotal++;
        const hit = suggestions.find((s) => spans.some((span) => overlaps(span, s.valueAt)) && s.claims[0]?.claimId === claimId);
        if (hit) {
          found++;
          hits.push({ value: e.value, score: hit.claims[0]!.score });
          if (e.relation !== undefined) {
            relationsGiven++;
            if (hit.relationToCurrent?.relation === e.relation) relationAgrees++;
            else misses.push({ relationOf: e.value, expected: e.relation, got: hit.relationToCurrent });
          }
          if (e.speaker !== undefined) {
            speakersGiven++;
            if (sameSpeaker(hit.speaker, e.speaker)) speakerAgrees++;
            else misses.push({ speakerOf: e.value, expected: e.speaker, got: hit.speaker });
          }
          if (e.saidAt !== undefined) {
            saidAtsGiven++;
            const expected = parseDate(e.saidAt).bounds;
            if (hit.saidAt.bounds.lo === expected.lo && hit.saidAt.bounds.hi === expected.hi) saidAtAgrees++;
            else misses.push({ saidAtOf: e.value, expected: e.saidAt, got: hit.saidAt.normalized });
          }
        } else {
          const near = suggestions.filter((s) => spans.some((span) => overlaps(span, s.valueAt)));
          misses.push({ missed: e.value, claim: e.claim, suggested: near.map((s) => ({ value: s.value.text, claims: s.claims.map((c) => ({ claim: `${c.subject} — ${c.predicate}`, score: c.score, reason: c.reason })) })) });
        }
      }

      const wrongHere: unknown[] = [];
      for (const s of suggestions) {
        if (s.claims.length === 0) continue;
        filed++;
        // Right: an expected item of that claim at this place, or the same words (a headline restating the body) elsewhere.
        const right = located.some(({ e, spans, claimId }) => s.claims[0]!.claimId === claimId && (spans.some((span) => overlaps(span, s.valueAt)) || sameWords(s.value.text, e.value)));
        if (!right) {
          wrong++;
          wrongHere.push({ value: s.value.text, quote: s.quote.exact, filedUnder: `${s.claims[0]!.subject} — ${s.claims[0]!.predicate}`, score: s.claims[0]!.score, reason: s.claims[0]!.reason });
        }
      }
      report.push({ file: c.file, expected: c.expected.length, suggestions: suggestions.length, found: hits, misses, wrong: wrongHere });
    }

    const agreement = (agrees: number, given: number) => (given === 0 ? undefined : Number((agrees / given).toFixed(3)));
    const summary = {
      articles: cases.length,
      expected: expectedTotal,
      found,
      recall: Number((found / expectedTotal).toFixed(3)),
      relationAgreement: agreement(relationAgrees, relationsGiven),
      speakerAgreement: agreement(speakerAgrees, speakersGiven),
      saidAtAgreement: agreement(saidAtAgrees, saidAtsGiven),
      suggestions: suggestionsTotal,
      filedUnderAClaim: filed,
      filedUnderAWrongClaim: wrong,
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, artifact), `${JSON.stringify({ summary, cases: report }, null, 2)}\n`);
    console.log(`${artifact}: ${JSON.stringify(summary)}`);
    return summary;
  }

  it('suggests the expected values under the right first claim (recall >= 0.9) and reports wrong filings', async () => {
    const summary = await evaluate('cases.json', 'articles', 'intake-eval.json');
    expect(summary.recall).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  /**
   * The held-out sets, each with the floors a change must not fall below. A set's first score is the
   * one it had when first run, labelled before; the changes made for what it showed raise its
   * figures to training scores, and the floors hold those (the READMEs give both).
   */
  const HELD_OUT: { set: string; what: string; recall: number; speakers: number; saidAt: number | null }[] = [
    // First run recall 0.742, speakers 0.75, said-at 0.636; then 0.774, 1, 1.
    { set: 'held-out', what: 'wire copy, press, percentages', recall: 0.77, speakers: 0.9, saidAt: 0.9 },
    // First run recall 0.875, speakers 1, said-at 0.857; then said-at 1.
    { set: 'held-out-2', what: 'a ministry statement, an analysis', recall: 0.87, speakers: 0.9, saidAt: 0.9 },
    // First run recall 0.684, speakers 0.8, said-at 1; then 0.842, 1, 1.
    { set: 'held-out-3', what: 'Russian wire copy, Indian business press', recall: 0.84, speakers: 0.9, saidAt: 0.9 },
    // First run recall 0.87, speakers 0.875, said-at 0.333; then 0.957, 1, 0.667.
    { set: 'held-out-4', what: "a US newspaper, an explainer's key numbers", recall: 0.95, speakers: 0.9, saidAt: 0.6 },
    // First run recall 0.867, speakers 0.333, said-at 1; then 1, 0.75, 1.
    { set: 'held-out-5', what: "translated Russian wire copy, a magazine's narrative", recall: 0.95, speakers: 0.7, saidAt: 0.9 },
    // First run recall 0.833, speakers 0.667, said-at 1; then 1, 1, 1.
    { set: 'held-out-6', what: "an Indian TV news site, a ministry's press release", recall: 0.95, speakers: 0.9, saidAt: 0.9 },
    // First run recall 0.917, speakers 0.4, said-at 0.667; then 1, 0.6, 0.667.
    { set: 'held-out-7', what: 'wire copy on what unnamed people said, a newsletter', recall: 0.95, speakers: 0.6, saidAt: 0.6 },
    // Labels no said-at (null): the set must then score none.
    // First run recall 0.5, speakers 0.667 (2 of 3); then 1, 1.
    { set: 'held-out-8', what: 'an interview as questions and answers, Russian business copy', recall: 0.95, speakers: 0.9, saidAt: null },
  ];

  it.each(HELD_OUT)('scores $set ($what): recall, wrong filings, speakers and said-at held at their floors', async ({ set, recall, speakers, saidAt }) => {
    const summary = await evaluate(`${set}.json`, 'held-out', `intake-${set}.json`);
    expect(summary.recall).toBeGreaterThanOrEqual(recall);
    expect(summary.speakerAgreement).toBeGreaterThanOrEqual(speakers);
    if (saidAt === null) expect(summary.saidAtAgreement).toBeUndefined();
    else expect(summary.saidAtAgreement).toBeGreaterThanOrEqual(saidAt);
  }, 120_000);
});
