import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { assertionContext } from '../claim/claim.js';
import { type FiscalYearStart, parseDate, parseValue, type ParseContext } from './parse.js';
import { UnparseableValue, type ValueType } from './value.js';

/**
 * The evaluation corpus: value expressions copied verbatim from real news text (the five seed
 * articles and stored news pages), each with the bounds a careful reader gives it under RULES.md,
 * or the reason it must be refused. Written before the reader was tuned to it; an expectation is
 * never changed to fit the code.
 */
interface Case {
  text: string;
  type: ValueType;
  /** When the source said it (a day or an EDTF interval of days), for relative words. */
  saidAt?: string;
  /** The source's fiscal-year convention: Indian outlets count from April, US federal from October. */
  fiscalYear?: string;
  /** How the assertion is put (expected, scheduled…). */
  modality?: string;
  expect: { lo: string | number | null; hi: string | number | null; unit?: string } | { refused: string };
  /** The outlet or kind of text, and where. */
  from: string;
}

type Outcome =
  | { kind: 'read'; c: Case }
  | { kind: 'refused'; c: Case; reason: string; expected: boolean }
  | { kind: 'wrong'; c: Case; got: string };

const corpus = JSON.parse(readFileSync(new URL('./news-corpus.json', import.meta.url), 'utf8')) as Case[];

/** As the decider reads an assertion: said-at, the tense its modality gives, its source's fiscal year. */
function contextOf(c: Case): ParseContext {
  return assertionContext(c.saidAt === undefined ? undefined : parseDate(c.saidAt).bounds, c.modality ?? 'stated', c.fiscalYear as FiscalYearStart | undefined);
}

function sameEnd(a: string | number | null, b: string | number | null): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

function run(c: Case): Outcome {
  let value;
  try {
    value = parseValue({ type: c.type, text: c.text }, contextOf(c));
  } catch (error) {
    if (!(error instanceof UnparseableValue)) throw error;
    return { kind: 'refused', c, reason: error.reason, expected: 'refused' in c.expect };
  }
  const shown = value.type === 'text' ? value.normalized : `${value.bounds.lo ?? '..'}/${value.bounds.hi ?? '..'}${value.type === 'quantity' ? ` ${value.unit}` : ''}`;
  if ('refused' in c.expect || value.type === 'text') return { kind: 'wrong', c, got: shown };
  const e = c.expect;
  const unitOk = value.type !== 'quantity' || value.unit === e.unit;
  return unitOk && sameEnd(value.bounds.lo, e.lo) && sameEnd(value.bounds.hi, e.hi) ? { kind: 'read', c } : { kind: 'wrong', c, got: shown };
}

describe(parseValue.name, () => {
  describe('the news corpus', () => {
    const outcomes = corpus.map(run);
    const of = <K extends Outcome['kind']>(kind: K) => outcomes.filter((o): o is Extract<Outcome, { kind: K }> => o.kind === kind);
    const refused = of('refused');

    it('holds at least 150 expressions, each saying where it was copied from', () => {
      expect(corpus.length).toBeGreaterThanOrEqual(150);
      expect(corpus.filter((c) => !c.from?.trim() || !c.text?.trim())).toEqual([]);
      expect(corpus.filter((c) => 'refused' in c.expect && !c.expect.refused.trim())).toEqual([]);
    });

    // Committed before tuning: the reader still misreads some (see the commit message); the next commits fix the reader, never these cases.
    it('reads none of them wrongly, and prints how many it reads and refuses', () => {
      const summary = {
        cases: outcomes.length,
        readCorrectly: of('read').length,
        refusedAsExpected: refused.filter((o) => o.expected).length,
        refusedThoughReadable: refused.filter((o) => !o.expected).length,
        wrong: of('wrong').length,
      };
      console.log(`news corpus: ${JSON.stringify(summary)}\nrefused though readable:\n${refused.filter((o) => !o.expected).map((o) => `  ${JSON.stringify(o.c.text)}: ${o.reason}`).join('\n')}`);
      expect(of('wrong').map((o) => `${o.c.text} [${o.c.from}] read as ${o.got}, expected ${JSON.stringify(o.c.expect)}`)).toEqual([]);
    });

    it('names a reason for every refusal', () => {
      expect(refused.filter((o) => !o.reason.trim()).map((o) => o.c.text)).toEqual([]);
    });
  });
});
