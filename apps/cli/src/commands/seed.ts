import { resolve } from 'node:path';
import { loadSeeds, missingSeedWrites, SEED_ACTOR, type SeedReport } from '#claims';
import { DataDirLocked, type EventStore } from '#event-store';
import { withCliContext, withEventLog } from '../cli.module.js';
import { CliError, type CliIo, EXIT, parseCommandArgs, write } from '../io.js';
import { progressOn } from '../progress.js';
import type { Command } from './command.js';

export const seedCommand: Command = {
  name: 'seed',
  synopsis: 'seed [dir]',
  summary: 'load the seed articles and the claims curated from them',
  help: `Usage: claimline seed [dir]

Loads the sources and claims of a seeds directory (default: $CLAIMLINE_SEED_DIR, else ./seeds)
into the configured store, through the same commands the API runs, as actor "${SEED_ACTOR}" (the
server seeds an empty store on first start the same way). Seeds have ids derived from their keys:
what is already in the log is not written again, whoever wrote it, so loading twice appends nothing.

While an API server holds the data dir, seed only checks the log: with every seed there it says so
and exits 0; with any missing it exits 1 naming the server (stop it and seed, or record them through
its API).

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
    const counts = (report: SeedReport): string => `${report.sources} sources, ${report.claims} claims, ${report.assertions} assertions`;
    let loaded: { report: SeedReport; appended: number };
    try {
      loaded = await withCliContext(
        io.env,
        'seed',
        async (ctx) => {
          const before = await ctx.store.headPosition();
          const progress = progressOn(io, 'seed');
          let completed = false;
          let report: SeedReport;
          try {
            report = await loadSeeds(ctx.commands, ctx.store, dir, (done, total) => progress.update(done, total, `${done}/${total} writes`));
            completed = true;
          } finally {
            progress.stop(completed);
          }
          const head = await ctx.store.headPosition();
          // The read models are current when the command returns, so the next reader sees the seeds.
          if (head >= 0) await ctx.projections.runner.waitFor(head, 60_000);
          return { report, appended: await eventsAfter(ctx.store, before) };
        },
        (locked) => locked,
      );
    } catch (error) {
      if (!(error instanceof DataDirLocked)) throw error;
      // Another process writes this data dir: check, reading the log only, whether there is anything to do.
      const { missing, report } = await withEventLog(io.env, (store) => missingSeedWrites(store, dir));
      if (missing.length > 0) {
        throw new CliError(
          `${error.message}, and ${missing.length} of the seed writes from ${dir} are not in its log (the first: ${missing[0]!.where}). ` +
            'Stop it and run claimline seed again, or record them through its API.',
        );
      }
      await write(io.stdout, `seeds from ${dir} already loaded (${counts(report)}): nothing appended (checked the log read-only: ${error.message})\n`);
      return EXIT.ok;
    }
    await write(
      io.stdout,
      loaded.appended === 0
        ? `seeds from ${dir} already loaded (${counts(loaded.report)}): nothing appended\n`
        : `seeded ${counts(loaded.report)} from ${dir}: ${loaded.appended} events appended\n`,
    );
    return EXIT.ok;
  },
};

/** How many events the log holds after position `before`. */
async function eventsAfter(store: EventStore, before: number): Promise<number> {
  let appended = 0;
  for (let from = before + 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 1000 });
    if (page.length === 0) return appended;
    appended += page.length;
    from = page.at(-1)!.position + 1;
  }
}
