import type { CellResult, SetupFailure } from '../results/types.js';
import { paint } from './style.js';
import { inert, inertLine } from '../util/inert.js';

// What a summary prints under the line of a cell whose setup failed: what went wrong and what to do when
// vmatrix could tell, the end of the setup log and where it is. Every cell of a distro shares one setup,
// so the cells after the first only point at it.

/** Setup logs already shown, each with the cell it was shown under. */
export type ShownSetups = Map<string, string>;

export function setupLines(r: CellResult & { setup: SetupFailure }, color: boolean, shown: ShownSetups): string[] {
  const s = r.setup;
  const first = shown.get(s.logPath);
  if (first !== undefined)
    return [paint(color, 'dim', `     └ the same setup as ${inertLine(first)}: ${inertLine(s.logPath)}`)];
  shown.set(s.logPath, r.id);
  return [
    ...(s.error ? [`     ${paint(color, 'red', 'error:')} ${inert(s.error)}`] : []),
    ...(s.hint ? [`     ${paint(color, 'yellow', 'hint:')} ${inert(s.hint)}`] : []),
    ...s.tail.map((line) => paint(color, 'dim', `     │ ${inertLine(line)}`)),
    paint(color, 'dim', `     └ setup log: ${inertLine(s.logPath)}`),
  ];
}

export function hasSetupFailure(r: CellResult): r is CellResult & { setup: SetupFailure } {
  return r.setup !== undefined;
}
