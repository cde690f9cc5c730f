import { mapPackageNames, packageManagers, type PackageManagerName } from '../catalog/index.js';
import { axisNames, effectiveSetup, overrideMatches, substitute } from '../config/index.js';
import type { SubstitutionContext } from '../config/index.js';
import type { Cell } from '../matrix/types.js';
import type { Recipe } from '../layers/build.js';
import type { Config } from '../config/types.js';
import type { DistroEntry } from '../catalog/types.js';
import { createUserStep } from '../cell/user.js';

// What a cell's strings become once its distro and axis values are substituted in, and its package
// names once they are mapped to the distro's package manager (the layer's key sees the mapped list).

export function contextOf(config: Config, cell: Cell): SubstitutionContext {
  // A cell added by include may lack an axis: its placeholders become '' as on GitHub, not an error.
  return { distro: cell.distro, arch: cell.arch, matrix: cell.axes, known: axisNames(config) };
}

function substituteEnv(env: Record<string, string>, ctx: SubstitutionContext): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(v, ctx)]));
}

/** `install_recommends: false` only where it changes what is installed, so that it rebuilds only those layers. */
function recommends(install: boolean, pm: PackageManagerName, packages: string[]): Pick<Recipe, 'installRecommends'> {
  return !install && packages.length > 0 && packageManagers[pm].noRecommends ? { installRecommends: false } : {};
}

/** The setup layer's recipe of a cell of `distro` (planCells calls it once per cell). */
export function recipeFor(config: Config, distro: DistroEntry, cell: Cell): Recipe {
  const ctx = contextOf(config, cell);
  const { packages, installRecommends, setup, env } = effectiveSetup(config, distro);
  const user = config.user === 'root' ? [] : [createUserStep(config.user)];
  const names = packages.map((p) => substitute(p, ctx)).filter(Boolean);
  // Names an override gives were written for this distro: they are used as written.
  const overridden = config.overrides.some((o) => o.packages && overrideMatches(o.pattern, distro));
  const mapped = overridden ? names : mapPackageNames(distro.packageManager, names);
  return {
    packages: mapped,
    ...recommends(installRecommends, distro.packageManager, mapped),
    setup: [...user, ...setup.map((s) => substitute(s, ctx))],
    env: substituteEnv(env, ctx),
  };
}
