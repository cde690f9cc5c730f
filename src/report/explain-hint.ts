import type { RunResult } from '../results/types.js';
import { isPass, isProjectFailure } from '../results/status.js';
import { inertLine } from '../util/inert.js';

/**
 * The line a run's summary ends with when a cell failed its tests where another passed: the command that says
 * what differs between them (`vmatrix explain`), for the first such cell. None when no cell passed (nothing
 * to compare with) or the failures have no inventory (a failed setup, a run of an older vmatrix).
 */
export function explainHint(result: RunResult, latest = true): string | undefined {
  if (!result.cells.some((c) => isPass(c.status))) return undefined;
  const failed = result.cells.filter((c) => isProjectFailure(c.status) && c.phase === 'test' && c.inventory);
  if (failed.length === 0) return undefined;
  const run = latest ? '' : ` --run ${result.runId}`;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more failed cell${failed.length > 2 ? 's' : ''})` : '';
  return `what differs where it passed: vmatrix explain${run} ${shellWord(failed[0].id)}${more}`;
}

/** A cell id as one shell word: quoted when it holds anything but the characters ids are usually made of. */
function shellWord(id: string): string {
  const shown = inertLine(id);
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`;
}
