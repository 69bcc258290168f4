import { MODALITIES, RELATIONS } from '#domain';

/** The OpenAPI schema of GET /sources/:id/suggestions (libs/domain/src/intake/suggest.ts holds the types). */
const span = { type: 'object', properties: { start: { type: 'integer' }, end: { type: 'integer' } } };

const value = {
  type: 'object',
  description: 'The value as the value reader made it: the words as written (text), normalized form, bounds, and unit or noun',
  properties: {
    type: { type: 'string', enum: ['date', 'quantity', 'count'] },
    text: { type: 'string', example: 'by August 2026' },
    normalized: { type: 'string', example: '../2026-08' },
    bounds: { type: 'object', properties: { lo: { nullable: true }, hi: { nullable: true } } },
    unit: { type: 'string', example: 'USD' },
    noun: { type: 'string', example: 'squadrons' },
    modifier: { type: 'string' },
    convention: { type: 'string' },
    parser: { type: 'string' },
  },
};

export const SUGGESTIONS_SCHEMA = {
  type: 'object',
  properties: {
    sourceId: { type: 'string' },
    from: { type: 'integer', description: 'The text offset this answer starts at' },
    next: { type: 'integer', nullable: true, description: 'Ask again with from=next for the rest of a long text; null at its end' },
    suggestions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Stable for one text version: where the value words stand', example: '120-134' },
          valueAt: { ...span, description: "The value words' place in the text (UTF-16 code units, end exclusive)" },
          value,
          quote: {
            type: 'object',
            description: 'The smallest quotable span (clause or sentence) holding the value: W3C TextQuote + TextPosition selectors as the assertion endpoint computes them; occurrence when the words occur more than once',
            properties: {
              exact: { type: 'string' },
              prefix: { type: 'string' },
              suffix: { type: 'string' },
              start: { type: 'integer' },
              end: { type: 'integer' },
              occurrence: { type: 'integer' },
            },
          },
          claims: {
            type: 'array',
            description: 'Candidate claims, best first (at most 3); empty when none fits',
            items: {
              type: 'object',
              properties: {
                claimId: { type: 'string' },
                subject: { type: 'string' },
                predicate: { type: 'string' },
                score: { type: 'number' },
                reason: { type: 'string', example: 'predicate: delivered; subject: S-400; earlier value: squadrons' },
              },
            },
          },
          proposedClaim: {
            type: 'object',
            nullable: true,
            description: 'When no claim fits: a subject and predicate for a new claim (POST /claims)',
            properties: { subject: { type: 'string' }, predicate: { type: 'string' }, valueType: { type: 'string' } },
          },
          relationToCurrent: {
            type: 'object',
            nullable: true,
            properties: {
              claimId: { type: 'string' },
              current: { type: 'string', description: "The first claim's current value as written" },
              relation: { type: 'string', enum: [...RELATIONS] },
              explanation: { type: 'string' },
            },
          },
          speaker: { type: 'string', nullable: true, description: "Who the text says made the statement, else the source's publisher" },
          modality: { type: 'string', enum: [...MODALITIES] },
          saidAt: { type: 'object', description: "Said-at the text gives (\"said on Wednesday\"), else the source's publishedAt" },
          cues: { type: 'object', description: 'Where speaker, modality and said-at came from (text, source or default) and the words that said so' },
          alreadyRecorded: { type: 'string', nullable: true, description: 'The assertion id when this source already has this value recorded from this passage' },
          assertion: { type: 'object', description: 'The body of POST /claims/{first claimId}/assertions that records the suggestion as it stands' },
        },
      },
    },
    unread: {
      type: 'array',
      description: 'Value words the value reader refused (with its reason): not guessed at; record them by hand if they matter',
      items: { type: 'object', properties: { type: { type: 'string' }, text: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' }, reason: { type: 'string' } } },
    },
  },
};
