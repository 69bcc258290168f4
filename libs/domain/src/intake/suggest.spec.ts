import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decideClaim, evolveClaim, initialClaimState } from '../claim/claim.js';
import { selectQuote } from '../quote/quote.js';
import { parseDate, parseValue } from '../values/parse.js';
import type { ValueType } from '../values/value.js';
import type { TrackedClaim } from './match.js';
import { type IntakeSource, suggest, suggestionPages, suggestionSteps } from './suggest.js';
import { sentencesOf } from './text.js';

const S400 = { name: 'S-400 Triumf', aliases: ['S-400'] };

function tracked(claimId: string, predicate: string, valueType: ValueType, current: string): TrackedClaim {
  const value = parseValue({ type: valueType, text: current });
  return {
    claimId,
    subject: 'S-400 contract of 2018',
    predicate,
    valueType,
    description: null,
    entities: [S400],
    current: value,
    assertions: [{ assertionId: `${claimId}-seed`, sourceId: 'seed-source', quote: { exact: `the ${current}`, start: 0, end: 4 + current.length }, value, live: true }],
  };
}

const CLAIMS = [
  tracked('due', 'remaining deliveries due', 'date', 'by 2026–27'),
  tracked('year', 'year signed', 'date', '2018'),
  tracked('value', 'contract value', 'quantity', '$5.43 billion'),
  tracked('delivered', 'units delivered', 'count', 'three squadrons'),
];

function source(text: string, sourceId = 'new-source'): IntakeSource {
  return { sourceId, title: 'S-400 deliveries', publisher: 'The Test Chronicle', publishedAt: parseDate('2026-01-14'), text };
}

const FRAGMENTS = [
  'The remaining S-400 units will be delivered by August 2026.',
  'India signed the S-400 deal in 2018 for $5.43 billion, officials said on Wednesday.',
  'Three S-400 squadrons have already been delivered.',
  'Moscow has assured New Delhi that the last S-400 units are due in 2026.',
  'The Rs 40,000 crore S-400 contract was signed in October 2018.',
  'Weather was fine.',
  'The S-400 units will arrive by August 2026.',
];

