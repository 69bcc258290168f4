import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CorrectAssertionCommand, RecordAssertionCommand, RecordVerdictCommand, ReviseSourceTextCommand, seedId as seedIdOf } from '#claims';
import { type AssertionRecorded, claimStream, type DomainEvent, toEventToAppend } from '#domain';
import { openEventStore, type RecordedEvent } from '#event-store';
import { PROJECTION_NAMES, type Projections } from '#projections';
import { run } from '../../apps/cli/src/cli.js';
import { openCliContext } from '../../apps/cli/src/cli.module.js';
import { allClaims, allSources, CSV_COLUMNS } from '../../apps/cli/src/commands/export.js';
import { csvField, csvRecord } from '../../apps/cli/src/csv.js';

const ROOT = process.cwd();
const SEEDS = join(ROOT, 'seeds');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs one command line in-process, as main.ts would, against the given data dir. */
async function cli(dataDir: string, argv: string[], options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  const out = collector();
  const err = collector();
  const code = await run(argv, {
    stdout: out.stream,
    stderr: err.stream,
    env: { CLAIMLINE_DATA_DIR: dataDir, ...options.env },
    cwd: dataDir,
    signal: options.signal,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Everything the read side answers, as the API would serve it. */
async function readModelsOf(dataDir: string): Promise<{ answers: unknown; generations: Record<string, number> }> {
  const ctx = await openCliContext({ CLAIMLINE_DATA_DIR: dataDir });
  try {
    const read: Projections = ctx.projections;
    const claims = allClaims(read);
    const sources = allSources(read);
    const answers = {
      claims,
      timelines: claims.map((c) => JSON.parse(read.timeline.timelineJson(c.claimId)!) as unknown),
      discrepancies: read.discrepancies.list({ status: 'all', limit: 10_000 }).items,
      sources,
      sourceDetails: sources.map((s) => read.sources.source(s.id)),
      revisions: sources.map((s) => read.sources.revisions(s.id)),
      events: (await read.audit.events({ limit: 10_000 })).items,
    };
    const generations = Object.fromEntries((await ctx.projections.runner.status()).map((s) => [s.name, s.generation]));
    return { answers, generations };
  } finally {
    await ctx.close();
  }
}

/** RFC 4180 reader, just enough for the check: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      // quoted field
      i += 1;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw new Error('unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`text after a closing quote at ${i}`);
      continue;
    }
    if (c === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`bare line break at ${i}: records end with CRLF, and a field holding one is quoted`);
    } else {
      field += c;
      i += 1;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

async function readLog(dataDir: string): Promise<RecordedEvent[]> {
  const store = await openEventStore({ kind: 'sqlite', dataDir });
  try {
    return await store.readAll({ limit: 100_000 });
  } finally {
    await store.close();
  }
}

async function append(dataDir: string, stream: string, event: DomainEvent): Promise<number> {
  const store = await openEventStore({ kind: 'sqlite', dataDir });
  try {
    const metadata = { actor: 'cli-test', recordedAt: new Date().toISOString(), correlationId: 'cli-test', causationId: 'cli-test' };
    return (await store.append(stream, [toEventToAppend(event, randomUUID(), metadata)])).position;
  } finally {
    await store.close();
  }
}

describe('claimline CLI', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'claimline-cli-'));
    const seeded = await cli(dataDir, ['seed', SEEDS]);
    expect(seeded.stderr).not.toMatch(/\n\s+at /);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/^seeded 5 sources, 26 claims, 52 assertions from .*: \d+ events appended\n$/);
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('help and usage', () => {
    it('--help prints the usage on stdout and exits 0, for the CLI and for each command', async () => {
      const top = await cli(dataDir, ['--help']);
      expect(top.code).toBe(0);
      expect(top.stdout).toMatch(/^Usage: claimline <command>/);
      for (const name of ['seed', 'replay', 'export', 'verify', 'events']) expect(top.stdout).toContain(`  ${name}`);
      for (const name of ['seed', 'replay', 'export', 'verify', 'events']) {
        const own = await cli(dataDir, [name, '--help']);
        expect(own.code).toBe(0);
        expect(own.stdout).toMatch(new RegExp(`^Usage: claimline ${name}`));
        expect(own.stderr).toBe('');
      }
      expect((await cli(dataDir, ['replay', '-h'])).stdout).toContain('POST /admin/projections/rebuild');
      expect((await cli(dataDir, ['help', 'verify'])).stdout).toMatch(/^Usage: claimline verify/);
    });

    it('an unknown command, a bad flag or a missing argument is a usage error: stderr, exit 2', async () => {
      const cases: [string[], RegExp][] = [
        [['frobnicate'], /unknown command "frobnicate"/],
        [[], /^Usage: claimline/],
        [['--nope'], /unknown option --nope/],
        [['replay', '--nope'], /claimline replay: unknown option --nope/],
        [['replay', '--projection', 'claims'], /unknown projection "claims" \(expected one of claim-state/],
        [['export'], /say what to export: claimreview or csv/],
        [['export', 'xml'], /unknown export format "xml"/],
        [['export', 'csv', '--out'], /option --out needs a value/],
        [['export', 'csv', '--base-url', 'http://x'], /--base-url applies to claimreview only/],
        [['events', '--after', 'soon'], /--after must be a global position/],
        [['events', '--follow=yes'], /option --follow takes no value/],
        [['verify', 'extra'], /unexpected argument: extra/],
      ];
      for (const [argv, message] of cases) {
        const ran = await cli(dataDir, argv);
        expect({ argv, code: ran.code }).toEqual({ argv, code: 2 });
        expect(ran.stderr).toMatch(message);
        expect(ran.stdout).toBe('');
      }
    });

    it('--version prints the package version', async () => {
      const ran = await cli(dataDir, ['--version']);
      expect(ran.code).toBe(0);
      expect(ran.stdout).toBe(`claimline ${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    });
  });

  describe('seed', () => {
    it('a second load appends nothing', async () => {
      const again = await cli(dataDir, ['seed', SEEDS]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/already loaded \(5 sources, 26 claims, 52 assertions\): nothing appended/);
    });

    it('a seed the domain refuses exits 1 naming the file, the claim and the quote, without a stack trace', async () => {
      const seeds = mkdtempSync(join(tmpdir(), 'claimline-cli-seeds-'));
      const store = mkdtempSync(join(tmpdir(), 'claimline-cli-bad-'));
      try {
        cpSync(SEEDS, seeds, { recursive: true });
        const claims = JSON.parse(readFileSync(join(seeds, 'claims.json'), 'utf8')) as { claims: { key: string; assertions: { quote: string }[] }[] };
        const victim = claims.claims[0]!;
        victim.assertions[0]!.quote = 'words this article never printed';
        writeFileSync(join(seeds, 'claims.json'), JSON.stringify(claims));
        const ran = await cli(store, ['seed', seeds]);
        expect(ran.code).toBe(1);
        expect(ran.stderr).toContain('claims.json');
        expect(ran.stderr).toContain(`claim "${victim.key}"`);
        expect(ran.stderr).toContain('words this article never printed');
        expect(ran.stderr).not.toMatch(/\n\s+at /);
      } finally {
        rmSync(seeds, { recursive: true, force: true });
        rmSync(store, { recursive: true, force: true });
      }
    });

    it('a missing seeds directory exits 1 with its path', async () => {
      const ran = await cli(dataDir, ['seed', 'no-such-seeds']);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain(join(dataDir, 'no-such-seeds', 'sources.json'));
      expect(ran.stderr).not.toMatch(/\n\s+at /);
    });
  });

  describe('replay', () => {
    it('rebuilding every projection from the seeded log gives identical read models', async () => {
      const before = await readModelsOf(dataDir);
      const ran = await cli(dataDir, ['replay'], { env: { CI: 'true' } });
      expect(ran.code).toBe(0);
      expect(ran.stdout).toMatch(/^replayed \d+ events into 5 projections in \d+\.\d s \(\d+ events\/s\)\n$/);
      const events = Number(/replayed (\d+)/.exec(ran.stdout)![1]);
      expect(events).toBe((await readLog(dataDir)).length);
      // Progress went to stderr as plain lines (no terminal), ending at 100%.
      expect(ran.stderr).toMatch(/^replay: \d+%/);
      expect(ran.stderr).toMatch(/replay: 100% \(\d+ events\)\n$/);
      expect(ran.stderr).not.toContain('\u001b[');

      const after = await readModelsOf(dataDir);
      expect(after.answers).toEqual(before.answers);
      // They really were rebuilt: every projection is on a new generation of its file.
      for (const name of PROJECTION_NAMES) expect(after.generations[name]).toBe(before.generations[name]! + 1);
    });

    it('--projection rebuilds only that one', async () => {
      const before = await readModelsOf(dataDir);
      const ran = await cli(dataDir, ['replay', '--projection', 'claim-timeline']);
      expect(ran.code).toBe(0);
      expect(ran.stdout).toMatch(/^replayed \d+ events into the claim-timeline projection in /);
      const after = await readModelsOf(dataDir);
      expect(after.answers).toEqual(before.answers);
      expect(after.generations).toEqual({ ...before.generations, 'claim-timeline': before.generations['claim-timeline']! + 1 });
    });
  });

  describe('export', () => {
    beforeAll(async () => {
      const ctx = await openCliContext({ CLAIMLINE_DATA_DIR: dataDir });
      try {
        const claim = allClaims(ctx.projections).find((c) => c.subject === 'S-400 contract of 2018' && c.current !== null)!;
        const written = await ctx.commands.execute(
          new RecordVerdictCommand(claim.claimId, { ratingValue: 3, alternateName: 'Half true', reasoning: 'Rounded: "$5.43 billion", not 5.' }, { actor: 'cli-test' }),
        );
        await ctx.projections.runner.waitFor(written.position);
      } finally {
        await ctx.close();
      }
    });

    it('claimreview is a JSON-LD array of ClaimReview items', async () => {
      const ran = await cli(dataDir, ['export', 'claimreview', '--base-url', 'https://claims.example.org/']);
      expect(ran.code).toBe(0);
      const items = JSON.parse(ran.stdout) as Record<string, unknown>[];
      expect(Array.isArray(items)).toBe(true);
      expect(items.length).toBeGreaterThanOrEqual(1);
      for (const item of items) {
        expect(item['@context']).toBe('https://schema.org');
        expect(item['@type']).toBe('ClaimReview');
        expect(item.url).toMatch(/^https:\/\/claims\.example\.org\/#\/claims\/[0-9a-f-]{36}$/);
        expect(item.reviewRating).toMatchObject({ '@type': 'Rating', ratingValue: expect.any(Number), bestRating: 5, worstRating: 1 });
        expect(item.itemReviewed).toMatchObject({ '@type': 'Claim' });
      }
      expect(items.some((i) => i.reviewBody === 'Rounded: "$5.43 billion", not 5.')).toBe(true);
    });

    it('claimreview --out writes the file and says so on stderr', async () => {
      const file = join(dataDir, 'reviews.jsonld');
      const ran = await cli(dataDir, ['export', 'claimreview', '--out', 'reviews.jsonld']);
      expect(ran.code).toBe(0);
      expect(ran.stdout).toBe('');
      expect(ran.stderr).toMatch(/^wrote \d+ ClaimReview items to .*reviews\.jsonld\n$/);
      const items = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
      expect(items.every((i) => i['@type'] === 'ClaimReview' && String(i.url).startsWith('http://localhost:3000/#/claims/'))).toBe(true);
    });

    it('--out into a directory that does not exist exits 1 naming the file, and leaves nothing behind', async () => {
      const ran = await cli(dataDir, ['export', 'csv', '--out', 'missing/assertions.csv']);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toBe(`claimline export: cannot write ${join(dataDir, 'missing', 'assertions.csv')}: its directory does not exist\n`);
      expect(existsSync(join(dataDir, 'missing'))).toBe(false);
    });

    it('csv is RFC 4180: a header and one record per assertion, reading back to the timelines', async () => {
      const ran = await cli(dataDir, ['export', 'csv']);
      expect(ran.code).toBe(0);
      const records = parseCsv(ran.stdout);
      expect(records[0]).toEqual([...CSV_COLUMNS]);
      for (const r of records) expect(r).toHaveLength(CSV_COLUMNS.length);

      const { answers } = await readModelsOf(dataDir);
      const { claims, timelines } = answers as { claims: { claimId: string; subject: string }[]; timelines: { entries: { assertionId: string; value: { text: string }; quote: unknown; speaker: string; status: string }[] }[] };
      const entries = timelines.flatMap((t) => t.entries);
      expect(entries.length).toBe(52);
      expect(records.length).toBe(entries.length + 1);
      const col = (name: (typeof CSV_COLUMNS)[number]): number => CSV_COLUMNS.indexOf(name);
      const byAssertion = new Map(records.slice(1).map((r) => [r[col('assertion_id')], r]));
      for (const e of entries) {
        const r = byAssertion.get(e.assertionId)!;
        expect(r[col('value')]).toBe(e.value.text);
        expect(r[col('speaker')]).toBe(e.speaker);
        expect(r[col('status')]).toBe(e.status);
      }
      expect(new Set(records.slice(1).map((r) => r[col('claim_id')]))).toEqual(new Set(claims.map((c) => c.claimId)));
      // The seeds hold values and titles with commas and quotes; they must have come back whole.
      const cells = records.slice(1).flat();
      expect(cells.some((c) => c.includes(','))).toBe(true);
      expect(ran.stdout).toMatch(/"[^"\r\n]*,[^"\r\n]*"/);
    });

    it('csv quoting: commas, quotes and line breaks are enclosed, quotes doubled, nothing else touched', () => {
      expect(csvField('plain words')).toBe('plain words');
      expect(csvField('Rs 1,000 crore')).toBe('"Rs 1,000 crore"');
      expect(csvField('the "special and privileged" partnership')).toBe('"the ""special and privileged"" partnership"');
      expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
      expect(csvField('x\ny')).toBe('"x\ny"');
      expect(csvField(null)).toBe('');
      expect(csvField(5425000000)).toBe('5425000000');
      expect(csvRecord(['a', 'b,c', '"'])).toBe('a,"b,c",""""\r\n');
      expect(parseCsv(csvRecord(['a "b", c', '', 'x\r\ny']))).toEqual([['a "b", c', '', 'x\r\ny']]);
    });

    it('csv cells a spreadsheet would run as a formula start with a quote mark; numbers stay numbers', () => {
      expect(csvField('=HYPERLINK("http://evil.example","click")')).toBe(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
      expect(csvField('+1 212 555 0100')).toBe("'+1 212 555 0100");
      expect(csvField('-2+3')).toBe("'-2+3");
      expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
      expect(csvField('\t=1+1')).toBe("'\t=1+1");
      expect(csvField('\r=1+1')).toBe(`"'\r=1+1"`);
      expect(csvField('-12.5')).toBe('-12.5');
      expect(csvField(-12.5)).toBe('-12.5');
      expect(csvField('2025-12-04')).toBe('2025-12-04');
      expect(csvField('a = b')).toBe('a = b');
    });
  });

  describe('events', () => {
    it('prints the global feed as JSON lines, and --after skips what came before', async () => {
      const log = await readLog(dataDir);
      const all = await cli(dataDir, ['events']);
      expect(all.code).toBe(0);
      const lines = all.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { position: number; type: string; actor: string });
      expect(lines.map((l) => l.position)).toEqual(log.map((e) => e.position));
      expect(lines[0]).toMatchObject({ type: 'claimline.source-registered', actor: 'seed' });

      const cut = log[log.length - 3]!.position;
      const tail = await cli(dataDir, ['events', '--after', String(cut)]);
      expect(tail.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { position: number }).position)).toEqual(log.slice(-2).map((e) => e.position));
    });

    it('--follow prints events appended while it runs, and stops when interrupted', async () => {
      const head = (await readLog(dataDir)).at(-1)!.position;
      const claimId = allClaimIdsFrom(await readLog(dataDir))[0]!;
      const controller = new AbortController();
      const out = collector();
      const running = run(['events', '--follow', '--after', String(head)], {
        stdout: out.stream,
        stderr: collector().stream,
        env: { CLAIMLINE_DATA_DIR: dataDir },
        cwd: dataDir,
        signal: controller.signal,
      });
      // Appended by another writer (as a running API would): the follower's poll picks it up.
      const position = await append(dataDir, claimStream(claimId), {
        type: 'claimline.verdict-recorded',
        data: { claimId, verdictId: randomUUID(), rating: { ratingValue: 4, alternateName: 'Mostly true', bestRating: 5, worstRating: 1 }, reasoning: 'live', reviewer: 'cli-test', reviewedAt: new Date().toISOString() },
      });
      const deadline = Date.now() + 10_000;
      while (!out.text().includes(`"position":${position},`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      controller.abort();
      expect(await running).toBe(0);
      const printed = out.text().trimEnd().split('\n').map((l) => JSON.parse(l) as { position: number; type: string; data: { reasoning: string } });
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatchObject({ position, type: 'claimline.verdict-recorded', data: { reasoning: 'live' } });
    });
  });

  describe('verify', () => {
    it('finds no drift in the seeded log', async () => {
      const ran = await cli(dataDir, ['verify']);
      expect(ran.stderr).toBe('');
      expect(ran.code).toBe(0);
      expect(ran.stdout).toMatch(/^verified 52 assertions in 26 claims and 5 sources \(\d+ events\): no drift\n$/);
    });

    it('a value entered as fields (its words are the formatter\'s) is not drift', async () => {
      const seeded = (await readLog(dataDir)).filter((e) => e.type === 'claimline.assertion-recorded').map((e) => e.data as AssertionRecorded['data']);
      const quantity = seeded.find((a) => a.value.type === 'quantity' && a.value.unit === 'USD')!;
      const count = seeded.find((a) => a.value.type === 'count')!;
      const ctx = await openCliContext({ CLAIMLINE_DATA_DIR: dataDir });
      try {
        for (const [template, value] of [
          [quantity, { amount: '5430000000', unit: 'USD', modifier: 'about' }],
          [quantity, { lo: 4000000000, hi: 6000000000, unit: 'USD' }],
          [count, { count: 5, modifier: 'over' }],
        ] as const) {
          const recorded = await ctx.commands.execute(
            new RecordAssertionCommand(
              template.claimId,
              { sourceId: template.sourceId, quote: { exact: template.quote.exact, prefix: template.quote.prefix }, value, speaker: 'cli-test', modality: 'stated' },
              { actor: 'cli-test' },
            ),
          );
          await ctx.projections.runner.waitFor(recorded.position);
        }
      } finally {
        await ctx.close();
      }
      const ran = await cli(dataDir, ['verify']);
      expect(ran.code).toBe(0);
      expect(ran.stdout).toMatch(/^verified 55 assertions .*: no drift\n$/);
    });

    it('reports planted drift (bounds the parser would not give, a quote off its offsets) and exits 1', async () => {
      const log = await readLog(dataDir);
      const template = log.find(
        (e) => e.type === 'claimline.assertion-recorded' && (e.data as AssertionRecorded['data']).value.type === 'date',
      )!.data as AssertionRecorded['data'];
      const badBounds = randomUUID();
      const badQuote = randomUUID();
      const value = template.value as Extract<AssertionRecorded['data']['value'], { type: 'date' }>;
      await append(dataDir, claimStream(template.claimId), {
        type: 'claimline.assertion-recorded',
        data: { ...template, assertionId: badBounds, value: { ...value, bounds: { lo: '1999-01-01', hi: value.bounds.hi } } },
      });
      await append(dataDir, claimStream(template.claimId), {
        type: 'claimline.assertion-recorded',
        data: { ...template, assertionId: badQuote, quote: { ...template.quote, start: template.quote.start + 1, end: template.quote.end + 1 } },
      });

      const ran = await cli(dataDir, ['verify']);
      expect(ran.code).toBe(1);
      const drift = ran.stdout.split('\n').filter((l) => l.startsWith('drift: '));
      expect(drift).toHaveLength(2);
      expect(drift[0]).toContain(`claim ${template.claimId}, assertion ${badBounds} (as recorded at position`);
      expect(drift[0]).toContain(`value.bounds: stored 1999-01-01..${value.bounds.hi ?? ''}, now ${value.bounds.lo ?? ''}..${value.bounds.hi ?? ''}`);
      expect(drift[1]).toContain(`assertion ${badQuote}`);
      expect(drift[1]).toContain(`quote.exact: stored ${JSON.stringify(template.quote.exact)}, now `);
      expect(ran.stdout).toMatch(/verified 57 assertions in 26 claims and 5 sources \(\d+ events\): 2 differences\n$/);

      const json = await cli(dataDir, ['verify', '--json']);
      expect(json.code).toBe(1);
      const objects = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(objects.filter((o) => o.kind === 'drift').map((o) => [o.assertionId, o.field])).toEqual([
        [badBounds, 'value.bounds'],
        [badQuote, 'quote.exact'],
      ]);
      expect(objects.at(-1)).toMatchObject({ kind: 'summary', assertions: 57, drift: 2 });
    });

    it('checks what a correction set, as corrected; a quote the outlet edited away is a note, not drift', async () => {
      const seeded = (await readLog(dataDir)).filter((e) => e.type === 'claimline.assertion-recorded' && e.metadata.actor === 'seed');
      const chosen = seeded.at(-1)!.data as AssertionRecorded['data'];
      const ctx = await openCliContext({ CLAIMLINE_DATA_DIR: dataDir });
      try {
        // Through the real commands: a said-at correction, and a new text without the quote.
        await ctx.commands.execute(new CorrectAssertionCommand(chosen.claimId, chosen.assertionId, { changes: { saidAt: '6 December 2025' }, reason: 'said a day later' }, { actor: 'cli-test' }));
        const source = ctx.projections.sources.source(chosen.sourceId)!;
        await ctx.commands.execute(new ReviseSourceTextCommand(chosen.sourceId, { text: source.text.replace(chosen.quote.exact, '[removed]'), reason: 'the outlet edited it' }, { actor: 'cli-test' }));
      } finally {
        await ctx.close();
      }
      const clean = JSON.parse((await cli(dataDir, ['verify', '--json'])).stdout.trimEnd().split('\n').at(-1)!) as { drift: number };
      expect(clean.drift).toBe(2); // the two planted above, nothing from the real correction

      // A correction whose said-at bounds are not what its words say.
      const corrected = (await readLog(dataDir)).findLast((e) => e.type === 'claimline.assertion-corrected')!.data as { changes: { saidAt: AssertionRecorded['data']['saidAt'] } };
      await append(dataDir, claimStream(chosen.claimId), {
        type: 'claimline.assertion-corrected',
        data: {
          claimId: chosen.claimId,
          assertionId: chosen.assertionId,
          changes: { saidAt: { ...corrected.changes.saidAt, bounds: { lo: '2025-12-01', hi: '2025-12-06' } } },
          previous: { saidAt: corrected.changes.saidAt },
          reason: 'planted',
        },
      });
      const ran = await cli(dataDir, ['verify']);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toContain(`claim ${chosen.claimId}, assertion ${chosen.assertionId} (as corrected at position`);
      expect(ran.stdout).toContain('saidAt.bounds: stored 2025-12-01..2025-12-06, now 2025-12-06..2025-12-06');
      expect(ran.stdout).toMatch(new RegExp(`note: claim ${chosen.claimId}, assertion ${chosen.assertionId}, source ${chosen.sourceId}: the quote \\(from text version 1\\) no longer occurs in the current text \\(version 2\\)`));
      expect(ran.stdout).toMatch(/: 3 differences\n$/);
    });
  });

  describe('suggest', () => {
    const source = '2025-12-irigc-22-s400-september-2026';
    it('lists the values of a seeded source in words, with their claim, relation and quote, and marks those recorded', async () => {
      const ran = await cli(dataDir, ['suggest', seedIdOf('source', source)]);
      expect(ran.code).toBe(0);
      expect(ran.stdout).toMatch(/^date "by September 2026" at \d+-\d+ \(already recorded: assertion [\w-]+\)\n {2}claim S-400 contract of 2018 — remaining deliveries due \[[\w-]+\] score [\d.]+: /m);
      expect(ran.stdout).toMatch(/^ {2}quote: "[^"]*by September 2026[^"]*"$/m);
      expect(ran.stdout).toMatch(/^\d+ suggestions \(\d+ with a tracked claim, [1-9]\d* already recorded\), \d+ unread\n$/m);
    });

    it('--json prints the API\'s answer; an unknown source is exit 1, a missing one a usage error', async () => {
      const json = await cli(dataDir, ['suggest', seedIdOf('source', source), '--json']);
      const body = JSON.parse(json.stdout) as { sourceId: string; suggestions: { quote: { exact: string }; claims: unknown[] }[] };
      expect(body.sourceId).toBe(seedIdOf('source', source));
      expect(body.suggestions.length).toBeGreaterThan(0);
      const unknown = await cli(dataDir, ['suggest', 'no-such-source']);
      expect([unknown.code, unknown.stderr]).toEqual([1, 'claimline suggest: no source no-such-source\n']);
      expect((await cli(dataDir, ['suggest'])).code).toBe(2);
    });
  });

  describe('the built command', () => {
    const built = existsSync(join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'));

    (built ? it : it.skip)('bin/claimline.js runs the built CLI with Unix exit statuses', () => {
      const help = spawnSync(process.execPath, [join(ROOT, 'bin', 'claimline.js'), '--help'], { encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^Usage: claimline/);
      const bad = spawnSync(process.execPath, [join(ROOT, 'bin', 'claimline.js'), 'nope'], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('unknown command "nope"');
    });

    it('bin/claimline.js says to build first when dist is missing', () => {
      const dir = mkdtempSync(join(tmpdir(), 'claimline-bin-'));
      try {
        mkdirSync(join(dir, 'bin'));
        cpSync(join(ROOT, 'bin', 'claimline.js'), join(dir, 'bin', 'claimline.js'));
        writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
        const ran = spawnSync(process.execPath, [join(dir, 'bin', 'claimline.js'), '--help'], { encoding: 'utf8' });
        expect(ran.status).toBe(1);
        expect(ran.stderr).toContain('npm run build');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('claimline verify after the reader changed (issue 14)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'claimline-cli-reader-'));
    expect((await cli(dataDir, ['seed', SEEDS])).code).toBe(0);
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reports each value the previous reader stored that the current one reads differently or refuses, and exits 1', async () => {
    const seeded = (await readLog(dataDir)).filter((e) => e.type === 'claimline.assertion-recorded').map((e) => e.data as AssertionRecorded['data']);
    const date = seeded.find((a) => a.value.type === 'date' && a.sourceId === seeded.find((b) => b.value.text === 'Andrey Belousov')!.sourceId)!;
    const quantity = seeded.find((a) => a.value.type === 'quantity' && a.value.text === '50 per cent')!;
    const old = 'claimline-values/1';
    // What claimline-values/1 stored for these words: a month, an epoch date, a figure ±0.5, a 1970 said-at.
    const planted: [string, AssertionRecorded['data']][] = [
      ['month', { ...date, assertionId: randomUUID(), value: { type: 'date', text: '2010-11', normalized: '2010-11', bounds: { lo: '2010-11-01', hi: '2010-11-30' }, parser: old } }],
      ['epoch', { ...date, assertionId: randomUUID(), value: { type: 'date', text: 'by 20000', normalized: '../1970-01-01', bounds: { lo: null, hi: '1970-01-01' }, parser: old } }],
      ['figure', { ...quantity, assertionId: randomUUID(), value: { ...quantity.value, bounds: { lo: 49.5, hi: 50.5 }, step: '1', parser: old } as AssertionRecorded['data']['value'] }],
      ['said-at', { ...date, assertionId: randomUUID(), saidAt: { type: 'date', text: '20000', normalized: '1970-01-01', bounds: { lo: '1970-01-01', hi: '1970-01-01' }, parser: old } }],
    ];
    for (const [, data] of planted) await append(dataDir, claimStream(data.claimId), { type: 'claimline.assertion-recorded', data });

    const ran = await cli(dataDir, ['verify', '--json']);
    expect(ran.code).toBe(1);
    const drift = ran.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; assertionId?: string; field?: string; now?: string });
    const of = (i: number) => drift.filter((d) => d.kind === 'drift' && d.assertionId === planted[i]![1].assertionId).map((d) => [d.field, d.now]);
    expect(of(0)).toEqual([['value', expect.stringMatching(/^refused: .*November 2010 as ISO and the years 2010–11/)]]);
    expect(of(1)).toEqual([['value', expect.stringMatching(/^refused: .*five or more digits/)]]);
    expect(of(2)).toEqual([['value.bounds', '45..55']]);
    expect(of(3)).toEqual([['saidAt', expect.stringMatching(/^refused: /)]]);
    expect(drift.at(-1)).toMatchObject({ kind: 'summary', drift: 4 });
  });
});

function allClaimIdsFrom(log: RecordedEvent[]): string[] {
  return log.filter((e) => e.type === 'claimline.claim-opened').map((e) => (e.data as { claimId: string }).claimId);
}
