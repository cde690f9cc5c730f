import { describe, expect, it } from 'vitest';
import { combineAttempts, FailFast, failsRun, shouldRetry } from '../../../src/cell/attempts.js';
import type { CellResult, CellStatus } from '../../../src/results/types.js';

const result = (status: CellStatus, over: Partial<CellResult> = {}): CellResult => ({
  id: 'd/x=1',
  slug: 'd-x-1',
  distro: 'd',
  axes: { x: '1' },
  status,
  phase: status === 'passed' ? undefined : 'test',
  exitCode: status === 'passed' ? 0 : 1,
  durationMs: 100,
  phases: { image: 0, setup: 0, test: 100 },
  logPath: 'l',
  ...over,
});

describe('shouldRetry', () => {
  it('runs a failed or timed-out test again while retries are left', () => {
    expect(shouldRetry(result('failed'), 1, 2)).toBe(true);
    expect(shouldRetry(result('timed-out'), 2, 2)).toBe(true);
    expect(shouldRetry(result('failed'), 3, 2)).toBe(false);
    expect(shouldRetry(result('failed'), 1, 0)).toBe(false);
  });

  it('never retries a pass, a cancel, an OOM kill, an error or a setup failure, nor in a run that is stopping', () => {
    for (const status of ['passed', 'cancelled', 'oom-killed', 'error'] as const)
      expect(shouldRetry(result(status), 1, 3)).toBe(false);
    expect(shouldRetry(result('failed', { phase: 'setup' }), 1, 3)).toBe(false);
    expect(shouldRetry(result('failed'), 1, 3, true)).toBe(false);
  });
});

describe('combineAttempts', () => {
  it('leaves a cell run once as it is', () => {
    const once = result('failed');
    expect(combineAttempts([once])).toBe(once);
  });

  it('calls a pass after a failure flaky, adds up the time and lists every attempt', () => {
    const first = result('timed-out', {
      exitCode: null,
      signal: 'SIGKILL',
      step: 'slow',
      durationMs: 2000,
      artifacts: ['a.log'],
      artifactsPath: 'r/attempt-1/artifacts',
    });
    const cell = combineAttempts([first, result('failed', { step: 'unit' }), result('passed', { durationMs: 50 })]);
    expect(cell).toMatchObject({ status: 'flaky', exitCode: 0, durationMs: 2150 });
    expect(cell.attempts).toEqual([
      {
        attempt: 1,
        status: 'timed-out',
        exitCode: null,
        signal: 'SIGKILL',
        durationMs: 2000,
        step: 'slow',
        artifacts: ['a.log'],
        artifactsPath: 'r/attempt-1/artifacts',
      },
      { attempt: 2, status: 'failed', exitCode: 1, signal: undefined, durationMs: 100, step: 'unit' },
      { attempt: 3, status: 'passed', exitCode: 0, signal: undefined, durationMs: 50 },
    ]);
  });

  it('keeps the last failure when every attempt failed', () => {
    const cell = combineAttempts([result('failed'), result('timed-out', { exitCode: null })]);
    expect(cell.status).toBe('timed-out');
    expect(cell.attempts?.map((a) => a.status)).toEqual(['failed', 'timed-out']);
  });
});

describe('--fail-fast', () => {
  it('is set off by the statuses that fail a run, not by a pass, a flaky pass or a cancel', () => {
    expect((['failed', 'timed-out', 'oom-killed', 'error'] as const).every(failsRun)).toBe(true);
    expect((['passed', 'flaky', 'cancelled'] as const).some(failsRun)).toBe(false);
  });

  it('aborts at the first failing cell and says so on the cells it cancelled', () => {
    const stop = new FailFast(true);
    stop.record(result('passed', { id: 'a' }));
    stop.record(result('flaky', { id: 'b' }));
    expect(stop.signal?.aborted).toBe(false);
    stop.record(result('failed', { id: 'c' }));
    stop.record(result('failed', { id: 'd' }));
    expect(stop.signal?.aborted).toBe(true);
    expect(stop.explain(result('cancelled', { id: 'e' })).message).toBe('--fail-fast after c failed');
    expect(stop.explain(result('cancelled'), true).message).toBeUndefined(); // Ctrl-C came first
    expect(stop.explain(result('failed', { id: 'd' })).message).toBeUndefined();
  });

  it("only passes the run's own signal on when it is off", () => {
    const outer = new AbortController();
    const off = new FailFast(false, outer.signal);
    off.record(result('failed'));
    expect(off.signal).toBe(outer.signal);
    expect(off.signal?.aborted).toBe(false);
    const on = new FailFast(true, outer.signal);
    outer.abort();
    expect(on.signal?.aborted).toBe(true);
  });
});
