import { usageError } from '../util/errors.js';
import { closest } from '../util/suggest.js';

// What `vmatrix kill NAME` means: a run id, a cell's container id, a matrix cell id (`debian-12/cc=gcc`),
// or `<run-id>/<cell id>` when the same cell runs in several runs. Exact names only: killing is not the
// place to guess, so a near miss is an error that suggests the closest name.

export interface RunLike {
  id: string;
  pid: number;
  project?: string;
}
export interface CellLike {
  run?: string;
  cell: string;
  container: string;
}

export type Target<R, C> = { kind: 'run'; run: R } | { kind: 'cell'; cell: C };

export function findTarget<R extends RunLike, C extends CellLike>(name: string, runs: R[], cells: C[]): Target<R, C> {
  const run = runs.find((r) => r.id === name);
  if (run) return { kind: 'run', run };
  const byContainer = cells.filter((c) => c.container === name);
  const byQualified = cells.filter((c) => c.run !== undefined && `${c.run}/${c.cell}` === name);
  const byLabel = cells.filter((c) => c.cell === name);
  const matches = byContainer.length ? byContainer : byQualified.length ? byQualified : byLabel;
  if (matches.length === 1) return { kind: 'cell', cell: matches[0] };
  if (matches.length > 1) {
    throw usageError(
      'AMBIGUOUS_TARGET',
      `"${name}" names ${matches.length} running cells: ${matches.map(describeCell).join(', ')}`,
      {
        hint: `name one with its run (vmatrix kill ${qualified(matches[0])}) or by its container id`,
      },
    );
  }
  throw notRunning(name, runs, cells);
}

function notRunning(name: string, runs: RunLike[], cells: CellLike[]): Error {
  if (runs.length === 0 && cells.length === 0) {
    return usageError('NOT_RUNNING', `nothing called "${name}" is running: no vmatrix run is using this store`, {
      hint: '`vmatrix ps` lists the running cells; it and `vmatrix kill` see the store of $VMATRIX_HOME',
    });
  }
  const names = [...runs.map((r) => r.id), ...cells.flatMap((c) => [c.cell, c.container, qualified(c)])];
  const guess = closest(name, names);
  return usageError('NOT_RUNNING', `no run or cell called "${name}" is running`, {
    hint: `${guess ? `did you mean ${guess}? ` : ''}running now:\n${describeRunning(runs, cells)}`,
  });
}

/** One line per run, with its cells: what an error shows when a name matches nothing. */
export function describeRunning(runs: RunLike[], cells: CellLike[]): string {
  const lines = runs.map((r) => {
    const own = cells.filter((c) => c.run === r.id);
    const where = r.project ? `, ${r.project}` : '';
    return (
      `  run ${r.id} (vmatrix pid ${r.pid}${where}): ` +
      `${own.length ? own.map((c) => `${c.cell} [${c.container}]`).join(', ') : 'no cell running'}`
    );
  });
  const orphans = cells.filter((c) => c.run === undefined || !runs.some((r) => r.id === c.run));
  return [...lines, ...orphans.map((c) => `  ${c.cell} [${c.container}]`)].join('\n');
}

function describeCell(c: CellLike): string {
  return `${c.cell} in ${c.run ? `run ${c.run}` : 'no run'} [${c.container}]`;
}

function qualified(c: CellLike): string {
  return c.run ? `${c.run}/${c.cell}` : c.container;
}
