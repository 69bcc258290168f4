import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimMemory, PROJECTION_NAMES, Projections } from '#projections';
import { createTestApp, type TestApp } from '../support/app.js';

const text = readFileSync(join(process.cwd(), 'seeds', 'sources', '2025-12-05-business-standard-reorienting-defence-ties.txt'), 'utf8');

/** Quote/value pairs that occur in the article, per value type. */
const DATE_WORDS: [string, string][] = [
  ['expected by 2026–27', 'by 2026–27'],
  ['expected by 2026–27', '2026–27'],
  ['expected by 2026–27', 'by September 2026'],
  ['expected by 2026–27', 'mid-2025'],
  ['expected by 2026–27', '4 December 2025'],
  ['expected by 2026–27', 'Q3 2026'],
];
const SAID_AT = ['2025-12-04', '2025-12-05', '2025-12-20', '2024-11-22'];

type Step =
  | { kind: 'open'; claim: number }
  | { kind: 'record'; claim: number; words: number; saidAt: number }
  | { kind: 'correct'; claim: number; nth: number; saidAt: number }
  | { kind: 'retract'; claim: number; nth: number }
  | { kind: 'verdict'; claim: number; rating: number }
  | { kind: 'revise'; variant: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), claim: fc.nat(2) }),
  { arbitrary: fc.record({ kind: fc.constant('record' as const), claim: fc.nat(2), words: fc.nat(DATE_WORDS.length - 1), saidAt: fc.nat(SAID_AT.length - 1) }), weight: 4 },
  fc.record({ kind: fc.constant('correct' as const), claim: fc.nat(2), nth: fc.nat(5), saidAt: fc.nat(SAID_AT.length - 1) }),
  fc.record({ kind: fc.constant('retract' as const), claim: fc.nat(2), nth: fc.nat(5) }),
  fc.record({ kind: fc.constant('verdict' as const), claim: fc.nat(2), rating: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('revise' as const), variant: fc.nat(3) }),
);

describe('rebuild from position 0', () => {
  let sut: TestApp;
  const defaults = { ...claimMemory };
  afterEach(async () => {
    Object.assign(claimMemory, defaults);
    await sut?.close();
  });

  it.each([
    ['the folds memory keeps by default', defaults],
    // Every batch then reads folds from the claims' streams.
    ['one fold kept', { foldsKept: 1, foldsKeptWhileBuilding: 1, entriesKept: 1 }],
  ] satisfies [string, Partial<typeof claimMemory>][])('gives read models equal to the live ones after any sequence of commands (%s)', async (_, memory) => {
    Object.assign(claimMemory, memory);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 6, maxLength: 30 }), async (steps) => {
        sut = await createTestApp();
        const sourceId = (await sut.request({ method: 'POST', url: '/sources', body: { title: 'BS', publisher: 'Business Standard', publishedAt: '2025-12-05', text } })).body.id;
        // Two claims open from the start, so most steps act on something; a third opens mid-way.
        const claims: (string | undefined)[] = [];
        for (const i of [0, 1]) claims[i] = (await sut.request({ method: 'POST', url: '/claims', body: { subject: `claim ${i}`, predicate: 'due', valueType: 'date' } })).body.id;
        const assertions: string[][] = [[], [], []];
        for (const s of steps) {
          const claimId = 'claim' in s ? claims[s.claim] : undefined;
          switch (s.kind) {
            case 'open':
              if (!claimId) claims[s.claim] = (await sut.request({ method: 'POST', url: '/claims', body: { subject: `claim ${s.claim}`, predicate: 'due', valueType: 'date' } })).body.id;
              break;
            case 'record': {
              if (!claimId) break;
              const [exact, words] = DATE_WORDS[s.words]!;
              const res = await sut.request({ method: 'POST', url: `/claims/${claimId}/assertions`, body: { sourceId, quote: { exact }, value: { text: words }, saidAt: SAID_AT[s.saidAt], speaker: 'sources' } });
              if (res.status === 201) assertions[s.claim]!.push(res.body.assertionId);
              break;
            }
            case 'correct': {
              const aid = assertions[s.claim]?.[s.nth];
              if (claimId && aid) await sut.request({ method: 'POST', url: `/claims/${claimId}/assertions/${aid}/corrections`, body: { changes: { saidAt: SAID_AT[s.saidAt] }, reason: 'said-at was wrong' } });
              break;
            }
            case 'retract': {
              const aid = assertions[s.claim]?.[s.nth];
              if (claimId && aid) await sut.request({ method: 'POST', url: `/claims/${claimId}/assertions/${aid}/retractions`, body: { reason: 'withdrawn' } });
              break;
            }
            case 'verdict':
              if (claimId) await sut.request({ method: 'POST', url: `/claims/${claimId}/verdicts`, body: { ratingValue: s.rating, alternateName: `rating ${s.rating}`, reasoning: 'checked' } });
              break;
            case 'revise':
              await sut.request({ method: 'POST', url: `/sources/${sourceId}/revisions`, body: { text: s.variant === 0 ? text.replace('2026–27', '2027–28') : `${text}\nUpdate ${s.variant}.` } });
              break;
          }
        }
        const snapshot = async () => {
          const claimList = (await sut.request({ method: 'GET', url: '/claims?limit=500' })).body;
          const timelines = [];
          for (const c of claimList.items) {
            timelines.push((await sut.request({ method: 'GET', url: `/claims/${c.claimId}/timeline` })).body);
            timelines.push((await sut.request({ method: 'GET', url: `/claims/${c.claimId}/timeline?saidBy=2025-12-05` })).body);
          }
          return {
            claimList,
            timelines,
            discrepancies: (await sut.request({ method: 'GET', url: '/discrepancies?status=all&limit=500' })).body,
            source: (await sut.request({ method: 'GET', url: `/sources/${sourceId}` })).body,
            revisions: (await sut.request({ method: 'GET', url: `/sources/${sourceId}/revisions` })).body,
            events: (await sut.request({ method: 'GET', url: '/events?limit=1000' })).body,
          };
        };
        const live = await snapshot();
        expect(live.events.items.length).toBeGreaterThanOrEqual(3);
        // The discrepancy rows are kept pair by pair; the claim state counts them from scratch.
        for (const c of live.claimList.items) {
          const open = live.discrepancies.items.filter((d: { claimId: string; status: string }) => d.claimId === c.claimId && d.status === 'open');
          expect(open.length).toBe(c.counts.discrepancies);
        }
        await sut.app.get(Projections).runner.rebuild([...PROJECTION_NAMES]).done;
        expect(await snapshot()).toEqual(live);
        await sut.close();
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 12) },
    );
    // Twelve apps started, written to and rebuilt: ~20 s on two cores, more when they are shared.
  }, 120_000);
});