describe(suggest.name, () => {
  it('reads a first line of prose as the lede: what it names is what the next lines are about', () => {
    const text = 'Russia reaffirmed it will complete the S-400 deal, officials confirmed.\nThe USD 5.43 billion contract — signed in 2018 — will be completed.';
    const signed = suggest({ ...source(text), title: null }, CLAIMS).suggestions.find((s) => s.value.text === '2018');
    expect(signed?.claims[0]?.claimId).toBe('year');
    const headline = 'S-400 deal\nThe USD 5.43 billion contract — signed in 2018 — will be completed.';
    // A headline is not the story's lede: the second line alone does not name the S-400.
    expect(suggest({ ...source(headline), title: null }, CLAIMS).suggestions.find((s) => s.value.text === '2018')?.claims).toEqual([]);
  });

  it('reads past a dateline on a line of its own to the lede', () => {
    const text = 'Deliveries slip\n\nNew Delhi:\nThe remaining S-400 units will come late.\n\nIndia signed the deal in 2018.';
    expect(suggest(source(text), CLAIMS).suggestions.find((s) => s.value.text === '2018')?.claims[0]?.claimId).toBe('year');
  });

  it('suggests what the assertion endpoint records unchanged: the same selectors, the same value, accepted as it stands', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 8 }), fc.constantFrom(' ', '\n', '\n\n'), (parts, joiner) => {
        const text = parts.join(joiner);
        const { suggestions } = suggest(source(text), CLAIMS);
        for (const s of suggestions) {
          const { occurrence, ...selector } = s.quote;
          expect(selectQuote(text, s.quote.exact, { occurrence })).toEqual(selector);
          expect(s.valueAt.start >= s.quote.start && s.valueAt.end <= s.quote.end).toBe(true);
          expect(text.slice(s.valueAt.start, s.valueAt.end)).toBe(s.value.text);
          const claim = CLAIMS.find((c) => c.claimId === s.claims[0]?.claimId);
          if (!claim) continue;
          const opened = evolveClaim(initialClaimState(), decideClaim({ type: 'OpenClaim', data: { claimId: claim.claimId, subject: claim.subject, predicate: claim.predicate, valueType: claim.valueType } }, initialClaimState())[0]!);
          const [event] = decideClaim(
            { type: 'RecordAssertion', data: { claimId: claim.claimId, assertionId: 'a1', ...s.assertion } },
            opened,
            { source: { status: 'registered', sourceId: 'new-source', publisher: 'The Test Chronicle', publishedAt: parseDate('2026-01-14'), text, textVersion: 1, contentHash: 'x' } },
          );
          expect(event!.type).toBe('claimline.assertion-recorded');
          const data = event!.data as { quote: unknown; value: { bounds: unknown }; saidAt: { bounds: unknown }; speaker: string; modality: string };
          expect(data.quote).toEqual(selector);
          expect(data.value).toEqual(s.value);
          expect(data.saidAt.bounds).toEqual(s.saidAt.bounds);
          expect([data.speaker, data.modality]).toEqual([s.speaker, s.modality]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('files each value under the claim its passage is about, with the relation to that claim\'s current value', () => {
    const text = FRAGMENTS.slice(0, 3).join(' ');
    const byWords = new Map(suggest(source(text), CLAIMS).suggestions.map((s) => [s.value.text, s]));
    expect(byWords.get('by August 2026')?.claims[0]?.claimId).toBe('due');
    expect(byWords.get('by August 2026')?.relationToCurrent).toMatchObject({ claimId: 'due', current: 'by 2026–27', relation: 'refines' });
    expect(byWords.get('2018')?.claims[0]?.claimId).toBe('year');
    expect(byWords.get('$5.43 billion')?.claims[0]?.claimId).toBe('value');
    expect(byWords.get('Three S-400 squadrons')?.claims[0]?.claimId).toBe('delivered');
    expect(byWords.get('$5.43 billion')).toMatchObject({ speaker: 'officials', modality: 'stated', cues: { saidAt: { from: 'text', words: 'on Wednesday' } } });
  });

  it('reads the whole of "two of the five units" as what was contracted', () => {
    const claims = [...CLAIMS, tracked('contracted', 'units contracted', 'count', 'five units'), tracked('pending', 'units still to be delivered', 'count', 'two')];
    const contracted = (text: string) => suggest(source(text), claims).suggestions.find((s) => s.value.text.startsWith('five'))?.claims.find((c) => c.claimId === 'contracted');
    expect(contracted('A source said two of the five S-400 regimental sets were to be handed over.')?.reason).toMatch(/\(contract\)/);
    expect(contracted('A source said two and five S-400 regimental sets were to be handed over.')?.reason).not.toMatch(/\(contract\)/);
  });

  it('leaves out the people who speak ("two people familiar with the matter said"), not the people counted', () => {
    const values = (text: string) => suggest(source(text), CLAIMS).suggestions.map((s) => s.value.text);
    expect(values('The S-400 units arrive by June, two people familiar with the matter said.')).toEqual(['by June']);
    expect(values('The S-400 venture employs about 2,000 people.')).toEqual(['about 2,000 people']);
  });

  it('reads an interview\'s answer in the light of its question, and nothing from a question', () => {
    const text = 'Interview\n\nThe marshal led the branch until 2024.\n\nQ: How many S-400 squadrons have arrived by 2026?\nA: Three are operational.';
    const { suggestions } = suggest(source(text), CLAIMS);
    expect(suggestions.filter((s) => s.claims.length > 0).map((s) => [s.value.text, s.claims[0]!.claimId])).toEqual([['Three', 'delivered']]);
  });

  it('reads an interview\'s later answers as about what was asked before', () => {
    const text = 'Interview\n\nThe marshal led the branch until 2024.\n\nQ: When do the S-400 units come?\nA: Not all at once.\n\nQ: And the rest?\nA: The remaining units will be delivered by August 2027.';
    const byWords = new Map(suggest(source(text), CLAIMS).suggestions.map((s) => [s.value.text, s]));
    expect(byWords.get('by August 2027')?.claims[0]?.claimId).toBe('due');
  });

  it('gives an interview\'s answers to the one its title says it is with', () => {
    const text = 'Q: When do the S-400 units come?\nA: The remaining units will be delivered by August 2027.';
    const interview = { ...source(text), title: 'Deliveries: an interview with Air Marshal K. Menon' };
    const answer = suggest(interview, CLAIMS).suggestions.find((s) => s.value.text === 'by August 2027');
    expect(answer).toMatchObject({ speaker: 'Air Marshal K. Menon', cues: { speaker: { from: 'text', words: 'interview with Air Marshal K. Menon' } } });
    expect(suggest(source(text), CLAIMS).suggestions.find((s) => s.value.text === 'by August 2027')?.speaker).toBe('The Test Chronicle');
  });

  it('proposes a new claim for a value no tracked claim fits, and drops a lone number', () => {
    const { suggestions } = suggest(source('The BrahMos Aerospace export order from the Philippines was worth $375 million. One was enough.'), CLAIMS);
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0]).toMatchObject({ claims: [], relationToCurrent: null, proposedClaim: { subject: 'BrahMos Aerospace', predicate: 'amount (USD)', valueType: 'quantity' } });
  });

  it('marks a value this source already has recorded from the same passage', () => {
    const text = 'Three S-400 squadrons have already been delivered.';
    const value = parseValue({ type: 'count', text: 'Three S-400 squadrons' });
    const recorded: TrackedClaim = { ...CLAIMS[3]!, assertions: [{ assertionId: 'done', sourceId: 'new-source', quote: { exact: text, start: 0, end: text.length }, value, live: true }] };
    const [s] = suggest(source(text), [...CLAIMS.slice(0, 3), recorded]).suggestions;
    expect(s).toMatchObject({ alreadyRecorded: 'done', claims: [{ claimId: 'delivered' }] });
  });

  it('reads a long text a page at a time: the pages, read on from each next, are the whole answer', () => {
    const text = Array.from({ length: 12 }, (_, i) => FRAGMENTS[i % FRAGMENTS.length]).join('\n');
    const whole = suggest(source(text), CLAIMS);
    expect(whole.next).toBeNull();
    const pages = [];
    for (let page = suggest(source(text), CLAIMS, 0, 3); ; page = suggest(source(text), CLAIMS, page.next!, 3)) {
      expect(page.suggestions.length).toBeLessThanOrEqual(3 + 2); // a page ends after the sentence that fills it
      pages.push(page);
      if (page.next === null) break;
    }
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.flatMap((p) => p.suggestions)).toEqual(whole.suggestions);
  });

  it('reads who spoke alike on a page and before it: wherever the pages start, they are the whole answer, read on or read afresh', () => {
    // "he said" after a clause that names a speaker is that speaker, on a page or before one.
    const speaking = [
      'Defence Minister Rajnath Singh said the S-400 units will be delivered by August 2026.',
      'Sergei Shoigu said the S-400 visit was useful in 2018, while he said the remaining S-400 units will be delivered by August 2026.',
      'He said the S-400 deal was signed in 2018.',
      'The remaining S-400 units are due by 2026–27, he added.',
      'He said the Rs 40,000-odd crore S-400 deal is due in 2026.',
      'Weather was fine.',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...speaking), { minLength: 2, maxLength: 8 }), fc.constantFrom(' ', '\n'), fc.integer({ min: 1, max: 3 }), (parts, joiner, perPage) => {
        const text = parts.join(joiner);
        const whole = suggest(source(text), CLAIMS).suggestions;
        const paged = [];
        for (let page = suggest(source(text), CLAIMS, 0, perPage); ; page = suggest(source(text), CLAIMS, page.next!, perPage)) {
          paged.push(page);
          if (page.next === null) break;
        }
        expect(paged.flatMap((p) => p.suggestions)).toEqual(whole);
        // One reading kept going from page to page gives the same pages as a reading for each.
        const continued = [...suggestionPages(source(text), CLAIMS, 0, perPage)].filter((p) => p !== undefined);
        expect(continued).toEqual(paged);
      }),
      { numRuns: 150 },
    );
    const text = speaking.slice(0, 3).join(' ');
    expect(suggest(source(text), CLAIMS).suggestions.map((s) => s.speaker)).toEqual(['Defence Minister Rajnath Singh', 'Sergei Shoigu', 'Sergei Shoigu', 'Sergei Shoigu']);
  });

  it('is a sentence at a time: it yields at least once per sentence, and the steps give what suggest gives', () => {
    const text = FRAGMENTS.join('\n');
    const steps = suggestionSteps(source(text), CLAIMS);
    let yields = 0;
    let step = steps.next();
    while (!step.done) {
      yields += 1;
      step = steps.next();
    }
    expect(yields).toBeGreaterThanOrEqual(sentencesOf(text).length);
    expect(step.value).toEqual(suggest(source(text), CLAIMS));
  });
});
