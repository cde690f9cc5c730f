import { writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { readPackageInventory, type CellInventory, type PackageInventory } from '../inventory/index.js';
import type { CellPlan } from '../plan/index.js';
import { cellEnvironment } from '../vps/index.js';

// Each cell's inventory.json: what its root had installed (read on the host from its image and setup layer,
// once per run for each pair: inventory/), the kernel and arch it ran on and the environment its steps got.
// `vmatrix explain` compares them between cells; a cell's result names its file.

/** The inventories read so far in a run, by the layers they were read from. */
export type InventoryMemo = Map<string, Promise<PackageInventory>>;

export interface InventoryOf {
  plan: CellPlan;
  /** The cell's read-only layers, newest first: its setup layer's diff, its image's root. */
  lowerdirs: readonly string[];
  image: string;
  layer?: string;
  /** The test steps' environment as the plan gives it (VMATRIX_ATTEMPT included). */
  env: Record<string, string>;
  /** The run's directory: the file goes beside the cell's log. */
  runDir: string;
  projectDir: string;
  memo: InventoryMemo;
}

/** Writes the cell's inventory.json and returns its path relative to the project dir. */
export async function writeInventory(o: InventoryOf): Promise<string> {
  const started = Date.now();
  const key = o.lowerdirs.join('\n');
  let packages = o.memo.get(key);
  if (!packages) {
    packages = readPackageInventory(o.lowerdirs, o.plan.distro.packageManager);
    o.memo.set(key, packages);
  }
  const { cell } = o.plan;
  const inventory: CellInventory = {
    version: 1,
    cell: cell.id,
    distro: cell.distro,
    arch: o.plan.distro.arch,
    kernel: release(),
    image: o.image,
    ...(o.layer && { layer: o.layer }),
    ...(await packages),
    requested: [...o.plan.recipe.packages],
    env: cellEnvironment(o.env),
    steps: o.plan.steps.map((s) => s.run),
    readMs: 0,
  };
  inventory.readMs = Date.now() - started;
  const file = join(o.runDir, dirname(o.plan.logFile), 'inventory.json');
  await writeFile(file, `${JSON.stringify(inventory, null, 1)}\n`);
  return relative(o.projectDir, file);
}
