/**
 * Generators of malformed requests for test/reliability/bad-input.spec.ts.
 *
 * Each write route is described by a small schema of its body (the DTO's rules, written out again
 * here on purpose: the test states the contract, it does not read it from the code). A generated
 * case starts from a body that is valid and applies one to three defects; every defect knows which
 * request field it broke, so the test can check that the answer names one of them.
 */
import fc from 'fast-check';

export type Spec =
  | { t: 'string'; max?: number; required?: boolean; nullable?: boolean; nonEmpty?: boolean; kind?: 'date' | 'iso' | 'url' }
  | { t: 'enum'; values: readonly string[]; required?: boolean }
  | { t: 'int'; min: number; max: number; required?: boolean }
  | { t: 'object'; fields: Record<string, Spec>; required?: boolean }
  | { t: 'strings'; maxItems: number; maxLen: number; required?: boolean }
  | { t: 'objects'; of: Record<string, Spec>; maxItems: number; required?: boolean }
  | { t: 'wordsOrValue'; required?: boolean };

export type Body = Record<string, unknown>;

export interface Defect {
  /** Short name, for failure messages. */
  name: string;
  /** The request fields this defect broke (dotted, as the API names them), or headers/`body`/`url`. */
  fields: string[];
  apply(request: MutableRequest): void;
}

export interface MutableRequest {
  path: string;
  body: Body;
  headers: Record<string, string>;
  /** JSON text to put in place of marker strings in the body (JSON.stringify cannot nest that deep). */
  splices?: Map<string, string>;
}

/** The body as sent: JSON, with each marker replaced by its JSON text. */
export function payloadOf(request: MutableRequest): string {
  let json = JSON.stringify(request.body);
  for (const [marker, text] of request.splices ?? []) json = json.replace(JSON.stringify(marker), text);
  return json;
}

// ---- paths inside a body ------------------------------------------------------------------------

function getAt(body: Body, path: string[]): unknown {
  let at: unknown = body;
  for (const key of path) at = (at as Record<string, unknown> | undefined)?.[key];
  return at;
}

export function setAt(body: Body, path: string[], value: unknown): void {
  let at = body as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null || Array.isArray(at[key])) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
}

function deleteAt(body: Body, path: string[]): void {
  const parent = getAt(body, path.slice(0, -1));
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[path.at(-1)!];
}

const dotted = (path: string[]): string => path.join('.');

/** Every field of a schema with its path (objects recurse; array items are reached as `name.0`). */
function fieldsOf(spec: Record<string, Spec>, prefix: string[] = []): { path: string[]; spec: Spec }[] {
  return Object.entries(spec).flatMap(([name, s]) => {
    const path = [...prefix, name];
    if (s.t === 'object') return [{ path, spec: s }, ...fieldsOf(s.fields, path)];
    return [{ path, spec: s }];
  });
}

// ---- values ---------------------------------------------------------------------------------------

/** Words that are not a date in any convention claimline knows (checked against /values/parse by the test). */
export const NOT_DATES = ['someday', 'the day after never', '2025-13-45', '2025-02-30', '31/02/2025', 'Q5 2025', '20255-01-01', 'Septembruary 2026', '2026-00', 'mid-month', '#@!'];
/** Words that are not a date value (for a claim of type date). */
export const NOT_DATE_VALUES = ['a great deal of money', 'whenever it suits', 'blue', 'Q7 2030', '2026-19-01'];
const NOT_ISO = ['yesterday', '2025-13-01T00:00:00Z', '2025-12-04 25:00', 'T10:00', '12/04/2025', ''];
const NOT_URLS = ['not a url', 'example.com/no-protocol', 'http://', '://x', 'ht tp://x.y'];

