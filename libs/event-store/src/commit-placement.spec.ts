import { describe, expect, it } from '@jest/globals';
import { CommitPlacement, type WriterPlacement } from './commit-placement.js';

/** An event loop whose busy and idle time the test moves on. */
function loop() {
  const time = { active: 0, idle: 0 };
  return {
    time: () => ({ ...time }),
    busy: (ms: number) => void (time.active += ms),
    idle: (ms: number) => void (time.idle += ms),
  };
}

function placement(mode: WriterPlacement = 'auto', slowCommitMs = 2) {
  const clock = loop();
  return { sut: new CommitPlacement(mode, slowCommitMs, clock.time), clock };
}

describe(CommitPlacement.name, () => {
  it.each(['worker', 'inline'] as const)('always places a batch where the %s mode says, whatever the load', (mode) => {
    const { sut, clock } = placement(mode);
    clock.busy(100);
    sut.committed(50, mode === 'inline');
    expect(sut.choose(1)).toBe(mode);
    expect(sut.choose(32)).toBe(mode);
  });

  it('commits a lone append inline while the loop is mostly idle and commits are quick', () => {
    const { sut, clock } = placement();
    clock.busy(5);
    clock.idle(95);
    expect(sut.choose(1)).toBe('inline');
  });

  it('sends appends that arrive together to the worker', () => {
    const { sut, clock } = placement();
    clock.idle(100);
    expect(sut.choose(2)).toBe('worker');
  });

  it('sends a lone append to the worker while other work holds most of the loop, and inline again once it has passed', () => {
    const { sut, clock } = placement();
    // Smoothed over windows: each halves what the earlier ones weigh (0.45, then 0.675).
    for (let window = 0; window < 2; window++) {
      clock.busy(90);
      clock.idle(10);
      sut.choose(1);
    }
    expect(sut.choose(1)).toBe('worker');
    clock.idle(100);
    expect(sut.choose(1)).toBe('inline');
  });

  it('does not count its own inline commits as other work', () => {
    // Commit time taken out: only the load decides here.
    const { sut, clock } = placement('auto', Number.POSITIVE_INFINITY);
    for (let window = 0; window < 3; window++) {
      // Busy 90 ms of each 100, 80 of them in this thread's own commits.
      clock.busy(90);
      sut.committed(80, true);
      clock.idle(10);
      expect(sut.choose(1)).toBe('inline');
    }
  });

  it('measures the load over windows of at least 20 ms: a shorter busy stretch does not move it', () => {
    const { sut, clock } = placement();
    clock.busy(15);
    expect(sut.choose(1)).toBe('inline');
    // The same 15 ms, now part of a window long enough to count, make the loop mostly busy.
    clock.busy(10);
    expect(sut.choose(1)).toBe('worker');
  });

  it('sends batches to the worker once commits are slow, even on an idle loop, and inline again as they quicken', () => {
    const { sut, clock } = placement('auto', 2);
    clock.idle(100);
    sut.committed(10, false);
    expect(sut.choose(1)).toBe('worker');
    // Smoothed over the last few commits: 10 -> 2.5 -> 1.9.
    sut.committed(0, false);
    expect(sut.choose(1)).toBe('inline');
  });
});
