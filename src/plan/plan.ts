import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileAtRef, repositoryFor } from '../source/index.js';
import { catalogDirs, eolWarning, loadCatalog, type Catalog, type ProjectCatalog } from '../catalog/index.js';
import type { DistroEntry } from '../catalog/types.js';
import { loadConfig, parseConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { expandMatrix, type Durations } from '../matrix/index.js';
import type { Cell } from '../matrix/types.js';
import { Store } from '../store/index.js';
import { usageError } from '../util/errors.js';
import { archProblem } from '../util/arch.js';
import { hashOf } from '../util/hash.js';
import { resolveDistro } from '../distro-image/resolve.js';
import { chooseCells, type SelectOptions } from './select.js';
import { distroKey, planCells, type CellPlan } from './cell-plan.js';
import { planService, type ServicePlan } from './service-plan.js';
import type { RunMatrix } from '../results/types.js';

// Everything that can be decided without touching the store or the runtime: the config, the cells and
// their distros. Errors here are the user's (exit 2) and come before any slow work starts.

export interface Plan {
  config: Config;
  projectDir: string;
  cells: Cell[];
  /** What the config decides about each of `cells`, in the same order, worked out once. */
  cellPlans: readonly CellPlan[];
  /** The config's `services:`, in the order written, each on its distro of the host's arch. */
  services: readonly ServicePlan[];
  /** Each cell's distro entry, for its arch: `distroKey(cell)` → entry. */
  distros: Map<string, DistroEntry>;
  catalog: Catalog;
  /** The cells' last known durations, when asked for and known: cells start slowest first. */
  durations?: Durations;
  /** The whole matrix and the part of it chosen (--shard), for results.json. */
  matrix?: RunMatrix;
  /** For people, about the choice of cells: `shard 2/3: 4 of 12 cells, …`. */
  note?: string;
  /** One warning per distro of the chosen cells that is past its end of life (catalog/status.ts). */
  eolWarnings?: string[];
}

/** --only, --cell, --shard and where durations come from (see select.ts). */
export interface PlanOptions extends SelectOptions {
  /** Imported image names (`vmatrix image import`) are looked up here when the catalog does not know them. */
  store?: Store;
  /**
   * `--arch`: a config with `arch:` runs only its cells of these arches; one without runs its cells on
   * these (default: the host's).
   */
  arches?: string[];
  /** The config's text, when it is not a file of the project (`--repo`): `name` appears in messages. */
  configText?: { text: string; name: string };
  /** Where results go; default: the config's directory. */
  projectDir?: string;
  /** --distro: only the cells of these distros (names or aliases). */
  distros?: string[];
  /** The operator named the config with --config (it may then be a pipe: see loadConfig). */
  configGiven?: boolean;
  /** The day support status is judged on (default: today). */
  today?: Date | string;
}

export async function planRun(
  configPath: string,
  {
    store = Store.fromEnv(),
    arches,
    configText,
    projectDir,
    distros: only,
    configGiven,
    today = new Date(),
    ...select
  }: PlanOptions = {},
): Promise<Plan> {
  const config = configText
    ? parseConfig(configText.text, configText.name)
    : await loadConfig(resolve(configPath), { given: configGiven });
  const catalog = await loadCatalog(catalogDirs(), projectCatalogOf(config, configPath, configText));
  const wanted = archFlag(arches);
  const all = expandMatrix(config, { arches: wanted });
  const dir = projectDir ?? dirname(resolve(configPath));
  let chosen = config.arch.length > 0 && wanted ? ofArches(all, wanted) : all;
  if (only?.length) chosen = await ofDistros(chosen, only, catalog, store);
  const chosenCells = await chooseCells(chosen, dir, select);
  const { durations, shard, split, note } = chosenCells;
  // An arch nobody named is the host's, except for an imported image, which is of the arch it is.
  const named = config.arch.length > 0 || wanted !== undefined;
  const entries = new Map<string, DistroEntry>();
  for (const cell of chosenCells.cells) {
    const key = distroKey(cell);
    if (!entries.has(key))
      entries.set(key, await resolveDistro(catalog, store, cell.distro, named ? cell.arch : undefined));
  }
  const distros = new Map<string, DistroEntry>();
  const cells = chosenCells.cells.map((c) => {
    const entry = entries.get(distroKey(c))!;
    const cell = entry.arch === c.arch ? c : { ...c, arch: entry.arch };
    distros.set(distroKey(cell), entry);
    return cell;
  });
  // The config's file path differs from runner to runner; what it says is what makes two runs comparable.
  const matrix: RunMatrix = {
    configHash: hashOf({ ...config, file: undefined }),
    cells: all.map((c) => c.id),
    shard,
    split,
  };
  const services: ServicePlan[] = [];
  for (const s of config.services)
    services.push(planService(config, s, await resolveDistro(catalog, store, s.distro, undefined)));
  const cellPlans = planCells(config, cells, distros, services);
  // Once per distro, however many names (aliases) the config gives it.
  const byName = new Map([...distros.values()].map((d) => [d.name, d]));
  const eolWarnings = [...byName.values()].flatMap((d) => eolWarning(d, today) ?? []);
  return {
    config,
    projectDir: dir,
    cells,
    cellPlans,
    services: Object.freeze(services),
    distros,
    catalog,
    durations,
    matrix,
    note,
    eolWarnings,
  };
}

/** `--arch` values, each checked: a run on a misspelt arch would be a run on no cell. */
function archFlag(arches: string[] | undefined): string[] | undefined {
  const list = arches
    ?.flatMap((a) => a.split(','))
    .map((a) => a.trim())
    .filter(Boolean);
  if (!list?.length) return undefined;
  for (const a of list) {
    const problem = archProblem(a);
    if (problem)
      throw usageError('UNKNOWN_ARCH', `--arch: ${problem}`, {
        hint: '`vmatrix doctor` lists the arches this host can run',
      });
  }
  return [...new Set(list)];
}

/** The cells of `arches`, for `--arch` on a config that has `arch:`. */
function ofArches(all: Cell[], arches: string[]): Cell[] {
  const has = [...new Set(all.map((c) => c.arch))];
  const missing = arches.filter((a) => !has.includes(a));
  if (missing.length > 0) {
    throw usageError(
      'NO_CELLS',
      `--arch ${missing.join(',')}: the matrix has no cell of ${missing.length === 1 ? 'that arch' : 'those arches'}`,
      {
        hint: `its arches: ${has.join(', ')} (add more under \`arch:\` in vmatrix.yml)`,
      },
    );
  }
  return all.filter((c) => arches.includes(c.arch));
}

/** The `catalog:` of a config, whose paths are relative to the config's directory (the project root). */
function projectCatalogOf(
  config: Config,
  configPath: string,
  configText?: PlanOptions['configText'],
): ProjectCatalog | undefined {
  if (config.catalog.length === 0) return undefined;
  if (configText) {
    throw usageError(
      'CATALOG_AT_REVISION',
      `${configText.name}: catalog: names files of the project, and --repo tests a commit of a repository that is ` +
        'not on disk',
      { hint: 'pass --config with a vmatrix.yml whose catalog: names files on this machine, or use $VMATRIX_CATALOG' },
    );
  }
  return { root: dirname(resolve(configPath)), paths: config.catalog };
}

/**
 * The catalog as a project sees it, for commands that take a config but plan no run (`distros`, `image
 * pull`): the project's own `catalog:` is added when the config was named or ./vmatrix.yml exists.
 */
export async function projectCatalog(configPath: string, configGiven: boolean): Promise<Catalog> {
  const path = resolve(configPath);
  const present =
    configGiven ||
    (await access(path).then(
      () => true,
      () => false,
    ));
  if (!present) return loadCatalog();
  return loadCatalog(catalogDirs(), projectCatalogOf(await loadConfig(path, { given: configGiven }), path));
}

/** Where the project's files come from: the working tree (default) or a commit of a repository. */
export interface RevisionSource {
  /** A local repository (work tree or bare clone). */
  repoDir: string;
  ref: string;
  /** As the user wrote it: the URL or path of --repo, or "this repository". */
  label: string;
}

export interface RevisionPlanOptions extends PlanOptions {
  /** --repo: a URL or path; absent: the repository of the config. */
  repo?: string;
  ref?: string;
  /** The config file, when the user named one; with --repo and none, the repository's own vmatrix.yml at the ref. */
  configPath: string;
  configGiven: boolean;
  onProgress?: (message: string) => void;
}

/**
 * A plan for a commit: `--ref` alone tests that commit of the config's repository with today's config
 * (old commits may predate it); `--repo` tests another repository, with its own vmatrix.yml at that
 * commit unless --config names one. Results go to the current directory's .vmatrix/runs.
 */
export async function planRevision(o: RevisionPlanOptions): Promise<{ plan: Plan; source: RevisionSource }> {
  const store = o.store ?? Store.fromEnv();
  const ref = o.ref ?? 'HEAD';
  if (!o.repo) {
    const plan = await planRun(o.configPath, o);
    return { plan, source: { repoDir: plan.projectDir, ref, label: 'this repository' } };
  }
  const repoDir = await repositoryFor(store, o.repo, o.onProgress);
  if (o.configGiven) {
    const plan = await planRun(o.configPath, { ...o, projectDir: process.cwd() });
    return { plan, source: { repoDir, ref, label: o.repo } };
  }
  const text = await fileAtRef(repoDir, ref, 'vmatrix.yml', o.repo);
  if (text === undefined) {
    throw usageError('CONFIG_NOT_FOUND', `${o.repo} has no vmatrix.yml at ${ref}`, {
      hint: 'pass the config to use with --config',
    });
  }
  const plan = await planRun(join(process.cwd(), 'vmatrix.yml'), {
    ...o,
    configText: { text, name: `${o.repo}@${ref}:vmatrix.yml` },
    projectDir: process.cwd(),
  });
  return { plan, source: { repoDir, ref, label: o.repo } };
}

/** The cells whose distro is one of `names` (aliases allowed on both sides: `debian-stable` is debian-12). */
async function ofDistros(all: Cell[], names: string[], catalog: Catalog, store: Store): Promise<Cell[]> {
  const arch = all[0]?.arch;
  const canonical = async (name: string) => (await resolveDistro(catalog, store, name, arch)).name;
  const wanted = new Set(await Promise.all(names.map(canonical)));
  const of = new Map(
    await Promise.all([...new Set(all.map((c) => c.distro))].map(async (d) => [d, await canonical(d)] as const)),
  );
  const cells = all.filter((c) => wanted.has(of.get(c.distro)!));
  if (cells.length === 0) {
    throw usageError(
      'NO_CELLS',
      `--distro ${names.join(' ')}: the matrix has no cell of ${names.length === 1 ? 'that distro' : 'those distros'}`,
      {
        hint: `its distros: ${[...new Set(all.map((c) => c.distro))].join(', ')}`,
      },
    );
  }
  return cells;
}
