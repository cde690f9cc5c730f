import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StepClock } from '../../../src/cell/step-clock.js';

const steps = [
  { name: 'build', run: 'make' },
  { name: 'unit', run: 'make check', timeout: 1000 },
  { name: 'lint', run: 'make lint' },
];

describe('StepClock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("times each step from the loop's announcements and records its exit status", () => {
    const clock = new StepClock(
      steps,
      () => {
        throw new Error('no step timed out');
      },
      () => Date.now(),
    );
    clock.onLine('start 1');
    vi.advanceTimersByTime(300);
    clock.onLine('end 1 0');
    clock.onLine('start 2');
    vi.advanceTimersByTime(200);
    clock.onLine('end 2 124'); // exited 124 by itself: a failure, not a timeout
    vi.advanceTimersByTime(5000);
    expect(clock.expired).toBeUndefined();
    expect(clock.results()).toEqual([
      { name: 'build', exitCode: 0, durationMs: 300 },
      { name: 'unit', exitCode: 124, durationMs: 200, timeoutMs: 1000 },
    ]);
    expect(clock.lastStarted()?.name).toBe('unit');
  });

  it('calls onExpire once when a step outlives its own timeout, and marks that step', () => {
    const onExpire = vi.fn();
    const clock = new StepClock(steps, onExpire, () => Date.now());
    clock.onLine('start 1');
    clock.onLine('end 1 0');
    clock.onLine('start 2');
    vi.advanceTimersByTime(999);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(clock.expired).toBe(1);
    vi.advanceTimersByTime(500);
    clock.stop();
    expect(clock.results()).toEqual([
      { name: 'build', exitCode: 0, durationMs: 0 },
      { name: 'unit', exitCode: null, durationMs: 1500, timeoutMs: 1000, timedOut: true },
    ]);
  });

  it('ignores lines that announce nothing it knows, and fires nothing once stopped', () => {
    const onExpire = vi.fn();
    const clock = new StepClock(steps, onExpire, () => Date.now());
    for (const line of ['', 'start', 'start 0', 'start 9', 'end x 1', 'hello']) clock.onLine(line);
    expect(clock.results()).toEqual([]);
    clock.onLine('start 2');
    clock.stop();
    vi.advanceTimersByTime(5000);
    expect(onExpire).not.toHaveBeenCalled();
  });
});
