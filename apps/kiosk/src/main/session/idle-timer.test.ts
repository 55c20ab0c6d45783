/** The idle timer's clock, on fake timers: when the warning shows, what it counts, when the reset comes. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimer } from './idle-timer.js';

function timer({ mayReset = (): boolean => true } = {}) {
  const warnings: (number | undefined)[] = [];
  let resets = 0;
  const idle = new IdleTimer({
    timeoutMs: 10_000,
    warningMs: 3_000,
    mayReset,
    warn: (secondsLeft) => warnings.push(secondsLeft),
    reset: () => resets++,
  });
  return { idle, warnings, resets: () => resets };
}

describe('idle timer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('warns for the last seconds before the reset, counting each whole second down, then resets once', () => {
    const t = timer();
    t.idle.touch();
    vi.advanceTimersByTime(6_999);
    expect(t.warnings).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(t.warnings).toEqual([3]);
    vi.advanceTimersByTime(1_000);
    expect(t.warnings).toEqual([3, 2]);
    vi.advanceTimersByTime(999);
    expect(t.warnings).toEqual([3, 2]);
    expect(t.resets()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(t.warnings).toEqual([3, 2, 1]);
    vi.advanceTimersByTime(1_000);
    // The warning goes when the reset comes.
    expect(t.warnings).toEqual([3, 2, 1, undefined]);
    expect(t.resets()).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(t.resets()).toBe(1);
  });

  it('a touch during the warning takes it away and starts the whole timeout again', () => {
    const t = timer();
    t.idle.touch();
    vi.advanceTimersByTime(8_500);
    expect(t.warnings).toEqual([3, 2]);
    t.idle.touch();
    expect(t.warnings).toEqual([3, 2, undefined]);
    vi.advanceTimersByTime(6_999);
    expect(t.warnings).toEqual([3, 2, undefined]);
    vi.advanceTimersByTime(3_001);
    expect(t.warnings).toEqual([3, 2, undefined, 3, 2, 1, undefined]);
    expect(t.resets()).toBe(1);
  });

  it('neither warns nor resets where the reset is forbidden, and drops a warning when the screen becomes one', () => {
    let allowed = false;
    const t = timer({ mayReset: () => allowed });
    t.idle.touch();
    vi.advanceTimersByTime(60_000);
    expect(t.warnings).toEqual([]);
    expect(t.resets()).toBe(0);

    allowed = true;
    t.idle.touch();
    vi.advanceTimersByTime(7_000);
    expect(t.warnings).toEqual([3]);
    allowed = false; // e.g. the money was committed meanwhile
    vi.advanceTimersByTime(60_000);
    expect(t.warnings).toEqual([3, undefined]);
    expect(t.resets()).toBe(0);
  });

  it('a timeout shorter than the warning warns from its start', () => {
    const t = timer();
    const short = new IdleTimer({
      timeoutMs: 1_500,
      warningMs: 30_000,
      mayReset: () => true,
      warn: (s) => t.warnings.push(s),
      reset: () => t.warnings.push(-1),
    });
    short.touch();
    vi.advanceTimersByTime(0);
    expect(t.warnings).toEqual([2]);
    vi.advanceTimersByTime(1_500);
    expect(t.warnings).toEqual([2, 1, undefined, -1]);
  });

  it('stop ends the warning and nothing fires afterwards', () => {
    const t = timer();
    t.idle.touch();
    vi.advanceTimersByTime(7_000);
    t.idle.stop();
    vi.advanceTimersByTime(60_000);
    expect(t.warnings).toEqual([3, undefined]);
    expect(t.resets()).toBe(0);
  });
});
