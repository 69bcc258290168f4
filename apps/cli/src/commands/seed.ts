import { resolve } from 'node:path';
import { loadSeeds, type SeedReport } from '#claims';
import { withCliContext } from '../cli.module.js';
import { type CliIo, EXIT, parseCommandArgs, write } from '../io.js';
import { progressOn } from '../progress.js';
import type { Command } from './command.js';

export const seedCommand: Command = {
  name: 'seed',
  synopsis: 'seed [dir]',
  summary: 'load the seed articles and the claims curated from them',
  help: `Usage: claimline seed [dir]

Loads the sources and claims of a seeds directory (default: $CLAIMLINE_SEED_DIR, else ./seeds)
into the configured store, through the same commands the API runs (actor "cli"). Every write
carries an idempotency key derived from its seed key, so loading twice appends nothing.

A seed the domain refuses (a quote not in its source, an unreadable value) stops the load with a
message naming the file, the claim and the quote; exit status 1.

Options:
  -h, --help   show this help
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { positionals, help } = parseCommandArgs(args, {}, 1);
    if (help) {
      await write(io.stdout, this.help);
      return EXIT.ok;
    }
    const dir = resolve(io.cwd, positionals[0] ?? (io.env.CLAIMLINE_SEED_DIR?.trim() || 'seeds'));
    return withCliContext(io.env, async (ctx) => {
      const before = await ctx.store.headPosition();
      const progress = progressOn(io, 'seed');
      let completed = false;
      let report: SeedReport;
      try {
        report = await loadSeeds(ctx.commands, dir, 'cli', (done, total) => progress.update(done, total, `${done}/${total} writes`));
        completed = true;
      } finally {
        progress.stop(completed);
      }
      const head = await ctx.store.headPosition();
      let appended = 0;
      for (let from = before + 1; head > before; ) {
        const page = await ctx.store.readAll({ fromPosition: from, limit: 1000 });
        if (page.length === 0) break;
        appended += page.length;
        from = page.at(-1)!.position + 1;
      }
      // The read models are current when the command returns, so the next reader sees the seeds.
      if (head >= 0) await ctx.projections.runner.waitFor(head, 60_000);
      const counts = `${report.sources} sources, ${report.claims} claims, ${report.assertions} assertions`;
      await write(
        io.stdout,
        appended === 0
          ? `seeds from ${dir} already loaded (${counts}): nothing appended\n`
          : `seeded ${counts} from ${dir}: ${appended} events appended\n`,
      );
      return EXIT.ok;
    });
  },
};
