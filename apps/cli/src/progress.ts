import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  /** `value` of `total` done; `detail` is shown beside the bar (e.g. "1234 events"). */
  update(value: number, total: number, detail?: string): void;
  /** Ends the bar (leaving it on screen); plain output prints its 100% line only when `completed`. */
  stop(completed?: boolean): void;
}

/** True when the stream is a terminal and no CI system is capturing the output. */
export function isInteractive(stream: CliIo['stderr'], env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return stream.isTTY === true && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}

/**
 * Progress on stderr, so stdout stays clean for what a command prints. On a terminal: a cli-progress
 * bar. Elsewhere (a pipe, a log file, CI=true): a plain line at every tenth of the way, no control codes.
 */
export function progressOn(io: CliIo, label: string): Progress {
  return isInteractive(io.stderr, io.env) ? barProgress(io, label) : plainProgress(io, label);
}

function barProgress(io: CliIo, label: string): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr,
      format: `${label} {bar} {percentage}% | {detail} | ETA {eta_formatted}`,
      // Terminal settings left alone (cursor shown, line wrap on): Ctrl-C ends a command at once,
      // and must not leave the terminal without a cursor or line wrapping.
      hideCursor: false,
      linewrap: null,
      barsize: 30,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(value, total, detail = '') {
      const t = Math.max(total, 1);
      const v = Math.min(Math.max(value, 0), t);
      if (!started) {
        bar.start(t, v, { detail });
        started = true;
      } else {
        bar.setTotal(t);
        bar.update(v, { detail });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function plainProgress(io: CliIo, label: string): Progress {
  let lastTenth = -1;
  let last: { value: number; total: number; detail: string } | null = null;
  const line = (value: number, total: number, detail: string): void => {
    const percent = total <= 0 ? 100 : Math.min(100, Math.floor((value / total) * 100));
    io.stderr.write(`${label}: ${percent}%${detail ? ` (${detail})` : ''}\n`);
  };
  return {
    update(value, total, detail = '') {
      last = { value, total, detail };
      const tenth = total <= 0 ? 10 : Math.min(10, Math.floor((value / total) * 10));
      if (tenth > lastTenth) {
        lastTenth = tenth;
        line(value, total, detail);
      }
    },
    stop(completed = true) {
      if (completed && last && lastTenth < 10) line(last.total, last.total, last.detail);
    },
  };
}
