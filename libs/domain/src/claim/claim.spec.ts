import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../../../../test/support/decider-spec.js';
import type { AssertionRecorded, AssertionRetracted, ClaimEvent, ClaimOpened, SourceEvent } from '../events/events.js';
import { contentHash, evolveSource, initialSourceState, type SourceState } from '../source/source.js';
import { parseDate, parseValue } from '../values/parse.js';
import { UnparseableValue } from '../values/value.js';
import {
  type ClaimCommand,
  type ClaimContext,
  type ClaimState,
  type CorrectAssertion,
  decideClaim,
  evolveClaim,
  initialClaimState,
  type RecordAssertion,
} from './claim.js';

// The source says "2026-09-30" twice, so quoting it alone is ambiguous.
const TEXT =
  'Officials said on Thursday that the remaining units would arrive by 2026-09-30. ' +
  'A ministry spokesman later repeated the date of 2026-09-30 in a briefing.';
const REVISED = 'Officials now say the remaining units will arrive by 2026-10-31, the ministry confirmed.';

function sourceEvents(sourceId: string, text: string, publisher: string | null = 'The Daily'): SourceEvent[] {
  return [
    {
      type: 'claimline.source-registered',
      data: {
        sourceId,
        title: 'Deliveries',
        publisher,
        author: null,
        url: null,
        language: 'en',
        publishedAt: parseDate('2025-12-04'),
        retrievedAt: null,
        text,
        contentHash: contentHash(text),
      },
    },
  ];
}
const sourceOf = (events: SourceEvent[]): SourceState => events.reduce(evolveSource, initialSourceState());
const source = sourceOf(sourceEvents('src-1', TEXT));
const revisedSource = sourceOf([
  ...sourceEvents('src-1', TEXT),
  { type: 'claimline.source-text-revised', data: { sourceId: 'src-1', text: REVISED, contentHash: contentHash(REVISED), textVersion: 2 } },
]);
const otherSource = sourceOf(sourceEvents('src-2', 'The wire agency wrote that the units arrive by 2026-09-30.', 'Wire'));

const opened: ClaimOpened = {
  type: 'claimline.claim-opened',
  data: { claimId: 'c-1', subject: 'S-400 contract of 2018', predicate: 'remaining deliveries due', valueType: 'date' },
};

const record: RecordAssertion = {
  type: 'RecordAssertion',
  data: {
    claimId: 'c-1',
    assertionId: 'a-1',
    sourceId: 'src-1',
    quote: { exact: 'would arrive by 2026-09-30' },
    value: { text: '2026-09-30' },
  },
};
const withRecord = (data: Partial<RecordAssertion['data']>): RecordAssertion => ({ ...record, data: { ...record.data, ...data } });

const recorded: AssertionRecorded = {
  type: 'claimline.assertion-recorded',
  data: {
    claimId: 'c-1',
    assertionId: 'a-1',
    sourceId: 'src-1',
    quote: {
      exact: 'would arrive by 2026-09-30',
      prefix: 'ursday that the remaining units ', // 32 code units either side
      suffix: '. A ministry spokesman later rep',
      start: 52,
      end: 78,
    },
    sourceTextVersion: 1,
    value: parseValue({ type: 'date', text: '2026-09-30' }),
    saidAt: parseDate('2025-12-04'),
    speaker: 'The Daily',
    modality: 'stated',
  },
};

const correct = (changes: CorrectAssertion['data']['changes'], reason = 'typo in the value'): CorrectAssertion => ({
  type: 'CorrectAssertion',
  data: { claimId: 'c-1', assertionId: 'a-1', changes, reason },
});

const given = deciderSpec<ClaimCommand, ClaimEvent, ClaimState, ClaimContext>({ decide: decideClaim, evolve: evolveClaim, initialState: initialClaimState }, { source });

/** Refused as words that cannot be read as a value, naming the field. */
const unparseable = (field: string) => (error: unknown) => {
  expect(error).toBeInstanceOf(UnparseableValue);
  expect(error).toMatchObject({ field });
};

const retracted: AssertionRetracted = {
  type: 'claimline.assertion-retracted',
  data: { claimId: 'c-1', assertionId: 'a-1', kind: 'recorded-in-error', reason: 'wrong article' },
};

