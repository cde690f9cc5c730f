import type { CellStatus } from './types.js';

// The one place that says which statuses count as what. The sets differ on purpose: a retry is for the
// project's test only, a kept cell for the project's failure, while a run fails on vmatrix's errors too.

/** The statuses that fail a run (exit 1, or 3 for `error`); the first of them stops a `--fail-fast` run. */
export const FAILURE_STATUSES: readonly CellStatus[] = ['failed', 'timed-out', 'oom-killed', 'error'];

export function isFailure(status: CellStatus): boolean {
  return FAILURE_STATUSES.includes(status);
}

/** Passed, on the first attempt or on a retry (flaky): what the summary counts as passed. */
export function isPass(status: CellStatus): boolean {
  return status === 'passed' || status === 'flaky';
}

/** The project's own failure (exit 1): not `error`, which is vmatrix's or the host's. What `--keep failed` keeps. */
export function isProjectFailure(status: CellStatus): boolean {
  return status === 'failed' || status === 'timed-out' || status === 'oom-killed';
}

/** What a retry may cure: a test that failed or timed out (an OOM kill is the limit's, an `error` the host's). */
export function isRetryable(status: CellStatus): boolean {
  return status === 'failed' || status === 'timed-out';
}

/** The cell ran to an end, so its duration says how long it takes (an error or a cancel says nothing). */
export function ranToEnd(status: CellStatus): boolean {
  return status !== 'error' && status !== 'cancelled';
}
