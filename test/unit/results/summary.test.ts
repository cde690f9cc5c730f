import { describe, expect, it } from 'vitest';
import { exitCodeOf, summarise } from '../../../src/results/summary.js';
import type { CellResult, CellStatus, RunResult } from '../../../src/results/types.js';

const cell = (status: CellStatus): CellResult => ({
  id: status,
  slug: status,
  distro: 'd',
  axes: {},
  status,
  exitCode: null,
  durationMs: 1,
  phases: { image: 0, setup: 0, test: 1 },
  logPath: 'l',
});
const run = (...statuses: CellStatus[]): RunResult => {
  const cells = statuses.map(cell);
  return {
    version: 1,
    runId: 'r',
    project: '/p',
    config: 'vmatrix.yml',
    runtime: 'runc',
    startedAt: '',
    finishedAt: '',
    durationMs: 1,
    jobs: 1,
    cells,
    summary: summarise(cells),
  };
};

describe('exit codes', () => {
  it('is 0 only when every cell passed', () => expect(exitCodeOf(run('passed', 'passed'))).toBe(0));
  it('is 1 when a cell failed, timed out or ran out of memory, whatever else happened', () => {
    expect(exitCodeOf(run('passed', 'failed', 'error'))).toBe(1);
    expect(exitCodeOf(run('timed-out', 'cancelled'))).toBe(1);
    expect(exitCodeOf(run('passed', 'oom-killed', 'error'))).toBe(1);
  });
  it('is 3 when cells could not run (the host is at fault)', () => expect(exitCodeOf(run('passed', 'error'))).toBe(3));
  it('is 130 when the run was interrupted', () => expect(exitCodeOf(run('passed', 'cancelled'))).toBe(130));
  it('counts each status', () => {
    expect(summarise(run('passed', 'failed', 'failed', 'error', 'oom-killed').cells)).toEqual({
      total: 5,
      passed: 1,
      flaky: 0,
      failed: 2,
      timedOut: 0,
      oomKilled: 1,
      errors: 1,
      cancelled: 0,
    });
  });
  it('counts a flaky cell as passed, and apart, and exits 0 for it', () => {
    const r = run('passed', 'flaky', 'flaky');
    expect(r.summary).toMatchObject({ total: 3, passed: 3, flaky: 2, failed: 0 });
    expect(exitCodeOf(r)).toBe(0);
    expect(exitCodeOf(run('flaky', 'failed'))).toBe(1);
  });
  it('is 1 when --fail-fast cancelled the rest after a failure', () =>
    expect(exitCodeOf(run('failed', 'cancelled', 'cancelled'))).toBe(1));
});
