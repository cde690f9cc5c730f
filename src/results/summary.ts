import { isPass } from './status.js';
import type { CellResult, RunResult, RunSummary } from './types.js';

export function summarise(cells: CellResult[]): RunSummary {
  const count = (s: CellResult['status']) => cells.filter((c) => c.status === s).length;
  return {
    total: cells.length,
    passed: cells.filter((c) => isPass(c.status)).length,
    flaky: count('flaky'),
    failed: count('failed'),
    timedOut: count('timed-out'),
    oomKilled: count('oom-killed'),
    errors: count('error'),
    cancelled: count('cancelled'),
  };
}

/**
 * 0 all passed (flaky ones too); 1 a cell failed, timed out or ran out of memory; 3 cells could not run
 * (environment); 130 interrupted.
 */
export function exitCodeOf(result: RunResult): number {
  const s = result.summary;
  if (s.failed || s.timedOut || s.oomKilled) return 1;
  if (s.errors) return 3;
  if (s.cancelled) return 130;
  return 0;
}
