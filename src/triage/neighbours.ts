import { isPass } from '../results/status.js';
import type { CellResult } from '../results/types.js';
import type { Relation } from './types.js';

// Which passing cells a failing one is compared with: the same configuration on other distros (those of the same
// arch first), then the same distro with other axis values (the fewest values apart first), a few of each.

/** At most this many compared cells of each relation. */
export const PER_RELATION = 2;

function archOf(cell: CellResult): string | undefined {
  return cell.arch ?? cell.axes.arch;
}

/** The axes but `arch`, which the cell's arch says. */
function configuration(cell: CellResult): Record<string, string> {
  return Object.fromEntries(Object.entries(cell.axes).filter(([k]) => k !== 'arch'));
}

/** How many axis values (arch among them) differ between two cells. */
export function axesApart(a: CellResult, b: CellResult): number {
  const ca = configuration(a);
  const cb = configuration(b);
  const names = new Set([...Object.keys(ca), ...Object.keys(cb)]);
  let apart = [...names].filter((n) => ca[n] !== cb[n]).length;
  if (archOf(a) !== archOf(b)) apart++;
  return apart;
}

function sameConfiguration(a: CellResult, b: CellResult): boolean {
  const ca = configuration(a);
  const cb = configuration(b);
  const names = new Set([...Object.keys(ca), ...Object.keys(cb)]);
  return [...names].every((n) => ca[n] === cb[n]);
}

export interface Neighbour {
  cell: CellResult;
  relation: Relation;
}

/** The nearest passing cells of `failing` among `cells` (in matrix order), and why a relation has none. */
export function nearestPassing(
  failing: CellResult,
  cells: readonly CellResult[],
  perRelation = PER_RELATION,
): { neighbours: Neighbour[]; notes: string[] } {
  const order = new Map(cells.map((c, i) => [c.id, i]));
  const passing = cells.filter((c) => c.id !== failing.id && isPass(c.status));
  const otherDistro = passing
    .filter((c) => c.distro !== failing.distro && sameConfiguration(c, failing))
    .map((c) => ({ c, key: [archOf(c) === archOf(failing) ? 0 : 1, order.get(c.id)!] }));
  const otherConfiguration = passing
    .filter((c) => c.distro === failing.distro)
    .map((c) => ({ c, key: [axesApart(c, failing), order.get(c.id)!] }));
  const pick = (list: Array<{ c: CellResult; key: number[] }>): CellResult[] =>
    list
      .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1])
      .slice(0, perRelation)
      .map((x) => x.c);
  const neighbours: Neighbour[] = [
    ...pick(otherDistro).map((cell) => ({ cell, relation: 'other distro' as const })),
    ...pick(otherConfiguration).map((cell) => ({ cell, relation: 'other configuration' as const })),
  ];
  const notes: string[] = [];
  if (passing.length === 0) notes.push('no cell of the run passed: there is nothing to compare with');
  else {
    if (otherDistro.length === 0) notes.push('no other distro passed with the same configuration');
    if (otherConfiguration.length === 0) notes.push(`no other configuration passed on ${failing.distro}`);
  }
  return { neighbours, notes };
}
