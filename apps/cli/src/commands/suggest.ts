import { Suggestions } from '#claims';
import type { Suggestion, SuggestionsFor } from '#domain';
import { withCliContext } from '../cli.module.js';
import { CliError, type CliIo, EXIT, parseCommandArgs, UsageError, write } from '../io.js';
import type { Command } from './command.js';

export const suggestCommand: Command = {
  name: 'suggest',
  synopsis: 'suggest <sourceId> [--json]',
  summary: "list the values a source's text states that tracked claims could hold",
  help: `Usage: claimline suggest <sourceId> [--json]

Reads the source's current text and lists every value it states (dates, amounts, counts) that a
tracked claim could hold, as GET /sources/<sourceId>/suggestions does: the value words and what
they mean, the quote, the candidate claims best first with their score and reason, the relation
to the first claim's current value, the speaker, modality and said-at read from the text, and
whether this source already has it recorded. Words the value reader refuses are listed as unread.
Nothing is written: record a suggestion with POST /claims/<claimId>/assertions and its "assertion".

Options:
      --json   the API's JSON answer ({ sourceId, suggestions, unread })
  -h, --help   show this help
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals, help } = parseCommandArgs(args, { json: { type: 'boolean' } }, 1);
    if (help) {
      await write(io.stdout, this.help);
      return EXIT.ok;
    }
    const sourceId = positionals[0];
    if (sourceId === undefined) throw new UsageError('say which source: claimline suggest <sourceId>');
    const result = await withCliContext(io.env, 'suggest', async (ctx) => {
      // A long text is answered a page at a time: read every page, as one answer.
      const suggestions = ctx.app.get(Suggestions);
      let page = await suggestions.forSource(sourceId);
      const all = page;
      while (page?.next != null) {
        page = await suggestions.forSource(sourceId, page.next);
        all!.suggestions.push(...page!.suggestions);
        all!.unread.push(...page!.unread);
      }
      return all && { ...all, next: null };
    }, (locked) => new CliError(`${locked.message}. Ask it instead (GET /sources/${sourceId}/suggestions), or stop it first.`));
    if (!result) throw new CliError(`no source ${sourceId}`);
    await write(io.stdout, values.json === true ? `${JSON.stringify(result)}\n` : inWords(result));
    return EXIT.ok;
  },
};

function inWords({ suggestions, unread }: SuggestionsFor): string {
  const lines: string[] = [];
  for (const s of suggestions) lines.push(...suggestionLines(s), '');
  for (const u of unread) lines.push(`unread ${u.type} "${u.text}" at ${u.start}-${u.end}: ${u.reason}`);
  const filed = suggestions.filter((s) => s.claims.length > 0).length;
  const recorded = suggestions.filter((s) => s.alreadyRecorded !== null).length;
  lines.push(`${suggestions.length} suggestion${suggestions.length === 1 ? '' : 's'} (${filed} with a tracked claim, ${recorded} already recorded), ${unread.length} unread`);
  return `${lines.join('\n')}\n`;
}

function suggestionLines(s: Suggestion): string[] {
  const lines = [`${s.value.type} "${s.value.text}" at ${s.valueAt.start}-${s.valueAt.end}${s.alreadyRecorded ? ` (already recorded: assertion ${s.alreadyRecorded})` : ''}`];
  s.claims.forEach((c, i) => lines.push(`  ${i === 0 ? 'claim' : '   or'} ${c.subject} — ${c.predicate} [${c.claimId}] score ${c.score}: ${c.reason}`));
  if (s.proposedClaim) lines.push(`  no tracked claim fits; a new one could be: ${s.proposedClaim.subject} — ${s.proposedClaim.predicate} (${s.proposedClaim.valueType})`);
  if (s.relationToCurrent) lines.push(`  ${s.relationToCurrent.relation} to its current value "${s.relationToCurrent.current}": ${s.relationToCurrent.explanation}`);
  lines.push(`  quote: "${s.quote.exact}"`);
  lines.push(`  said by ${s.speaker ?? '(no one named: give a speaker)'} (${s.modality}), said at ${s.saidAt.text} (${s.cues.saidAt.from === 'text' ? 'from the text' : "the source's date"})`);
  return lines;
}
