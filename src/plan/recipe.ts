import { mapPackageNames, packageManagers, type PackageManagerName } from '../catalog/index.js';
import { axisNames, effectiveBoot, effectiveSetup, overrideMatches, substitute } from '../config/index.js';
import type { SubstitutionContext } from '../config/index.js';
import type { Cell } from '../matrix/types.js';
import type { Recipe } from '../layers/build.js';
import type { Config } from '../config/types.js';
import type { DistroEntry } from '../catalog/types.js';
import { createUserStep } from '../cell/user.js';
import { initOf, type InitSystem } from '../cell/init.js';
import { usageError } from '../util/errors.js';

// What a cell's strings become once its distro and axis values are substituted in, and its package
// names once they are mapped to the distro's package manager (the layer's key sees the mapped list).

export function contextOf(config: Config, cell: Cell): SubstitutionContext {
  // A cell added by include may lack an axis: its placeholders become '' as on GitHub, not an error.
  return { distro: cell.distro, arch: cell.arch, matrix: cell.axes, known: axisNames(config) };
}

function substituteEnv(env: Record<string, string>, ctx: SubstitutionContext): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(v, ctx)]));
}

/** How a cell or service that boots its init does so: the init, and how long it may take to be up. */
export interface Boot {
  readonly timeoutMs: number;
  readonly init: InitSystem;
}

/**
 * The init of a booting cell or service (`who` names it in the error), or a usage error (exit 2) when vmatrix
 * cannot boot its distro's family yet.
 */
export function bootFor(distro: DistroEntry, timeoutMs: number, who: string, hint: string): Boot {
  const init = initOf(distro);
  if (!init)
    throw usageError('BOOT_UNSUPPORTED', `${who}: boot: true: vmatrix cannot boot ${distro.family} cells yet`, {
      hint,
    });
  return Object.freeze({ timeoutMs, init });
}

/**
 * Whether a cell boots, and how: its own `boot` (from an include entry) wins over its distro's override, which
 * wins over the top-level `boot:`. Undefined when it does not boot; throws when it should and cannot.
 */
export function cellBoot(config: Config, distro: DistroEntry, cell: Cell): Boot | undefined {
  if (!(cell.boot ?? effectiveBoot(config, distro))) return undefined;
  return bootFor(
    distro,
    config.bootTimeout,
    cell.id,
    `leave boot out for ${distro.name}: \`overrides: { ${distro.name}: { boot: false } }\`, or an include entry ` +
      `with \`distro: ${distro.name}\` and \`boot: false\``,
  );
}

/** The init's packages after the mapped ones, those already there once. */
export function withInitPackages(packages: string[], boot: Boot | undefined): string[] {
  if (!boot) return packages;
  return [...packages, ...boot.init.packages.filter((p) => !packages.includes(p))];
}

/** `install_recommends: false` only where it changes what is installed, so that it rebuilds only those layers. */
export function recommends(
  install: boolean,
  pm: PackageManagerName,
  packages: string[],
): Pick<Recipe, 'installRecommends'> {
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
  const mapped = withInitPackages(
    overridden ? names : mapPackageNames(distro.packageManager, names),
    cellBoot(config, distro, cell),
  );
  return {
    packages: mapped,
    ...recommends(installRecommends, distro.packageManager, mapped),
    setup: [...user, ...setup.map((s) => substitute(s, ctx))],
    env: substituteEnv(env, ctx),
  };
}
