import type { Config } from '../config/types.js';
import { requireLimits, type CellResources } from '../vps/index.js';

// `resources:` of vmatrix.yml become the cgroup limits of test cells only: package installs and setup
// commands are not what the project's limits are about, and a layer is shared by every cell of its recipe.

export function cellResources(r: Config['resources']): CellResources | undefined {
  const limits: CellResources = {
    ...(r.memory !== undefined && { memoryBytes: r.memory }),
    ...(r.cpus !== undefined && { cpus: r.cpus }),
    ...(r.pids !== undefined && { pids: r.pids }),
  };
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** Fails before any cell starts (exit 3, naming what is missing) when the host cannot apply the limits. */
export async function requireResources(r: Config['resources']): Promise<void> {
  const limits = cellResources(r);
  if (limits) await requireLimits(limits);
}
