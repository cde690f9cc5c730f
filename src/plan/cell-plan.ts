import type { DistroEntry } from '../catalog/types.js';
import { substitute, type Config, type TestStep } from '../config/index.js';
import { cellEnv } from '../matrix/index.js';
import type { Cell } from '../matrix/types.js';
import type { Recipe } from '../layers/index.js';
import { cellLogFile } from '../cell/cell.js';
import { testUser, userEnv } from '../cell/user.js';
import { cellBoot, contextOf, recipeFor, type Boot } from './recipe.js';
import type { ServicePlan } from './service-plan.js';

// Everything the config decides about one cell, worked out once when the run is planned: the run's cell
// tasks, its setup layers and `vmatrix shell` read it, and none of them works it out again.

export interface CellPlan {
  readonly id: string;
  readonly slug: string;
  /** The matrix's cell: what results and events name. */
  readonly cell: Readonly<Cell>;
  /** Its place among the plan's cells (its test containers are named after it). */
  readonly index: number;
  readonly distro: Readonly<DistroEntry>;
  /** Its setup layer's recipe: placeholders replaced, package names the distro's. */
  readonly recipe: Readonly<Recipe>;
  /**
   * Why the recipe could not be worked out (a placeholder of `overrides:`, which loading does not check):
   * the cell's preparation fails with it, so that it is that cell's error, as it always was, not the run's.
   */
  readonly recipeError?: Error;
  /** The test steps' environment but VMATRIX_ATTEMPT: `env:`, the test user's login variables, the matrix's. */
  readonly env: Readonly<Record<string, string>>;
  /** `test:`, placeholders replaced. */
  readonly steps: readonly Readonly<TestStep>[];
  /** `artifacts:`, placeholders replaced. */
  readonly artifacts: readonly string[];
  /** Cell ids the test steps run as. */
  readonly user: Readonly<{ uid: number; gid: number }>;
  readonly network: Config['network'];
  /** Where the project is, and the steps' working directory. */
  readonly workdir: string;
  /** The test phase's time limit in ms (`timeout:`). */
  readonly timeoutMs?: number;
  /** Where its log goes, relative to the run's directory (`debian-12/build=Debug/log.txt`). */
  readonly logFile: string;
  /**
   * Present when the cell boots its distro's init: its include entry's `boot` wins over its distro's
   * override, which wins over the top-level `boot:`. The init's packages are then in `recipe`.
   */
  readonly boot?: Boot;
  /** The run's services, which the cell reaches by name (empty when the config has none). */
  readonly services: readonly ServicePlan[];
}

/** The key of `Plan.distros`: a distro's entry differs from arch to arch (its sources, its image). */
export function distroKey(cell: Pick<Cell, 'distro' | 'arch'>): string {
  return `${cell.distro}@${cell.arch}`;
}

/**
 * The plans of `cells`, in their order; `distros` holds the entry of each cell's distro (`distroKey`). A cell
 * that should boot a distro vmatrix cannot boot is a usage error here, for the whole run.
 */
export function planCells(
  config: Config,
  cells: readonly Cell[],
  distros: ReadonlyMap<string, DistroEntry>,
  services: readonly ServicePlan[] = [],
): readonly CellPlan[] {
  const shared = Object.freeze([...services]);
  return Object.freeze(
    cells.map((cell, index) => planCell(config, cell, distros.get(distroKey(cell))!, index, shared)),
  );
}

function planCell(
  config: Config,
  cell: Cell,
  distro: DistroEntry,
  index: number,
  services: readonly ServicePlan[],
): CellPlan {
  const boot = cellBoot(config, distro, cell);
  const ctx = contextOf(config, cell);
  const { recipe, recipeError } = tryRecipe(config, distro, cell);
  return Object.freeze({
    id: cell.id,
    slug: cell.slug,
    cell,
    index,
    distro,
    recipe: Object.freeze(recipe),
    ...(recipeError !== undefined && { recipeError }),
    env: Object.freeze({ ...recipe.env, ...userEnv(config.user), ...cellEnv(cell) }),
    steps: config.test.map((t) => ({ ...t, name: substitute(t.name, ctx), run: substitute(t.run, ctx) })),
    artifacts: config.artifacts.map((a) => substitute(a, ctx)),
    user: testUser(config.user),
    network: config.network,
    workdir: config.workdir,
    timeoutMs: config.timeout,
    logFile: cellLogFile(cell),
    ...(boot && { boot }),
    services,
  });
}

function tryRecipe(config: Config, distro: DistroEntry, cell: Cell): { recipe: Recipe; recipeError?: Error } {
  try {
    return { recipe: recipeFor(config, distro, cell) };
  } catch (e) {
    return { recipe: { packages: [], setup: [], env: {} }, recipeError: e instanceof Error ? e : new Error(String(e)) };
  }
}
