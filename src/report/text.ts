import { explainHint } from './explain-hint.js';
import { formatDuration } from '../util/duration.js';
import { inert, inertLine } from '../util/inert.js';
import type { RunResult, RunSummary } from '../results/types.js';
import { describeFailure } from './plain.js';
import { hasSetupFailure, setupLines, type ShownSetups } from './setup.js';
import { paint, STATUS_LABEL } from './style.js';

// A finished run's results.json as text, for `vmatrix report`: the line PlainReporter prints for each
// cell as it ends, then the summary. No log tails, as the logs may be on the runners that ran the cells;
// but a failed setup's, which results.json holds.

export interface TextOptions {
  color?: boolean;
  /** Cells of the matrix that the results do not have (see cellsNotRun). */
  notRun?: string[];
}

export function formatResultsText(result: RunResult, { color = false, notRun = [] }: TextOptions = {}): string {
  const setups: ShownSetups = new Map();
  const lines = result.cells.flatMap((r) => {
    const { label, tone } = STATUS_LABEL[r.status];
    const why = r.status === 'passed' ? '' : `  ${inert(describeFailure(r))}`;
    return [
      `${paint(color, tone, label)} ${formatDuration(r.durationMs).padStart(7)}  ${inertLine(r.id)}${why}`,
      ...(hasSetupFailure(r) ? setupLines(r, color, setups) : []),
    ];
  });
  if (notRun.length > 0)
    lines.push(
      paint(
        color,
        'yellow',
        `not run: ${notRun.length} cell${notRun.length === 1 ? '' : 's'} of the matrix: ${inertLine(notRun.join(' '))}`,
      ),
    );
  const s = result.summary;
  const ok = s.passed === s.total && notRun.length === 0;
  const parts = result.mergedFrom ? ` (${result.mergedFrom.length} runs merged)` : '';
  lines.push(
    '',
    `${paint(color, ok ? 'green' : 'red', summaryLine(s))} in ${formatDuration(result.durationMs)}${parts}`,
  );
  const hint = result.mergedFrom ? undefined : explainHint(result, false);
  if (hint) lines.push(paint(color, 'dim', hint));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(s: RunSummary): string {
  const parts = [`${s.passed} passed${s.flaky ? ` (${s.flaky} flaky)` : ''}`, `${s.failed} failed`];
  if (s.timedOut) parts.push(`${s.timedOut} timed out`);
  if (s.oomKilled) parts.push(`${s.oomKilled} out of memory`);
  if (s.errors) parts.push(`${s.errors} could not run`);
  if (s.cancelled) parts.push(`${s.cancelled} cancelled`);
  return `${s.total} cell${s.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
