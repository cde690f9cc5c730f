import type { AttemptResult, CellResult, CellStatus } from '../results/types.js';
import { isFailure, isRetryable } from '../results/index.js';

// Retries (`retries:`, `--retries`) and `--fail-fast`, as decisions on results: what runs them is pipeline/cell-task.ts
// (attempts) and pipeline/test-run.ts (the run).

/**
 * Whether a cell is run again after this attempt: only a test that failed or timed out, in a run that goes
 * on. A setup failure would fail again from its cache, an `error` is the host's, an OOM kill is the limit's.
 */
export function shouldRetry(
  result: Pick<CellResult, 'status' | 'phase'>,
  attempt: number,
  retries: number,
  stopping = false,
): boolean {
  if (stopping || attempt > retries || result.phase !== 'test') return false;
  return isRetryable(result.status);
}

/** A cell's result from its attempts: the last one's, `flaky` when that passed, with every attempt listed. */
export function combineAttempts(results: CellResult[]): CellResult {
  const last = results.at(-1)!;
  if (results.length === 1) return last;
  return {
    ...last,
    status: last.status === 'passed' ? 'flaky' : last.status,
    durationMs: results.reduce((sum, r) => sum + r.durationMs, 0),
    attempts: results.map(attemptOf),
  };
}

function attemptOf(r: CellResult, i: number): AttemptResult {
  return {
    attempt: i + 1,
    status: r.status,
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    ...(r.step !== undefined && { step: r.step }),
    ...(r.artifacts && { artifacts: r.artifacts, artifactsPath: r.artifactsPath }),
  };
}

/** The statuses that fail a run; the first of them stops a `--fail-fast` run. */
export function failsRun(status: CellStatus): boolean {
  return isFailure(status);
}

/**
 * `--fail-fast`: the first cell that fails the run (after its retries) aborts `signal`, which stops the
 * pool handing out cells and kills the running ones, as Ctrl-C does. Disabled, it only passes `outer` on.
 */
export class FailFast {
  readonly signal: AbortSignal | undefined;
  private readonly controller = new AbortController();
  /** The cell that stopped the run. */
  cause: string | undefined;

  constructor(
    private readonly enabled: boolean,
    outer?: AbortSignal,
  ) {
    this.signal = !enabled ? outer : outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
  }

  record(result: CellResult): void {
    if (!this.enabled || this.cause !== undefined || !failsRun(result.status)) return;
    this.cause = result.id;
    this.controller.abort();
  }

  /** A cancelled cell says why, when --fail-fast (and not an interrupt) stopped it. */
  explain(result: CellResult, interrupted = false): CellResult {
    if (result.status !== 'cancelled' || this.cause === undefined || interrupted) return result;
    return { ...result, message: `--fail-fast after ${this.cause} failed` };
  }
}
