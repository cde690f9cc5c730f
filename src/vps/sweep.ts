import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { deadStaging, isAlive, parseOwner } from '../store/index.js';
import { removeCellCgroups } from './cgroups.js';
import { mountsUnder } from './mounts.js';
import type { CellMarker } from './types.js';
import { CELL_ID } from './validate.js';

// Leftovers of a vmatrix that was killed: cells/<run>/ dirs whose owner is dead, and the setup cells it ran
// in staging dirs of tmp/. Their processes and mounts died with their namespaces; what can remain is the
// dir itself and empty cgroups.
// Layout (owned by pipeline/): <cellsDir>/<run>/owner holds the pid of the vmatrix process; <run>/<cell>/ is a cell
// dir.

/** A run dir without an owner file younger than this may be one whose owner is still writing it. */
const ORPHAN_AGE_MS = 60_000;

/** Removes the dirs (and cgroups) of runs whose vmatrix process is gone; returns the removed run dirs. */
export async function sweepCells(cellsDir: string): Promise<string[]> {
  const runs = await readdir(cellsDir, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const run of runs.filter((d) => d.isDirectory())) {
    const runDir = join(cellsDir, run.name);
    if (!(await isAbandoned(runDir))) continue;
    for (const id of await cellIds(runDir)) await removeCellCgroups(id);
    // Something mounted beneath is not ours to delete through: leave the dir for a human.
    if ((await mountsUnder(runDir)).length > 0) continue;
    await rm(runDir, { recursive: true, force: true });
    removed.push(runDir);
  }
  return removed;
}

/**
 * Removes the cgroups of the cells that ran in staging dirs of `tmpDir` whose owner is gone (a setup layer's
 * cell runs in its layer's staging dir). The store's sweep removes those dirs, and their cell markers with
 * them, so this must run before it; the dirs themselves are left to it. Returns the cells' ids.
 */
export async function sweepStagedCells(tmpDir: string): Promise<string[]> {
  const released: string[] = [];
  for (const staging of await deadStaging(tmpDir)) {
    for (const id of await cellIds(staging).catch(() => [] as string[])) {
      await removeCellCgroups(id);
      released.push(id);
    }
  }
  return released;
}

async function isAbandoned(runDir: string): Promise<boolean> {
  const owner = await readFile(join(runDir, 'owner'), 'utf8').catch(() => undefined);
  if (owner === undefined) return Date.now() - (await stat(runDir)).mtimeMs > ORPHAN_AGE_MS;
  // The store's owner record (pid + start time); a bare pid is accepted too.
  const pid = Number.parseInt(owner.trim(), 10);
  const record = parseOwner(owner) ?? (Number.isInteger(pid) && pid > 0 ? { pid, nonce: '', created: '' } : undefined);
  return !(await isAlive(record));
}

async function cellIds(runDir: string): Promise<string[]> {
  const cells = await readdir(runDir, { withFileTypes: true });
  const ids: string[] = [];
  for (const cell of cells.filter((d) => d.isDirectory())) {
    const id = await readMarker(join(runDir, cell.name, 'cell.json'));
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** The cell id of a marker; undefined when unreadable or not a valid id (it names a cgroup path we rmdir). */
async function readMarker(path: string): Promise<string | undefined> {
  try {
    const { id } = JSON.parse(await readFile(path, 'utf8')) as Partial<CellMarker>;
    return typeof id === 'string' && CELL_ID.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
