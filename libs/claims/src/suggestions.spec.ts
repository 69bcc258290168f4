import { describe, expect, it } from '@jest/globals';
import { runInSlices } from './suggestions.js';

/** Steps that each keep the thread busy for `ms`. */
function* busySteps(count: number, ms: number): Generator<void, number> {
  for (let i = 0; i < count; i += 1) {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // busy, as a sentence of a long article is
    }
    yield;
  }
  return count;
}

describe(runInSlices.name, () => {
  it('gives other work a turn between slices of a long run (the stall it leaves is measured in bench/suggest.mjs)', async () => {
    let turns = 0;
    const timer = setInterval(() => {
      turns += 1;
    }, 0);
    const result = await runInSlices(busySteps(40, 2), 10);
    clearInterval(timer);
    expect(result).toBe(40);
    expect(turns).toBeGreaterThanOrEqual(5); // at least 80 ms of work in 10 ms slices
  });

  it('returns at once what a generator without steps returns', async () => {
    expect(await runInSlices(busySteps(0, 0), 10)).toBe(0);
  });
});