/** A JSON value of a different type than the spec wants (null only where null is not allowed). */
function wrongTypeFor(spec: Spec): fc.Arbitrary<unknown> {
  const others: fc.Arbitrary<unknown>[] = [];
  const isStringy = spec.t === 'string' || spec.t === 'enum';
  if (isStringy || spec.t === 'object' || spec.t === 'strings' || spec.t === 'objects') others.push(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })));
  if (spec.t !== 'wordsOrValue') others.push(fc.boolean());
  if (spec.t !== 'strings' && spec.t !== 'objects') others.push(fc.array(fc.string({ maxLength: 5 }), { minLength: 0, maxLength: 3 }));
  if (isStringy || spec.t === 'int' || spec.t === 'strings' || spec.t === 'objects') others.push(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer(), { maxKeys: 3 }));
  if (spec.t === 'int' || spec.t === 'object' || spec.t === 'strings' || spec.t === 'objects') others.push(fc.string({ maxLength: 10 }));
  if (spec.t === 'wordsOrValue') others.push(fc.integer());
  if (spec.required && !(spec.t === 'string' && spec.nullable)) others.push(fc.constant(null));
  return fc.oneof(...others);
}

/** JSON text of nested arrays or objects `depth` levels deep around a leaf (built as text: JSON.stringify would overflow). */
export function deeplyNested(depth: number, objects: boolean): string {
  return objects ? `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}` : `${'['.repeat(depth)}"leaf"${']'.repeat(depth)}`;
}

let markers = 0;

/** A string longer than the spec allows: just over the limit in ASCII, or in characters beyond the BMP. */
function tooLongFor(max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 1, max: 40 }).map((extra) => 'x'.repeat(max + extra)),
    // The limit counts characters (code points): each repeat is two, in three UTF-16 code units.
    fc.constant('\u00e9\u{1F600}'.repeat(Math.floor(max / 2) + 1)),
  );
}