describe(decideClaim.name, () => {
  describe('OpenClaim', () => {
    const open: ClaimCommand = { type: 'OpenClaim', data: { ...opened.data } };

    it('opens a claim', () => {
      given().when(open).then([opened]);
    });

    it('keeps the description and entities, aliases without repeats', () => {
      given()
        .when({ type: 'OpenClaim', data: { ...opened.data, description: ' Deliveries. ', entities: [{ name: 'S-400', aliases: ['Triumf', 'Triumf'] }] } })
        .then([{ ...opened, data: { ...opened.data, description: 'Deliveries.', entities: [{ name: 'S-400', aliases: ['Triumf'] }] } }]);
    });

    it('is refused for a claim already open', () => {
      given(opened).when(open).thenRefuses('conflict', 'claimId');
    });

    it.each([
      ['valueType', { valueType: 'colour' }],
      ['subject', { subject: ' ' }],
      ['predicate', { predicate: '' }],
      ['entities.0.name', { entities: [{ name: '', aliases: [] }] }],
    ])('is refused naming %s when it is malformed', (field, change) => {
      given().when({ type: 'OpenClaim', data: { ...opened.data, ...change } } as ClaimCommand).thenRefuses('invalid', field);
    });
  });

  describe('RecordAssertion', () => {
    it('records the quote with selectors computed from the source text, said-at and speaker from the source', () => {
      given(opened).when(record).then([recorded]);
    });

    it('takes an explicit said-at, speaker, modality and note', () => {
      const [event] = decideClaim(
        withRecord({ saidAt: '2025-11-30', speaker: 'Russian Defence Ministry', modality: 'assured', note: 'via a briefing' }),
        [opened].reduce(evolveClaim, initialClaimState()),
        { source },
      );
      expect(event?.data).toMatchObject({
        saidAt: parseDate('2025-11-30'),
        speaker: 'Russian Defence Ministry',
        modality: 'assured',
        note: 'via a briefing',
      });
    });

    it('is refused on a claim never opened', () => {
      given().when(record).thenRefuses('not-found', 'claimId');
    });

    it('needs a speaker when the source has no publisher to default to', () => {
      given(opened).when(record, { source: sourceOf(sourceEvents('src-1', TEXT, null)) }).thenRefuses('invalid', 'speaker');
    });

    it('is refused for a source never registered', () => {
      given(opened).when(record, { source: initialSourceState() }).thenRefuses('not-found', 'sourceId');
    });

    it('is refused when the quote does not occur verbatim', () => {
      given(opened).when(withRecord({ quote: { exact: 'would arrive by September 2026' } })).thenRefuses('unprocessable', 'quote');
    });

    it('is refused as ambiguous when the quote occurs twice and nothing singles one out', () => {
      given(opened).when(withRecord({ quote: { exact: '2026-09-30' } })).thenRefuses('unprocessable', 'quote');
    });

    it('takes the occurrence the command names', () => {
      const [event] = decideClaim(withRecord({ quote: { exact: '2026-09-30', occurrence: 2 } }), [opened].reduce(evolveClaim, initialClaimState()), { source });
      const at = TEXT.lastIndexOf('2026-09-30');
      expect(event?.data).toMatchObject({ quote: { exact: '2026-09-30', start: at, end: at + 10 } });
    });

    it('takes the occurrence a prefix hint points at', () => {
      const [event] = decideClaim(withRecord({ quote: { exact: '2026-09-30', prefix: 'the date of ' } }), [opened].reduce(evolveClaim, initialClaimState()), { source });
      expect(event?.data).toMatchObject({ quote: { start: TEXT.lastIndexOf('2026-09-30') } });
    });

    it('is refused for an occurrence that does not exist', () => {
      given(opened).when(withRecord({ quote: { exact: '2026-09-30', occurrence: 3 } })).thenRefuses('unprocessable', 'quote.occurrence');
    });

    it("matches the quote against the source's current text only, and records that text's version", () => {
      given(opened).when(record, { source: revisedSource }).thenRefuses('unprocessable', 'quote');
      const [event] = decideClaim(
        withRecord({ quote: { exact: 'arrive by 2026-10-31' }, value: { text: '2026-10-31' } }),
        [opened].reduce(evolveClaim, initialClaimState()),
        { source: revisedSource },
      );
      expect(event?.data).toMatchObject({ sourceTextVersion: 2, quote: { start: REVISED.indexOf('arrive by') } });
    });

    it("is refused when the value's type is not the claim's", () => {
      given(opened).when(withRecord({ value: { type: 'quantity', text: 'USD 5 billion' } })).thenRefuses('unprocessable', 'value.type');
    });

    it('lets unreadable value words propagate as UnparseableValue naming value.text', () => {
      given(opened).when(withRecord({ value: { text: 'whenever' } })).thenThrows(unparseable('value.text'));
    });

    it('lets an unreadable said-at propagate as UnparseableValue naming saidAt', () => {
      given(opened).when(withRecord({ saidAt: 'the other day' })).thenThrows(unparseable('saidAt'));
    });

    it('is refused for a modality outside the list', () => {
      given(opened).when(withRecord({ modality: 'whispered' })).thenRefuses('invalid', 'modality');
    });

    it('is refused for an assertion id the claim already has', () => {
      given(opened, recorded).when(record).thenRefuses('conflict', 'assertionId');
    });
  });

  describe('RecordAssertion: how the words are read (issue 14)', () => {
    const PLAN = 'The next summit is expected on 7 June, officials said, with deliveries due by 2026–27.';
    const planSource = (fiscalYear?: 'april') => sourceOf([{
      type: 'claimline.source-registered',
      data: { ...(sourceEvents('src-9', PLAN)[0]!.data as Extract<SourceEvent, { type: 'claimline.source-registered' }>['data']), publishedAt: parseDate('2025-05-29'), ...(fiscalYear ? { fiscalYear } : {}) },
    }]);
    const valueOf = (data: Partial<RecordAssertion['data']>, src: SourceState) =>
      decideClaim(withRecord({ sourceId: 'src-9', ...data }), [opened].reduce(evolveClaim, initialClaimState()), { source: src })[0]!.data as AssertionRecorded['data'];

    it('given a bare date said on 29 May, when the modality speaks of a plan, then it is the coming 7 June, else the last one', () => {
      for (const modality of ['expected', 'scheduled', 'planned', 'assured', 'invited']) {
        expect(valueOf({ quote: { exact: 'expected on 7 June' }, value: { text: 'on 7 June' }, modality }, planSource()).value).toMatchObject({ bounds: { lo: '2025-06-07', hi: '2025-06-07' }, convention: 'said-at-future' });
      }
      expect(valueOf({ quote: { exact: 'expected on 7 June' }, value: { text: 'on 7 June' }, modality: 'reported' }, planSource()).value).toMatchObject({ bounds: { lo: '2024-06-07' }, convention: 'said-at-past' });
    });

    it('given a source that keeps an April fiscal year, when its "2026–27" is read, then it is that fiscal year, recorded as such', () => {
      const quote = { exact: 'due by 2026–27' };
      expect(valueOf({ quote, value: { text: 'by 2026–27' } }, planSource('april')).value).toMatchObject({ bounds: { lo: null, hi: '2027-03-31' }, convention: 'fiscal-april' });
      expect(valueOf({ quote, value: { text: 'by 2026–27' } }, planSource()).value).toMatchObject({ bounds: { lo: null, hi: '2027-12-31' }, convention: 'calendar-years' });
    });

    it('given words and an EDTF that disagree, when recorded, then it is refused naming value.edtf', () => {
      given(opened).when(withRecord({ value: { text: 'by September 2026', edtf: '1999' } })).thenThrows(unparseable('value.edtf'));
    });

    it('given a reported bare date, when the modality is corrected to a plan, then the value is read again with it', () => {
      const reported = valueOf({ quote: { exact: 'expected on 7 June' }, value: { text: 'on 7 June' }, modality: 'reported' }, planSource());
      const [event] = decideClaim(
        { type: 'CorrectAssertion', data: { claimId: 'c-1', assertionId: 'a-1', changes: { modality: 'expected' }, reason: 'a plan, not a report' } },
        [opened, { type: 'claimline.assertion-recorded', data: reported } as AssertionRecorded].reduce(evolveClaim, initialClaimState()),
        { source: planSource() },
      );
      expect(event?.data).toMatchObject({ changes: { modality: 'expected', value: { bounds: { lo: '2025-06-07' } } }, previous: { value: { bounds: { lo: '2024-06-07' } } } });
    });
  });

  describe('CorrectAssertion', () => {
    it('records the changed value with the value it replaces and the reason', () => {
      given(opened, recorded)
        .when(correct({ value: { text: '2026-09-03' } }))
        .then([
          {
            type: 'claimline.assertion-corrected',
            data: {
              claimId: 'c-1',
              assertionId: 'a-1',
              changes: { value: parseValue({ type: 'date', text: '2026-09-03' }) },
              previous: { value: recorded.data.value },
              reason: 'typo in the value',
            },
          },
        ]);
    });

    it('keeps only the fields that really change', () => {
      const [event] = decideClaim(
        correct({ speaker: 'The Daily', modality: 'reported', value: { text: '2026-09-30' } }),
        [opened, recorded].reduce(evolveClaim, initialClaimState()),
        { source },
      );
      expect(event?.data).toMatchObject({ changes: { modality: 'reported' }, previous: { modality: 'stated' } });
      expect(Object.keys((event?.data as { changes: object }).changes)).toEqual(['modality']);
    });

    it('re-matches a corrected quote, recording the text version with it', () => {
      const [event] = decideClaim(
        correct({ quote: { exact: 'arrive by 2026-10-31' } }, 'quote from the updated article'),
        [opened, recorded].reduce(evolveClaim, initialClaimState()),
        { source: revisedSource },
      );
      expect(event?.data).toMatchObject({
        changes: { quote: { exact: 'arrive by 2026-10-31', start: REVISED.indexOf('arrive by') }, sourceTextVersion: 2 },
        previous: { quote: recorded.data.quote, sourceTextVersion: 1 },
      });
    });

    it('moves the assertion to another source, re-matching its quote there', () => {
      const [event] = decideClaim(
        correct({ sourceId: 'src-2', quote: { exact: 'arrive by 2026-09-30' } }, 'it was the wire story'),
        [opened, recorded].reduce(evolveClaim, initialClaimState()),
        { source: otherSource },
      );
      expect(event?.data).toMatchObject({ changes: { sourceId: 'src-2', sourceTextVersion: 1 }, previous: { sourceId: 'src-1' } });
    });

    it('is refused when the new source is missing or the quote is not in it', () => {
      given(opened, recorded).when(correct({ sourceId: 'src-9' }), { source: initialSourceState() }).thenRefuses('not-found', 'changes.sourceId');
      given(opened, recorded).when(correct({ sourceId: 'src-2' }), { source: otherSource }).thenRefuses('unprocessable', 'changes.quote');
    });

    it('is refused when it changes nothing', () => {
      given(opened, recorded)
        .when(correct({ value: { text: '2026-09-30' }, speaker: 'The Daily', quote: { exact: 'would arrive by 2026-09-30' } }))
        .thenRefuses('conflict', 'changes');
      given(opened, recorded).when(correct({})).thenRefuses('conflict', 'changes');
    });

    it('is refused without a reason', () => {
      given(opened, recorded).when(correct({ modality: 'reported' }, ' ')).thenRefuses('invalid', 'reason');
    });

    it('validates the new values as on record, naming the field under changes', () => {
      given(opened, recorded).when(correct({ value: { type: 'text', text: 'soon' } })).thenRefuses('unprocessable', 'changes.value.type');
      given(opened, recorded).when(correct({ value: { text: 'soonish' } })).thenThrows(unparseable('changes.value.text'));
      given(opened, recorded).when(correct({ saidAt: 'recently' })).thenThrows(unparseable('changes.saidAt'));
      given(opened, recorded).when(correct({ modality: 'mumbled' })).thenRefuses('invalid', 'changes.modality');
      given(opened, recorded).when(correct({ quote: { exact: 'not in the text' } })).thenRefuses('unprocessable', 'changes.quote');
    });

    it('is refused for a retracted assertion', () => {
      given(opened, recorded, retracted).when(correct({ modality: 'reported' })).thenRefuses('conflict', 'assertionId');
    });

    it('is refused for an unknown assertion', () => {
      given(opened).when(correct({ modality: 'reported' })).thenRefuses('not-found', 'assertionId');
    });
  });

  describe('RetractAssertion', () => {
    const retract: ClaimCommand = { type: 'RetractAssertion', data: { ...retracted.data } };

    it('retracts with its kind and reason', () => {
      given(opened, recorded).when(retract).then([retracted]);
    });

    it('is refused for an assertion already retracted', () => {
      given(opened, recorded, retracted).when(retract).thenRefuses('conflict', 'assertionId');
    });

    it('is refused for an unknown assertion', () => {
      given(opened).when(retract).thenRefuses('not-found', 'assertionId');
    });

    it('is refused without a reason or with an unknown kind', () => {
      given(opened, recorded).when({ type: 'RetractAssertion', data: { ...retracted.data, reason: '' } }).thenRefuses('invalid', 'reason');
      given(opened, recorded).when({ type: 'RetractAssertion', data: { ...retracted.data, kind: 'bored' as never } }).thenRefuses('invalid', 'kind');
    });
  });

  describe('RecordVerdict', () => {
    const verdict: ClaimCommand = {
      type: 'RecordVerdict',
      data: {
        claimId: 'c-1',
        verdictId: 'v-1',
        rating: { ratingValue: 2, alternateName: 'Mostly false' },
        reasoning: 'The date slipped twice.',
        reviewer: 'Fact desk',
        reviewedAt: '2026-01-10T12:00:00Z',
      },
    };
    const verdictRecorded: ClaimEvent = {
      type: 'claimline.verdict-recorded',
      data: {
        claimId: 'c-1',
        verdictId: 'v-1',
        rating: { ratingValue: 2, alternateName: 'Mostly false', bestRating: 5, worstRating: 1 },
        reasoning: 'The date slipped twice.',
        reviewer: 'Fact desk',
        reviewedAt: '2026-01-10T12:00:00Z',
      },
    };

    it('records a ClaimReview-compatible rating', () => {
      given(opened).when(verdict).then([verdictRecorded]);
    });

    it('is refused for a verdict id the claim already has', () => {
      given(opened, verdictRecorded).when(verdict).thenRefuses('conflict', 'verdictId');
    });

    it.each([0, 6, 2.5])('is refused for rating %p', (ratingValue) => {
      given(opened)
        .when({ ...verdict, data: { ...verdict.data, rating: { ratingValue, alternateName: 'x' } } } as ClaimCommand)
        .thenRefuses('invalid', 'rating.ratingValue');
    });

    it.each([
      ['rating.alternateName', { rating: { ratingValue: 1, alternateName: '' } }],
      ['reasoning', { reasoning: ' ' }],
      ['reviewer', { reviewer: '' }],
      ['reviewedAt', { reviewedAt: 'last week' }],
    ])('is refused naming %s when it is malformed', (field, change) => {
      given(opened).when({ ...verdict, data: { ...verdict.data, ...change } } as ClaimCommand).thenRefuses('invalid', field);
    });

    it('is refused on a claim never opened', () => {
      given().when(verdict).thenRefuses('not-found', 'claimId');
    });
  });
});

describe(evolveClaim.name, () => {
  it('folds corrections and retractions into the assertion', () => {
    const corrected: ClaimEvent = {
      type: 'claimline.assertion-corrected',
      data: { claimId: 'c-1', assertionId: 'a-1', changes: { modality: 'reported' }, previous: { modality: 'stated' }, reason: 'r' },
    };
    const state = [opened, recorded, corrected, retracted].reduce(evolveClaim, initialClaimState());
    expect(state).toMatchObject({
      status: 'open',
      valueType: 'date',
      assertions: { 'a-1': { modality: 'reported', speaker: 'The Daily', retracted: { kind: 'recorded-in-error', reason: 'wrong article' } } },
    });
  });
});
