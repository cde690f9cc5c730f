import { describe, expect, it } from 'vitest';
import { summarise } from '../../../src/results/summary.js';
import {
  FAILURE_STATUSES,
  isFailure,
  isPass,
  isProjectFailure,
  isRetryable,
  ranToEnd,
} from '../../../src/results/status.js';
import type { CellResult, CellStatus } from '../../../src/results/types.js';

const ALL: CellStatus[] = ['passed', 'flaky', 'failed', 'timed-out', 'oom-killed', 'error', 'cancelled'];
const which = (p: (s: CellStatus) => boolean) => ALL.filter(p);

describe('which statuses count as what', () => {
  it('a run fails on the project’s failures and on errors; a cancel is neither a pass nor a failure', () => {
    expect(which(isFailure)).toEqual(['failed', 'timed-out', 'oom-killed', 'error']);
    expect([...FAILURE_STATUSES]).toEqual(which(isFailure));
    expect(which(isPass)).toEqual(['passed', 'flaky']);
  });

  it('keeps, retries and durations each have their own set', () => {
    expect(which(isProjectFailure)).toEqual(['failed', 'timed-out', 'oom-killed']);
    expect(which(isRetryable)).toEqual(['failed', 'timed-out']);
    expect(which(ranToEnd)).toEqual(['passed', 'flaky', 'failed', 'timed-out', 'oom-killed']);
  });

  it('the summary counts flaky cells as passed', () => {
    const cells = ALL.map((status) => ({ status }) as CellResult);
    expect(summarise(cells)).toMatchObject({ total: 7, passed: 2, flaky: 1, failed: 1, errors: 1, cancelled: 1 });
  });
});