const identifier = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/);
const NASTY_KEYS = ['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '$where', 'constructor', '__defineGetter__'];

/** Every defect that applies to a body schema, as arbitraries. */
export function bodyDefects(schema: Record<string, Spec>, extra: fc.Arbitrary<Defect>[] = []): fc.Arbitrary<Defect> {
  const all = fieldsOf(schema);
  const objectPaths: string[][] = [[], ...all.filter((f) => f.spec.t === 'object').map((f) => f.path)];
  const known = (path: string[]): Set<string> => {
    const spec = path.reduce<Record<string, Spec>>((s, key) => (s[key] as { fields: Record<string, Spec> }).fields, schema);
    return new Set(Object.keys(spec));
  };
  const defects: fc.Arbitrary<Defect>[] = [...extra];

  const required = all.filter((f) => f.spec.required);
  if (required.length > 0) {
    defects.push(
      fc.constantFrom(...required).map(({ path }) => ({
        name: `missing ${dotted(path)}`,
        fields: [dotted(path)],
        apply: (r) => deleteAt(r.body, path),
      })),
    );
  }
  defects.push(
    fc.tuple(fc.constantFrom(...objectPaths), fc.oneof(identifier, fc.constantFrom(...NASTY_KEYS)), fc.jsonValue({ maxDepth: 2 })).chain(([path, key, value]) => {
      const name = known(path).has(key) ? `${key}_unknown` : key;
      return fc.constant<Defect>({
        name: `unknown field ${dotted([...path, name])}`,
        // {"constructor": {"prototype": ...}} is refused as prototype poisoning, naming the body; so
        // is a random value that happens to hold such a key.
        fields: key === 'constructor' || /"(__proto__|constructor)":/.test(JSON.stringify(value)) ? [dotted([...path, name]), 'body'] : [dotted([...path, name])],
        apply: (r) => setAt(r.body, [...path, name], key === 'constructor' ? { prototype: value } : value),
      });
    }),
  );
  defects.push(
    fc.constantFrom(...all).chain(({ path, spec }) =>
      wrongTypeFor(spec).map((value) => ({ name: `wrong type at ${dotted(path)}: ${JSON.stringify(value)}`, fields: [dotted(path)], apply: (r: MutableRequest) => setAt(r.body, path, value) })),
    ),
  );
  const strings = all.filter((f): f is { path: string[]; spec: Extract<Spec, { t: 'string' }> } => f.spec.t === 'string');
  const limited = strings.filter((f) => f.spec.max !== undefined);
  if (limited.length > 0) {
    defects.push(
      fc.constantFrom(...limited).chain(({ path, spec }) =>
        tooLongFor(spec.max!).map((value) => ({ name: `${value.length} code units at ${dotted(path)} (max ${spec.max})`, fields: [dotted(path)], apply: (r: MutableRequest) => setAt(r.body, path, value) })),
      ),
    );
  }
  // A lone surrogate is valid JSON (JSON.stringify writes it as \ud800) but not Unicode text.
  if (strings.length > 0) {
    defects.push(
      fc.tuple(fc.constantFrom(...strings), fc.constantFrom('\ud800', '\udfff', 'x\udc00y', '\ud83d'), fc.boolean()).map(([{ path }, lone, alone]) => ({
        name: `lone surrogate ${JSON.stringify(lone)} at ${dotted(path)}`,
        fields: [dotted(path)],
        apply: (r: MutableRequest) => setAt(r.body, path, alone ? lone : `words ${lone} around`),
      })),
    );
  }
  const nonEmpty = strings.filter((f) => f.spec.nonEmpty);
  if (nonEmpty.length > 0) {
    defects.push(fc.constantFrom(...nonEmpty).map(({ path }) => ({ name: `empty ${dotted(path)}`, fields: [dotted(path)], apply: (r: MutableRequest) => setAt(r.body, path, '') })));
  }
  const kinds: [string, readonly string[]][] = [
    ['date', NOT_DATES],
    ['iso', NOT_ISO],
    ['url', NOT_URLS],
  ];
  for (const [kind, bad] of kinds) {
    const withKind = strings.filter((f) => f.spec.kind === kind);
    if (withKind.length === 0) continue;
    defects.push(
      fc.tuple(fc.constantFrom(...withKind), fc.constantFrom(...bad)).map(([{ path }, value]) => ({ name: `not a ${kind} at ${dotted(path)}: ${value}`, fields: [dotted(path)], apply: (r: MutableRequest) => setAt(r.body, path, value) })),
    );
  }
  const enums = all.filter((f): f is { path: string[]; spec: Extract<Spec, { t: 'enum' }> } => f.spec.t === 'enum');
  if (enums.length > 0) {
    defects.push(
      fc
        .tuple(fc.constantFrom(...enums), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('DATE', 'Date ', ' stated', 'all', 'null')))
        .filter(([{ spec }, value]) => !spec.values.includes(value))
        .map(([{ path }, value]) => ({ name: `not one of the values at ${dotted(path)}: ${JSON.stringify(value)}`, fields: [dotted(path)], apply: (r: MutableRequest) => setAt(r.body, path, value) })),
    );
  }
  const ints = all.filter((f): f is { path: string[]; spec: Extract<Spec, { t: 'int' }> } => f.spec.t === 'int');
  if (ints.length > 0) {
    defects.push(
      fc
        .tuple(
          fc.constantFrom(...ints),
          fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.double({ min: -10, max: 10, noNaN: true }).filter((d) => !Number.isInteger(d)), fc.constantFrom(1e300, -0.5, 2 ** 53 + 2)),
        )
        .filter(([{ spec }, value]) => !(Number.isInteger(value) && value >= spec.min && value <= spec.max))
        .map(([{ path }, value]) => ({ name: `out of range at ${dotted(path)}: ${value}`, fields: [dotted(path)], apply: (r: MutableRequest) => setAt(r.body, path, value) })),
    );
  }
  const lists = all.filter((f) => f.spec.t === 'strings' || f.spec.t === 'objects');
  for (const { path, spec } of lists) {
    if (spec.t !== 'strings' && spec.t !== 'objects') continue;
    const item = spec.t === 'strings' ? 'alias' : { name: 'n', aliases: [] };
    defects.push(fc.constant({ name: `too many items at ${dotted(path)}`, fields: [dotted(path)], apply: (r: MutableRequest) => setAt(r.body, path, Array.from({ length: spec.maxItems + 1 }, () => item)) }));
    if (spec.t === 'strings') {
      defects.push(
        fc.tuple(fc.oneof(fc.integer(), fc.constant(null), fc.constant('x'.repeat(spec.maxLen + 1)), fc.constant({})), fc.nat({ max: 3 })).map(([bad, at]) => ({
          name: `bad item ${JSON.stringify(bad).slice(0, 30)} at ${dotted(path)}`,
          fields: [dotted(path)],
          apply: (r: MutableRequest) => setAt(r.body, path, [...Array.from({ length: at }, () => 'ok'), bad]),
        })),
      );
    } else {
      defects.push(
        fc.tuple(fc.constantFrom<unknown>([], [[]], ['x'], 'x', 7, null, true), fc.nat({ max: 2 })).map(([bad, at]) => ({
          name: `item ${JSON.stringify(bad)} of ${dotted(path)} is not an object`,
          fields: [dotted(path)],
          apply: (r: MutableRequest) => setAt(r.body, path, [...Array.from({ length: at }, () => ({ name: 'n', aliases: [] })), bad]),
        })),
      );
      // An item of a list of objects with one of its own defects: named `entities[0].name` and so on.
      const inner = bodyDefects(spec.of);
      defects.push(
        inner.map((d) => ({
          name: `item of ${dotted(path)}: ${d.name}`,
          fields: d.fields.map((f) => (f === 'body' ? f : `${dotted(path)}[0].${f}`)),
          apply: (r: MutableRequest) => {
            const item: MutableRequest = { path: r.path, headers: r.headers, body: { name: 'Andrei Belousov', aliases: ['Andrey Belousov'] }, splices: (r.splices ??= new Map()) };
            d.apply(item);
            setAt(r.body, path, [item.body]);
          },
        })),
      );
    }
  }
  defects.push(
    fc.tuple(fc.constantFrom(...all), fc.integer({ min: 33, max: 5000 }), fc.boolean()).map(([{ path }, depth, objects]) => ({
      name: `${depth} levels of ${objects ? 'objects' : 'arrays'} at ${dotted(path)}`,
      fields: [dotted(path)],
      apply: (r: MutableRequest) => {
        const marker = `\u0000deep-${++markers}\u0000`;
        (r.splices ??= new Map()).set(marker, deeplyNested(depth, objects));
        setAt(r.body, path, marker);
      },
    })),
  );
  return fc.oneof(...defects);
}

