/**
 * Integrity of the seed data in `seeds/` (see seeds/README.md): the article texts are unchanged
 * (sha256 recorded in sources.json), every quote occurs verbatim in its source, keys are unique and
 * every reference resolves. Plain node:fs / node:crypto; it does not need ../shared.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface SeedSource {
  key: string;
  file: string;
  originalFile: string;
  contentHash: string;
  title: string;
  publisher: string | null;
  author: string | null;
  url: string | null;
  language: string;
  publishedAt: { text: string; edtf: string; note: string };
  retrievedAt: string | null;
}

interface SeedAssertion {
  key: string;
  source: string;
  quote: string;
  occurrence?: number;
  value: string;
  saidAt?: string;
  speaker: string;
  modality: string;
  note?: string;
}

interface SeedClaim {
  key: string;
  subject: string;
  predicate: string;
  valueType: string;
  description: string;
  entities: string[];
  assertions: SeedAssertion[];
}

interface SeedEntity {
  key: string;
  name: string;
  aliases: string[];
}

const seedsDir = fileURLToPath(new URL('../../seeds/', import.meta.url));
const readJson = <T>(name: string): T => JSON.parse(readFileSync(seedsDir + name, 'utf8')) as T;

const sources = readJson<SeedSource[]>('sources.json');
const { entities, claims } = readJson<{ entities: SeedEntity[]; claims: SeedClaim[] }>('claims.json');
const assertions = claims.flatMap((c) => c.assertions);
const textOf = new Map(sources.map((s) => [s.key, readFileSync(seedsDir + s.file, 'utf8')]));

/** Occurrences of `needle` in `haystack`, overlapping ones included. */
function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) n++;
  return n;
}

function duplicates(keys: string[]): string[] {
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}

// Only the EDTF forms every consumer handles: a day, month or year, or an interval of two of them.
const EDTF_SAFE = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:\/(\d{4}(?:-\d{2}(?:-\d{2})?)?))?$/;

describe('seeds: sources', () => {
  it('lists the five articles, each under a unique key and original file', () => {
    expect(sources).toHaveLength(5);
    expect(duplicates(sources.map((s) => s.key))).toEqual([]);
    expect(duplicates(sources.map((s) => s.originalFile))).toEqual([]);
    for (const s of sources) {
      expect(s.key).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(s.file).toBe(`sources/${s.key}.txt`);
      expect(s.originalFile).toMatch(/^\d{3}_[0-9a-f]{16}\.txt$/);
    }
  });

  it.each(sources.map((s) => [s.key, s] as const))('%s is byte-for-byte the original (sha256)', (_key, s) => {
    const bytes = readFileSync(seedsDir + s.file);
    expect(s.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(s.contentHash);
  });

  it('records metadata without invented precision', () => {
    for (const s of sources) {
      expect(s.title.trim()).not.toBe('');
      expect(s.language).toBe('en');
      for (const field of [s.publisher, s.author, s.url]) {
        if (field !== null) expect(typeof field === 'string' && field.trim() !== '').toBe(true);
      }
      // A named publisher, author or URL must be written in the text itself.
      const text = textOf.get(s.key)!;
      for (const field of [s.publisher, s.author, s.url]) if (field) expect(text).toContain(field);

      const m = EDTF_SAFE.exec(s.publishedAt.edtf);
      expect(m).not.toBeNull();
      if (m?.[2]) expect(m[1] <= m[2]).toBe(true);
      expect(s.publishedAt.text.trim()).not.toBe('');
      expect(s.publishedAt.note.trim()).not.toBe('');
      if (s.retrievedAt !== null) expect(Number.isNaN(Date.parse(s.retrievedAt))).toBe(false);
    }
  });
});

describe('seeds: claims', () => {
  it('has at least 15 claims and 30 assertions', () => {
    expect(claims.length).toBeGreaterThanOrEqual(15);
    expect(assertions.length).toBeGreaterThanOrEqual(30);
  });

  it('uses unique keys for entities, claims and assertions', () => {
    expect(duplicates(entities.map((e) => e.key))).toEqual([]);
    expect(duplicates(claims.map((c) => c.key))).toEqual([]);
    expect(duplicates(assertions.map((a) => a.key))).toEqual([]);
  });

  it('gives every claim a subject, predicate, value type and known entities', () => {
    const entityKeys = new Set(entities.map((e) => e.key));
    for (const c of claims) {
      expect(c.subject.trim()).not.toBe('');
      expect(c.predicate.trim()).not.toBe('');
      expect(['date', 'quantity', 'count', 'text']).toContain(c.valueType);
      expect(c.assertions.length).toBeGreaterThan(0);
      for (const e of c.entities) expect(entityKeys).toContain(e);
    }
  });

  it('cites only known sources, and cites every source', () => {
    const keys = new Set(sources.map((s) => s.key));
    for (const a of assertions) expect(keys).toContain(a.source);
    expect(new Set(assertions.map((a) => a.source))).toEqual(keys);
  });

  it.each(assertions.map((a) => [a.key, a] as const))('%s quotes its source verbatim', (_key, a) => {
    const text = textOf.get(a.source);
    expect(text).toBeDefined();
    expect(a.quote.trim()).not.toBe('');
    const n = occurrences(text!, a.quote);
    if (a.occurrence === undefined) {
      expect(n).toBe(1);
    } else {
      expect(Number.isInteger(a.occurrence) && a.occurrence >= 1).toBe(true);
      expect(n).toBeGreaterThanOrEqual(a.occurrence);
    }
  });

  it('gives every assertion a value, a speaker and a modality', () => {
    for (const a of assertions) {
      expect(a.value.trim()).not.toBe('');
      expect(a.speaker.trim()).not.toBe('');
      expect(a.modality).toMatch(/^[a-z]+$/);
      if (a.saidAt !== undefined) expect(a.saidAt.trim()).not.toBe('');
    }
  });

  it('names Belousov as one entity under both spellings, findable from the claims citing either', () => {
    const spellings = ['Andrey Belousov', 'Andrei Belousov'];
    const belousov = entities.find((e) => spellings.every((s) => [e.name, ...e.aliases].includes(s)));
    expect(belousov).toBeDefined();
    const quoted = claims
      .filter((c) => c.entities.includes(belousov!.key))
      .flatMap((c) => c.assertions.map((a) => a.quote));
    for (const s of spellings) expect(quoted.some((q) => q.includes(s))).toBe(true);
  });
});
