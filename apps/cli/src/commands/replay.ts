import { performance } from 'node:perf_hooks';
import { isProjectionName, PROJECTION_NAMES, type ProjectionName, type RebuildProgress } from '#projections';
import { withCliContext } from '../cli.module.js';
import { CliError, type CliIo, EXIT, parseCommandArgs, UsageError, write } from '../io.js';
import { progressOn } from '../progress.js';
import type { Command } from './command.js';

export const replayCommand: Command = {
  name: 'replay',
  synopsis: 'replay [--projection NAME]',
  summary: 'rebuild the read models from the event log',
  help: `Usage: claimline replay [--projection NAME]

Rebuilds the read models from position 0 of the event log: each projection is built as a new
generation beside the live one and swapped in once it has caught up. Shows a progress bar on
stderr (plain lines when stderr is not a terminal or CI=true) and ends with the events per second.

Options:
  -p, --projection NAME   rebuild only this one: ${PROJECTION_NAMES.join(', ')}
  -h, --help              show this help

While an API server is running on the same data dir, replay is refused, naming it: rebuild through
it instead (POST /admin/projections/rebuild with a maintainer key). One process at a time writes a
data dir (the lock is claimline.lock in it).
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, help } = parseCommandArgs(args, { projection: { type: 'string', short: 'p' } }, 0);
    if (help) {
      await write(io.stdout, this.help);
      return EXIT.ok;
    }
    const asked = values.projection as string | undefined;
    if (asked !== undefined && !isProjectionName(asked)) {
      throw new UsageError(`unknown projection "${asked}" (expected one of ${PROJECTION_NAMES.join(', ')})`);
    }
    const names: ProjectionName[] = asked === undefined ? [...PROJECTION_NAMES] : [asked];
    return withCliContext(io.env, 'replay', async (ctx) => {
      const head = await ctx.store.headPosition();
      const progress = progressOn(io, 'replay');
      const startedAt = performance.now();
      let completed = false;
      let started: RebuildProgress[] = [];
      try {
        const rebuild = ctx.projections.runner.rebuild(names, (all) => {
          const checkpoint = Math.min(...all.map((p) => p.checkpoint));
          const events = Math.max(...all.map((p) => p.events));
          progress.update(checkpoint + 1, Math.max(...all.map((p) => p.head), head) + 1, `${events} events`);
        });
        started = rebuild.started;
        if (started.length !== names.length) throw new CliError(`a rebuild of ${names.join(', ')} is already under way`);
        await rebuild.done;
        completed = true;
      } finally {
        progress.stop(completed);
      }
      const seconds = (performance.now() - startedAt) / 1000;
      const events = Math.max(0, ...started.map((p) => p.events));
      const rate = seconds > 0 ? Math.round(events / seconds) : events;
      const into = names.length === 1 ? `the ${names[0]} projection` : `${names.length} projections`;
      await write(io.stdout, `replayed ${events} events into ${into} in ${seconds.toFixed(1)} s (${rate} events/s)\n`);
      return EXIT.ok;
    }, (locked) => new CliError(`${locked.message}. Rebuild through it instead (POST /admin/projections/rebuild with a maintainer key), or stop it first.`));
  },
};
