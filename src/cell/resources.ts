import type { Config } from '../config/types.js';
import { cgroupSupport, requireLimits, type CellResources, type CgroupLimit } from '../vps/index.js';
import { describeCeilings, setupResources, testResources, type Ceilings } from './ceilings.js';

// The cgroup limits of a run's cells. Test cells get `resources:` of vmatrix.yml under the operator's
// ceilings (ceilings.ts); setup cells get the ceilings, since a layer is shared by every cell of its recipe.

export interface RunLimits {
  test: CellResources;
  setup: CellResources;
  /** For the run's header: the ceilings, and any this host cannot apply. */
  note: string;
}

/** The limits `r` asks for explicitly (what the host must be able to apply). */
export function cellResources(r: Config['resources']): CellResources | undefined {
  const limits: CellResources = {
    ...(r.memory !== undefined && { memoryBytes: r.memory }),
    ...(r.cpus !== undefined && { cpus: r.cpus }),
    ...(r.pids !== undefined && { pids: r.pids }),
  };
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/**
 * Fails before any cell starts: exit 2 when `r` asks above a ceiling, exit 3 (naming what is missing) when the
 * host cannot apply what `r` asks. A ceiling the host cannot apply (no memory or pids controller) is left out
 * and said in the note, rather than stopping every run on such a host.
 */
export async function runLimits(r: Config['resources'], ceilings: Ceilings): Promise<RunLimits> {
  const test = testResources(r, ceilings);
  const asked = cellResources(r);
  if (asked) await requireLimits(asked);
  const { limits, rootless } = await cgroupSupport();
  const keep = (c: CellResources): CellResources => applicable(c, limits);
  const missing = (['memory', 'pids'] as const).filter((c) => !limits.includes(c));
  const note =
    describeCeilings(ceilings) +
    (rootless
      ? ' (not applied: without root, cells get no cgroup of their own; run as root for them)'
      : missing.length > 0
        ? ` (not applied: this host's cgroups have no ${missing.join(' or ')} controller; see vmatrix doctor)`
        : '');
  return { test: keep(test), setup: keep(setupResources(ceilings)), note };
}

/** `c` without the limits the host cannot apply. */
export function applicable(c: CellResources, limits: readonly CgroupLimit[]): CellResources {
  return {
    ...(c.memoryBytes !== undefined && limits.includes('memory') && { memoryBytes: c.memoryBytes }),
    ...(c.pids !== undefined && limits.includes('pids') && { pids: c.pids }),
    ...(c.cpus !== undefined && limits.includes('cpu') && { cpus: c.cpus }),
  };
}
