import type { Store } from '../store/index.js';
import { sweepCells, sweepStagedCells } from '../vps/index.js';

/**
 * Removes what killed vmatrix processes left in the store, as every command that uses it does first: the
 * cgroups of the setup cells they ran in staging dirs (before the store's sweep removes those dirs, and
 * the cell markers that name the cgroups with them), then staging dirs, locks, retired layers and the dead
 * runs' cell dirs and cgroups.
 */
export async function sweepStore(store: Store): Promise<void> {
  await sweepStagedCells(store.tmpDir());
  await Promise.all([store.sweep(), sweepCells(store.cellsDir())]);
}
