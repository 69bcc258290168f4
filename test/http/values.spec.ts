import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ValuesController } from '../../apps/api/src/values/values.controller.js';
import { PARSER_VERSION } from '#domain';
import { createTestApp, type TestApp } from '../support/app.js';

describe(ValuesController.name, () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await createTestApp();
  });
  afterAll(() => sut.close());

  const post = (url: string, body: unknown, as: 'editor' | 'none' = 'none') => sut.request({ method: 'POST', url, body, as });
  const expectProblem = (res: { status: number; headers: Record<string, unknown>; body: { errors?: Array<{ field: string; message: string }> } }, field: string, quoting?: string): void => {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors?.map((e) => e.field)).toContain(field);
    if (quoting !== undefined) expect(JSON.stringify(res.body)).toContain(JSON.stringify(quoting).slice(1, -1));
  };

  describe('POST /values/parse', () => {
    it('given words, when parsed without a key, then 200 with the normalized value and bounds', async () => {
      const res = await post('/values/parse', { type: 'date', text: 'by September 2026' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        type: 'date',
        text: 'by September 2026',
        normalized: '../2026-09',
        bounds: { lo: null, hi: '2026-09-30' },
        parser: PARSER_VERSION,
      });
    });

    it('given money words, when parsed, then the unit and implied precision come back', async () => {
      const res = await post('/values/parse', { type: 'quantity', text: '$5.43 billion' });
      expect(res.body).toMatchObject({ unit: 'USD', normalized: '5430000000', precision: 'implied', step: '10000000', bounds: { lo: 5.425e9, hi: 5.435e9 } });
    });

    it('given a structured value, when parsed, then the words are made for it', async () => {
      const res = await post('/values/parse', { type: 'count', count: 3, noun: 'squadrons' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ text: '3 squadrons', bounds: { lo: 3, hi: 3 } });
    });

    it('given relative words and said-at, when parsed, then said-at anchors them', async () => {
      const res = await post('/values/parse', { type: 'date', text: 'next year', saidAt: '4 December 2025' });
      expect(res.body.bounds).toEqual({ lo: '2026-01-01', hi: '2026-12-31' });
    });

    it("given a source's fiscal year, when fiscal labels are parsed, then they read by it; without one they are refused naming text", async () => {
      const res = await post('/values/parse', { type: 'date', text: 'Q3FY26', fiscalYear: 'april' });
      expect(res.body).toMatchObject({ bounds: { lo: '2025-10-01', hi: '2025-12-31' }, convention: 'fiscal-april' });
      const us = await post('/values/compare', { type: 'date', a: 'fiscal 2026', b: 'September 2026', fiscalYear: 'october' });
      expect(us.body).toMatchObject({ relation: 'refines', a: { bounds: { lo: '2025-10-01', hi: '2026-09-30' } } });
      const refused = await post('/values/parse', { type: 'date', text: 'FY27' });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'text' })]);
      expect((await post('/values/parse', { type: 'date', text: 'FY27', fiscalYear: 'march' })).body.errors).toEqual([expect.objectContaining({ field: 'fiscalYear' })]);
    });

    it('given the fiscal convention, when parsed, then it is applied and recorded', async () => {
      const res = await post('/values/parse', { type: 'date', text: '2026–27', convention: 'fiscal-april' });
      expect(res.body).toMatchObject({ bounds: { lo: '2026-04-01', hi: '2027-03-31' }, convention: 'fiscal-april' });
    });

    it('given a value the API returned, when posted back, then it is the same value', async () => {
      const first = (await post('/values/parse', { type: 'quantity', text: 'over $5 billion' })).body;
      const again = await post('/values/parse', first);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first);
    });

    it('given unparseable words, when parsed, then 400 problem+json naming text and quoting the words', async () => {
      const res = await post('/values/parse', { type: 'date', text: 'sometime soon' });
      expectProblem(res, 'text', 'sometime soon');
      expect(res.body).toMatchObject({ type: '/problems/unparseable-value', status: 400 });
      expect(res.body.detail).toContain('"sometime soon"');
    });

    it('given relative words without said-at, when parsed, then 400 saying said-at is needed', async () => {
      const res = await post('/values/parse', { type: 'date', text: 'next year' });
      expectProblem(res, 'text', 'next year');
      expect(res.body.detail).toMatch(/said-at/);
    });

    it.each([
      [{ text: 'by September 2026' }, 'type'],
      [{ type: 'money', text: '5' }, 'type'],
      [{ type: 5, text: '5' }, 'type'],
      [{ type: 'date', text: 42 }, 'text'],
      [{ type: 'date', text: '' }, 'text'],
      [{ type: 'date', text: 'x'.repeat(501) }, 'text'],
      [{ type: 'date', text: '2026', colour: 'red' }, 'colour'],
      [{ type: 'date', lo: true }, 'lo'],
      [{ type: 'date', bounds: { lo: [] } }, 'bounds.lo'],
      [{ type: 'quantity', amount: 5, unit: 'USD', modifier: 'roughly' }, 'modifier'],
      [{ type: 'date', text: '2026', direction: 'sideways' }, 'direction'],
    ])('given the malformed body %j, when parsed, then 400 naming %s', async (body, field) => {
      expectProblem(await post('/values/parse', body), field);
    });

    // Every row has three entries: jest reads a missing third argument as a done callback.
    it.each<[Record<string, unknown>, string, string | undefined]>([
      [{ type: 'date', edtf: '2026-27' }, 'edtf', '2026-27'],
      [{ type: 'date', lo: '2027-01-01', hi: '2026-01-01' }, 'lo', undefined],
      [{ type: 'quantity', text: '5 apples' }, 'text', '5 apples'],
      [{ type: 'quantity', amount: 5, unit: 'apples' }, 'unit', 'apples'],
      [{ type: 'quantity', amount: '5432000000', unit: 'USD', step: '10000000' }, 'amount', '5432000000'],
      [{ type: 'quantity', amount: 5, unit: 'USD', step: 3 }, 'step', undefined],
      [{ type: 'date', bounds: { lo: '31 September 2026', hi: null } }, 'bounds.lo', '31 September 2026'],
      [{ type: 'count', lo: 5, hi: 2.5 }, 'hi', undefined],
      [{ type: 'date', edtf: '2026', convention: 'lunar' }, 'convention', 'lunar'],
      [{ type: 'count', text: 'lots' }, 'text', 'lots'],
      [{ type: 'date', text: 'next year', saidAt: 'whenever' }, 'saidAt', 'whenever'],
      [{ type: 'date' }, 'text', undefined],
    ])('given the unreadable value %j, when parsed, then 400 naming %s', async (body, field, quoting) => {
      expectProblem(await post('/values/parse', body), field, quoting);
    });

    it('given a body that is not JSON, when parsed, then 400 problem+json, never 5xx', async () => {
      const res = await sut.request({ method: 'POST', url: '/values/parse', payload: '{"type": "date", "text": ', headers: { 'content-type': 'application/json' }, as: 'none' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });

    it('given no body or a JSON array, when parsed, then 400 problem+json', async () => {
      for (const payload of ['', '[]', 'null', '"date"']) {
        const res = await sut.request({ method: 'POST', url: '/values/parse', payload, headers: { 'content-type': 'application/json' }, as: 'none' });
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
      }
    });

    it('given a long hostile string, when parsed, then it answers quickly with 400 or 200, never 5xx', async () => {
      for (const text of ['by '.repeat(160), '1,'.repeat(240), `${'–'.repeat(250)}2026`, `between ${'2026 and '.repeat(50)}`]) {
        const started = Date.now();
        const res = await post('/values/parse', { type: 'date', text: text.slice(0, 500) });
        expect([200, 400]).toContain(res.status);
        expect(Date.now() - started).toBeLessThan(2000);
      }
    });
  });

  describe('POST /values/compare', () => {
    it.each([
      ['date', 'September 4, 2019', '2019-09-04', 'same'],
      ['date', '2026–27', 'September 2026', 'refines'],
      ['quantity', 'USD 5 billion', '$5.43 billion', 'refines'],
      ['quantity', '$5.43 billion', 'USD 5 billion', 'generalizes'],
      ['date', 'by September 2026', '2026–27', 'overlaps'],
      ['date', 'mid-2025', '4 December 2025', 'contradicts'],
    ])('given the DESIGN example %s "%s" -> "%s", when compared, then %s', async (type, a, b, relation) => {
      const res = await post('/values/compare', { type, a, b });
      expect(res.status).toBe(200);
      expect(res.body.relation).toBe(relation);
      expect(res.body.a.text).toBe(a);
      expect(res.body.b.text).toBe(b);
      expect(typeof res.body.explanation).toBe('string');
    });

    it('given the brief example, when compared, then the explanation says what narrowed', async () => {
      const res = await post('/values/compare', { type: 'date', a: '2026–27', b: 'September 2026' });
      expect(res.body.explanation).toMatch(/^narrowed from 2026–27 to September 2026/);
      expect(res.body.a.bounds).toEqual({ lo: '2026-01-01', hi: '2027-12-31' });
    });

    it('given two currencies, when compared, then incomparable with a reason', async () => {
      const res = await post('/values/compare', { type: 'quantity', a: 'USD 5 billion', b: 'Rs 40,000 crore' });
      expect(res.body).toMatchObject({ relation: 'incomparable' });
      expect(res.body.explanation).toMatch(/no exchange rate/);
    });

    it('given structured values, when compared, then each is read with its own type', async () => {
      const a = (await post('/values/parse', { type: 'date', text: 'by September 2026' })).body;
      const res = await post('/values/compare', { a, b: { type: 'date', edtf: '2026/2027' } });
      expect(res.status).toBe(200);
      expect(res.body.relation).toBe('overlaps');
    });

    it('given words and a structured value of another type, when compared, then incomparable', async () => {
      const res = await post('/values/compare', { type: 'count', a: 'five', b: { type: 'quantity', amount: 5, unit: '%' } });
      expect(res.body.relation).toBe('incomparable');
    });

    it('given the fiscal convention, when compared, then the words follow it', async () => {
      const res = await post('/values/compare', { type: 'date', a: '2026–27', b: 'by September 2026', convention: 'fiscal-april' });
      expect(res.body.a.bounds).toEqual({ lo: '2026-04-01', hi: '2027-03-31' });
      expect(res.body.relation).toBe('overlaps');
    });

    it('given relative words and said-at, when compared, then both are anchored', async () => {
      const res = await post('/values/compare', { type: 'date', a: 'in 2000', b: '25 years ago', saidAt: '2025-12-05' });
      expect(res.body.relation).toBe('same');
    });

    it.each([
      [{ a: '2026', b: '2027' }, 'type'],
      [{ type: 'date', b: '2027' }, 'a'],
      [{ type: 'date', a: '2026' }, 'b'],
      [{ type: 'date', a: 2026, b: '2027' }, 'a'],
      [{ type: 'date', a: '2026', b: ['2027'] }, 'b'],
      [{ type: 'date', a: '   ', b: '2027' }, 'a'],
      [{ type: 'date', a: '2026', b: '2027', extra: 1 }, 'extra'],
      [{ type: 'date', a: { edtf: '2026', colour: 'red' }, b: '2027' }, 'a.colour'],
      [{ type: 'date', a: { lo: true }, b: '2027' }, 'a.lo'],
      [{ a: { edtf: '2026' }, b: { type: 'date', edtf: '2027' } }, 'a.type'],
      [{ type: 'soup', a: '2026', b: '2027' }, 'type'],
    ])('given the malformed body %j, when compared, then 400 naming %s', async (body, field) => {
      expectProblem(await post('/values/compare', body), field);
    });

    it.each([
      [{ type: 'date', a: 'sometime soon', b: '2027' }, 'a', 'sometime soon'],
      [{ type: 'date', a: '2026', b: 'lots' }, 'b', 'lots'],
      [{ type: 'count', a: 'five', b: 'several units' }, 'b', 'several units'],
      [{ a: { type: 'date', edtf: '2026-27' }, b: '2027', type: 'date' }, 'a.edtf', '2026-27'],
      [{ type: 'quantity', a: '$5 billion', b: { amount: 6, unit: 'doubloons' } }, 'b.unit', 'doubloons'],
      [{ type: 'date', a: { text: 'next year', saidAt: 'one day' }, b: '2027' }, 'a.saidAt', 'one day'],
      [{ type: 'date', a: 'next year', b: '2027' }, 'a', 'next year'],
      [{ type: 'date', a: '2026', b: '2027', saidAt: 'at some point' }, 'saidAt', 'at some point'],
    ])('given the unreadable %j, when compared, then 400 naming %s and quoting the words', async (body, field, quoting) => {
      const res = await post('/values/compare', body);
      expectProblem(res, field, quoting);
    });
  });

  it('given the OpenAPI document, when read, then both routes are described', async () => {
    const res = await sut.request({ method: 'GET', url: '/docs-json', as: 'none' });
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/values/parse', '/values/compare']));
  });
});
