import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../../../../test/support/decider-spec.js';
import type { SourceEvent } from '../events/events.js';
import { parseDate } from '../values/parse.js';
import { contentHash, decideSource, evolveSource, initialSourceState, type RegisterSource, type SourceCommand, type SourceState } from './source.js';

const TEXT = 'Russia will complete deliveries of the remaining S-400 units by September 2026, officials said.';

const register: RegisterSource = {
  type: 'RegisterSource',
  data: {
    sourceId: 'src-1',
    title: 'S-400 deliveries',
    publisher: 'The Daily',
    author: 'A. Writer',
    url: 'https://example.org/s400',
    language: 'en',
    publishedAt: '2025-12-04',
    retrievedAt: '2025-12-05T08:00:00Z',
    text: TEXT,
  },
};

const registered: SourceEvent = {
  type: 'claimline.source-registered',
  data: {
    sourceId: 'src-1',
    title: 'S-400 deliveries',
    publisher: 'The Daily',
    author: 'A. Writer',
    url: 'https://example.org/s400',
    language: 'en',
    publishedAt: parseDate('2025-12-04'),
    retrievedAt: '2025-12-05T08:00:00Z',
    text: TEXT,
    contentHash: contentHash(TEXT),
  },
};

const given = deciderSpec<SourceCommand, SourceEvent, SourceState, void>({ decide: (command, state) => decideSource(command, state), evolve: evolveSource, initialState: initialSourceState }, undefined);

describe(decideSource.name, () => {
  describe('RegisterSource', () => {
    it('registers a source with its parsed publication date and the sha256 of its text', () => {
      given().when(register).then([registered]);
      expect(contentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });

    it('is refused for a source already registered', () => {
      given(registered).when(register).thenRefuses('conflict', 'sourceId');
    });

    it('keeps the text exactly as given, surrounding whitespace included (quote offsets refer to it)', () => {
      const text = `  ${TEXT}\n`;
      const [event] = decideSource({ ...register, data: { ...register.data, text } }, initialSourceState());
      expect(event?.type === 'claimline.source-registered' && event.data.text).toBe(text);
    });

    it('stores unknown publisher, author, url and retrieval time as null, an unknown language as und', () => {
      const [event] = decideSource(
        { ...register, data: { ...register.data, publisher: ' ', author: undefined, url: '', retrievedAt: null, language: undefined } },
        initialSourceState(),
      );
      expect(event?.data).toMatchObject({ publisher: null, author: null, url: null, retrievedAt: null, language: 'und' });
    });

    it.each([
      ['text', { text: '   ' }, 'invalid'],
      ['title', { title: '' }, 'invalid'],
      ['language', { language: 'English!' }, 'invalid'],
      ['url', { url: 'not a url' }, 'invalid'],
      ['url', { url: 'ftp://example.org/x' }, 'invalid'],
      ['retrievedAt', { retrievedAt: 'yesterday' }, 'invalid'],
      ['publishedAt', { publishedAt: '' }, 'invalid'],
    ])('is refused naming %s when it is malformed', (field, change, kind) => {
      given().when({ ...register, data: { ...register.data, ...change } }).thenRefuses(kind, field);
    });

    it('lets an unreadable publication date propagate as UnparseableValue naming publishedAt', () => {
      let thrown: unknown;
      try {
        decideSource({ ...register, data: { ...register.data, publishedAt: 'the day after never' } }, initialSourceState());
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ name: 'UnparseableValue', field: 'publishedAt', input: 'the day after never' });
    });

    it.each(['20000', 'Y170000002', '2010-11'])('refuses the publication date "%s" rather than store a wrong day (issue 14)', (publishedAt) => {
      expect(() => decideSource({ ...register, data: { ...register.data, publishedAt } }, initialSourceState())).toThrow(expect.objectContaining({ field: 'publishedAt' }));
    });

    it("keeps the outlet's fiscal year, which its assertions are read by", () => {
      const [event] = decideSource({ ...register, data: { ...register.data, fiscalYear: 'april' } }, initialSourceState());
      expect(event).toEqual({ ...registered, data: { ...registered.data, fiscalYear: 'april' } });
      expect(evolveSource(initialSourceState(), event!)).toMatchObject({ fiscalYear: 'april' });
    });

    it('refuses a fiscal year that is not a starting month it knows, naming fiscalYear', () => {
      given().when({ ...register, data: { ...register.data, fiscalYear: 'march' } }).thenRefuses('invalid', 'fiscalYear');
    });
  });

  describe('ReviseSourceText', () => {
    const revised = `${TEXT} Updated: the date is now October 2026.`;

    it('records the new text as version 2 with its hash', () => {
      given(registered)
        .when({ type: 'ReviseSourceText', data: { sourceId: 'src-1', text: revised, reason: 'outlet update' } })
        .then([
          {
            type: 'claimline.source-text-revised',
            data: { sourceId: 'src-1', text: revised, contentHash: contentHash(revised), textVersion: 2, reason: 'outlet update' },
          },
        ]);
    });

    it('counts versions on from the last revision', () => {
      const v2: SourceEvent = {
        type: 'claimline.source-text-revised',
        data: { sourceId: 'src-1', text: revised, contentHash: contentHash(revised), textVersion: 2 },
      };
      const [event] = decideSource({ type: 'ReviseSourceText', data: { sourceId: 'src-1', text: TEXT } }, [registered, v2].reduce(evolveSource, initialSourceState()));
      expect(event?.data).toMatchObject({ textVersion: 3, text: TEXT });
    });

    it('is refused when the text is identical to the current one', () => {
      given(registered).when({ type: 'ReviseSourceText', data: { sourceId: 'src-1', text: TEXT } }).thenRefuses('conflict', 'text');
    });

    it('is refused for a missing source', () => {
      given().when({ type: 'ReviseSourceText', data: { sourceId: 'src-1', text: revised } }).thenRefuses('not-found', 'sourceId');
    });

    it('is refused for a blank text', () => {
      given(registered).when({ type: 'ReviseSourceText', data: { sourceId: 'src-1', text: '\n' } }).thenRefuses('invalid', 'text');
    });
  });
});

describe(evolveSource.name, () => {
  it('tracks the current text, its version and hash', () => {
    const state = [registered].reduce(evolveSource, initialSourceState());
    expect(state).toMatchObject({ status: 'registered', sourceId: 'src-1', publisher: 'The Daily', text: TEXT, textVersion: 1, contentHash: contentHash(TEXT) });
  });
});
