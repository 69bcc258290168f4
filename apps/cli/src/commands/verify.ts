import { withEventLog } from '../cli.module.js';
import { type CliIo, EXIT, parseCommandArgs, write } from '../io.js';
import { type Drift, LogVerifier } from '../verify-log.js';
import type { Command } from './command.js';

export const verifyCommand: Command = {
  name: 'verify',
  synopsis: 'verify [--json]',
  summary: 're-check every stored quote and bound; list every drift',
  help: `Usage: claimline verify [--json]

Reads the whole event log and re-checks, for every assertion as recorded and as each correction
left it:
  - the quote: its exact words must be the source text version it names, sliced at [start, end),
    with the same prefix and suffix around them;
  - the value and the said-at given in words: read again by the current parser (same type, words,
    convention and said-at context), they must give the same bounds and normalized form
    (and, for a quantity, the same unit);
and every source's publishedAt the same way. Every difference is printed: where (claim, assertion,
the event's position), the field, what is stored and what the code makes of it now.

A quote that no longer occurs in a source's current (revised) text is printed as a note: the
outlet edited its article, which is not drift.

It reads the event log only, so it may run beside an API server that is writing it.

Exit status: 0 no drift, 1 drift found (or an event this build cannot read), 2 usage error.

Options:
      --json   one JSON object per line (kind: drift, note, unreadable, summary)
  -h, --help   show this help
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, help } = parseCommandArgs(args, { json: { type: 'boolean' } }, 0);
    if (help) {
      await write(io.stdout, this.help);
      return EXIT.ok;
    }
    const json = values.json === true;
    // The log alone: verify may run beside a server that is writing it.
    const report = await withEventLog(io.env, async (store) => {
      const verifier = new LogVerifier();
      for (let from = 0; ; ) {
        const page = await store.readAll({ fromPosition: from, limit: 1000 });
        if (page.length === 0) break;
        for (const recorded of page) verifier.add(recorded);
        from = page.at(-1)!.position + 1;
      }
      return verifier.report();
    });

    const problems = report.drifts.length + report.unreadable.length;
    if (json) {
      for (const d of report.drifts) await write(io.stdout, `${JSON.stringify({ kind: 'drift', ...d })}\n`);
      for (const n of report.notes) await write(io.stdout, `${JSON.stringify({ kind: 'note', ...n })}\n`);
      for (const u of report.unreadable) await write(io.stdout, `${JSON.stringify({ kind: 'unreadable', ...u })}\n`);
      const { drifts: _d, notes: _n, unreadable: _u, ...counts } = report;
      await write(io.stdout, `${JSON.stringify({ kind: 'summary', ...counts, drift: report.drifts.length, noted: report.notes.length, unreadableEvents: report.unreadable.length })}\n`);
    } else {
      for (const d of report.drifts) await write(io.stdout, `drift: ${whereOf(d)}: ${d.field}: stored ${d.stored}, now ${d.now}\n`);
      for (const n of report.notes) await write(io.stdout, `note: claim ${n.claimId}, assertion ${n.assertionId}, source ${n.sourceId}: ${n.message}\n`);
      for (const u of report.unreadable) await write(io.stdout, `unreadable: event ${u.id} at position ${u.position}: ${u.reason}\n`);
      const checked = `verified ${report.assertions} assertions in ${report.claims} claims and ${report.sources} sources (${report.events} events)`;
      const found = [
        report.drifts.length > 0 ? `${report.drifts.length} ${report.drifts.length === 1 ? 'difference' : 'differences'}` : '',
        report.unreadable.length > 0 ? `${report.unreadable.length} unreadable ${report.unreadable.length === 1 ? 'event' : 'events'}` : '',
      ].filter(Boolean);
      await write(io.stdout, problems === 0 ? `${checked}: no drift\n` : `${checked}: ${found.join(', ')}\n`);
    }
    return problems === 0 ? EXIT.ok : EXIT.failure;
  },
};

function whereOf(d: Drift): string {
  const at = `as ${d.storedBy} at position ${d.position}`;
  return d.claimId === null ? `source ${d.sourceId} (${at})` : `claim ${d.claimId}, assertion ${d.assertionId} (${at})`;
}
