import { RESERVED_INCLUDE_KEYS } from '../config/placeholders.js';
import type { Config, Scalar } from '../config/types.js';
import { hostArch } from '../util/arch.js';
import { usageError } from '../util/errors.js';
import { closest } from '../util/suggest.js';
import { cellId, uniqueSlugs } from './cell-id.js';
import { expandStrategy, type Expanded } from './strategy.js';
import type { Cell } from './types.js';

export type MatrixConfig = Pick<Config, 'distros' | 'matrix' | 'include' | 'exclude'> & Partial<Pick<Config, 'arch'>>;

/**
 * The cells of a config: `distro` is the first axis, `arch` the second, then the matrix axes as written;
 * exclude, then include, exactly as GitHub Actions does. Identical cells (two includes adding the same one)
 * count once. `arches` are the arches of a config that names none (`--arch`; default: the host's). A cell
 * that include adds without an arch gets the first arch of the list. A cell's id names its arch only when
 * the matrix has more than one: a config without `arch:` keeps the ids it always had.
 */
export function expandMatrix(config: MatrixConfig, { arches }: { arches?: string[] } = {}): Cell[] {
  const archList = config.arch?.length ? config.arch : arches?.length ? arches : [hostArch()];
  const axes: Array<[string, Array<string | number | boolean>]> = [
    ['distro', config.distros],
    ['arch', archList],
    ...Object.entries(config.matrix),
  ];
  checkExcludeKeys(
    config,
    axes.map(([name]) => name),
  );
  // `boot` is no axis: it is taken out of each include entry before GitHub's expansion (where, being no
  // original axis, it would only have been added to the cells the entry fits) and given to those cells.
  const include = config.include.map(withoutReserved);
  const boots = config.include.map((entry, index) => includeBoot(entry, index));
  const expanded = expandStrategy({ axes, include, exclude: config.exclude });
  const combos = expanded.map((combo) => {
    const { distro, arch = archList[0], ...rest } = combo.values;
    if (distro === undefined) throw includeWithoutDistro(combo);
    const boot = combo.includes.reduce<boolean | undefined>((b, i) => boots[i] ?? b, undefined);
    return { distro, arch, rest, boot };
  });
  const named = new Set(combos.map((c) => c.arch)).size > 1;
  const seen = new Set<string>();
  const cells: Array<Omit<Cell, 'slug'>> = [];
  for (const { distro, arch, rest, boot } of combos) {
    const cellAxes = named ? { arch, ...rest } : rest;
    const id = cellId(distro, cellAxes);
    if (!seen.has(id)) cells.push({ id, distro, arch, axes: cellAxes, ...(boot !== undefined && { boot }) });
    seen.add(id);
  }
  const slugs = uniqueSlugs(cells.map((c) => c.id));
  return cells.map((c, i) => ({
    id: c.id,
    slug: slugs[i],
    distro: c.distro,
    arch: c.arch,
    axes: c.axes,
    ...(c.boot !== undefined && { boot: c.boot }),
  }));
}

function withoutReserved(entry: Record<string, Scalar>): Record<string, Scalar> {
  return Object.fromEntries(Object.entries(entry).filter(([k]) => !RESERVED_INCLUDE_KEYS.includes(k)));
}

/** An include entry's `boot`; the schema lets only true/false through a file, this guards other callers. */
function includeBoot(entry: Record<string, Scalar>, index: number): boolean | undefined {
  const boot = entry.boot;
  if (boot === undefined || typeof boot === 'boolean') return boot;
  throw usageError('CONFIG_INVALID', `include[${index}].boot: expected true/false, not ${JSON.stringify(boot)}`, {
    hint: 'boot is no axis: it says whether the cells of this entry boot their init',
  });
}

/** GitHub rejects an exclude key that is no axis: it is a typo that would silently exclude nothing. */
function checkExcludeKeys(config: MatrixConfig, axes: string[]): void {
  config.exclude.forEach((entry, index) => {
    for (const key of Object.keys(entry)) {
      if (axes.includes(key)) continue;
      const guess = closest(key, axes);
      throw usageError(
        'EXCLUDE_UNKNOWN_KEY',
        `exclude[${index}]: "${key}" is not an axis of the matrix (axes: ${axes.join(', ')})`,
        {
          hint: guess ? `did you mean "${guess}"?` : 'exclude entries name axes of the matrix, distro or arch',
        },
      );
    }
  });
}

function includeWithoutDistro(combo: Expanded): Error {
  return usageError(
    'INCLUDE_WITHOUT_DISTRO',
    `include[${combo.fromInclude}]: it matches no cell, so it makes a new one, but it names no distro`,
    {
      hint: 'add `distro: <name>` to it, or change its values so that it extends existing cells',
    },
  );
}
