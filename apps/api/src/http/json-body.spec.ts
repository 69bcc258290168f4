import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { bodyFault, JSON_LIMITS, overLimit } from './json-body.js';

/** What overLimit measures, counted on the parsed value instead of the text. */
function measured(value: unknown): { depth: number; keys: number; objects: number; items: number } {
  const m = { depth: 0, keys: 0, objects: 0, items: 0 };
  const visit = (v: unknown, level: number): void => {
    if (v === null || typeof v !== 'object') return;
    m.depth = Math.max(m.depth, level + 1);
    if (Array.isArray(v)) {
      m.items += v.length;
      v.forEach((item) => visit(item, level + 1));
      return;
    }
    m.objects += 1;
    m.keys += Object.keys(v).length;
    Object.values(v).forEach((item) => visit(item, level + 1));
  };
  visit(value, 0);
  return m;
}

const unlimited = { depth: Infinity, keys: Infinity, objects: Infinity, items: Infinity } as unknown as typeof JSON_LIMITS;
// Keys and strings with quotes, backslashes, brackets, colons and commas inside: the scanner must skip them.
const tricky = fc.oneof(fc.string(), fc.constantFrom('"', '\\', '{', '}', '[', ']', ':', ',', '\\"', 'a"b:c,d{e}[f]'));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(tricky, tie('value'), { maxKeys: 5 }),
})).value;
const texts = fc.tuple(json, fc.constantFrom(undefined, 1, '\t')).map(([value, space]) => ({ value, text: JSON.stringify(value, null, space) }));

describe(overLimit.name, () => {
  it('lets through any JSON text whose nesting, keys, objects and items are each at their limit', () => {
    fc.assert(
      fc.property(texts, ({ value, text }) => {
        const m = measured(value);
        expect(overLimit(text, { depth: m.depth, keys: m.keys, objects: m.objects, items: m.items } as typeof JSON_LIMITS)).toBeUndefined();
      }),
    );
  });

  it('says which one is over when a single limit is one below what the text holds', () => {
    fc.assert(
      fc.property(texts, fc.constantFrom('depth', 'keys', 'objects', 'items' as const), ({ value, text }, kind) => {
        const m = measured(value);
        fc.pre(m[kind] > 0);
        expect(overLimit(text, { ...unlimited, [kind]: m[kind] - 1 })?.kind).toBe(kind === 'depth' ? 'deep' : kind);
      }),
    );
  });

  it('names the keys that lead to nesting too deep, up to the first list and at most three', () => {
    const deep = (n: number): string => `${'['.repeat(n)}1${']'.repeat(n)}`;
    expect(overLimit(`{"title": "t", "publisher": ${deep(40)}}`)).toEqual({ kind: 'deep', field: 'publisher' });
    expect(overLimit(`{"quote": {"exact": {"x\\"y": {"z": ${deep(40)}}}}}`)).toEqual({ kind: 'deep', field: 'quote.exact.x"y' });
    expect(overLimit(`{"entities": [{"name": ${deep(40)}}]}`)).toEqual({ kind: 'deep', field: 'entities' });
    expect(overLimit(deep(40))).toEqual({ kind: 'deep', field: 'body' });
    expect(overLimit(deep(JSON_LIMITS.depth))).toBeUndefined();
  });

  it('refuses 150,000 keys without parsing them', () => {
    const text = `{${Array.from({ length: 150_000 }, (_, i) => `"k${i}":1`).join(',')}}`;
    expect(overLimit(text)).toEqual({ kind: 'keys', field: 'body' });
  });
});

describe(bodyFault.name, () => {
  it('names a key of Object.prototype, where it is', () => {
    expect(bodyFault(JSON.parse('{"quote": {"exact": "x", "toString": 1}}'))).toEqual({ kind: 'reserved', field: 'quote.toString' });
  });

  it('names the string that holds a lone surrogate by its path, and lets paired ones through', () => {
    expect(bodyFault(JSON.parse('{"entities": [{"name": "n", "aliases": ["ok", "a\\ud800b"]}]}'))).toEqual({ kind: 'surrogate', field: 'entities[0].aliases[1]' });
    expect(bodyFault(JSON.parse('{"subject": "\\udfff"}'))).toEqual({ kind: 'surrogate', field: 'subject' });
    expect(bodyFault(JSON.parse('{"quote": {"\\ud83d": 1}}'))).toEqual({ kind: 'surrogate', field: 'quote' });
    expect(bodyFault(JSON.parse('"\\ud800"'))).toEqual({ kind: 'surrogate', field: 'body' });
    expect(bodyFault(JSON.parse('{"subject": "\\ud83d\\ude00 and अ"}'))).toBeUndefined();
  });

  it('finds nothing in bodies of well-formed text and ordinary keys', () => {
    const key = fc.string({ unit: 'grapheme' }).filter((k) => !Object.prototype.hasOwnProperty.call(Object.prototype, k) && k !== '__proto__');
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'grapheme' }), fc.double(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(fc.property(value, (v) => expect(bodyFault(v)).toBeUndefined()));
  });
});