/** Header defects of writes: a malformed If-Match (claim writes) and an over-long Idempotency-Key. */
export function headerDefects(ifMatch: boolean): fc.Arbitrary<Defect>[] {
  const defects: fc.Arbitrary<Defect>[] = [
    fc.integer({ min: 201, max: 2000 }).map((n) => ({ name: `Idempotency-Key of ${n} characters`, fields: ['Idempotency-Key'], apply: (r: MutableRequest) => void (r.headers['idempotency-key'] = 'k'.repeat(n)) })),
  ];
  if (ifMatch) {
    defects.push(
      fc
        .oneof(
          fc.constantFrom('abc', '"1.5"', '"-"', 'W/"x"', '*', '"1", "2"', '99999999999999999999', '"-1"', '-3', 'W/"-2"'),
          fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/^\s*(?:W\/)?"?\d{1,15}"?\s*$/.test(s) && /^[\x21-\x7e]+$/.test(s)),
        )
        .map((value) => ({ name: `If-Match ${value}`, fields: ['If-Match'], apply: (r: MutableRequest) => void (r.headers['if-match'] = value) })),
    );
  }
  return defects;
}

/** Whether an answer's error field names the field a defect broke (either may be the more precise). */
export function namesField(actual: string, expected: string): boolean {
  if (actual === expected) return true;
  const under = (a: string, b: string): boolean => a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return under(actual, expected) || under(expected, actual);
}

/** Bytes that are not UTF-8: a lone continuation byte, an overlong form, a surrogate, a truncated sequence. */
export const INVALID_UTF8 = [Buffer.from([0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0xff]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])];
