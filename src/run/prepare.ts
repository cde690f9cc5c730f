import { dirname, resolve } from 'node:path';
import { forArch, loadCatalog, type Catalog } from '../catalog/index.js';
import type { DistroEntry } from '../catalog/types.js';
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { expandMatrix, filterCells } from '../matrix/index.js';
import type { Cell } from '../matrix/types.js';
import { Store } from '../store/index.js';
import { usageError } from '../util/errors.js';
import { resolveDistro } from './imported.js';

// Everything that can be decided without touching the store or the runtime: the config, the cells and
// their distros. Errors here are the user's (exit 2) and come before any slow work starts.

export interface Plan {
  config: Config;
  projectDir: string;
  cells: Cell[];
  distros: Map<string, DistroEntry>;
  catalog: Catalog;
}

export interface PlanOptions {
  /** --only patterns; none means every cell. */
  only?: string[];
  /** Imported image names (`vmatrix image import`) are looked up here when the catalog does not know them. */
  store?: Store;
  /** The images' architecture; default: the host's. */
  arch?: string;
}

export async function planRun(configPath: string, { only = [], store = Store.fromEnv(), arch }: PlanOptions = {}): Promise<Plan> {
  const config = await loadConfig(resolve(configPath));
  const catalog = forArch(await loadCatalog(), arch);
  const all = expandMatrix(config);
  const cells = only.length ? filterCells(all, only) : all;
  if (cells.length === 0) {
    throw usageError('NO_CELLS', `--only ${only.join(' ')} matches none of the ${all.length} cells`, {
      hint: '`vmatrix matrix` lists the cells; a pattern is a cell id, a glob like debian-*, or axis=value',
    });
  }
  const distros = new Map<string, DistroEntry>();
  for (const cell of cells) {
    if (!distros.has(cell.distro)) distros.set(cell.distro, await resolveDistro(catalog, store, cell.distro));
  }
  return { config, projectDir: dirname(resolve(configPath)), cells, distros, catalog };
}
