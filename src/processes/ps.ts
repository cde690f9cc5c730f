import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { liveRuns, liveStaging, type LiveRun, type Store } from '../store/index.js';
import { readCellDir, type CellSeen } from '../vps/index.js';

// `vmatrix ps`: the cells running now in every live vmatrix process using this store. A cell runs while
// its scratch dir holds a cell marker (vps writes it before starting the runtime and removes the dir at the
// end): test cells in cells/<run>/<slug>/, setup-layer builds in a staging dir of tmp/. Runs whose vmatrix
// is dead are leftovers for the next sweep, not running.

export interface RunningRun {
  id: string;
  /** The vmatrix process. */
  pid: number;
  project?: string;
  startedAt: string;
}

export interface RunningCell {
  /** The run that started the cell; none for a setup layer built by a vmatrix with no live run dir. */
  run?: string;
  pid: number;
  project?: string;
  /** The matrix cell id (`debian-12/cc=gcc`); `setup-<distro>` for a setup layer, the distro for `vmatrix run`. */
  cell: string;
  /** The container id, which also names the cell's cgroups. */
  container: string;
  startedAt: string;
  runningMs: number;
}

export interface Running {
  runs: RunningRun[];
  cells: RunningCell[];
}

/** What `vmatrix kill` needs beyond what `ps` shows: the owner record to check again, the dir to watch. */
export interface Scan {
  runs: (RunningRun & { live: LiveRun })[];
  cells: (RunningCell & { dir: string })[];
}

export async function listRunning(store: Store, now = Date.now()): Promise<Running> {
  const scan = await scanRunning(store, now);
  return { runs: scan.runs.map(({ live: _, ...r }) => r), cells: scan.cells.map(({ dir: _, ...c }) => c) };
}

export async function scanRunning(store: Store, now = Date.now()): Promise<Scan> {
  const live = await liveRuns(store.cellsDir());
  const runs = live.map((l) => ({
    id: l.id,
    pid: l.owner.pid,
    project: l.info.project,
    startedAt: l.info.startedAt,
    live: l,
  }));
  const cells: Scan['cells'] = [];
  for (const l of live) {
    for (const { name, dir, seen } of await cellsIn(l.dir))
      cells.push({ ...rowOf(seen, now, l), cell: l.info.cells?.[name] ?? seen.hostname ?? seen.id, dir });
  }
  // A setup layer's cell runs in a staging dir; the marker's pid (that of the vmatrix running it) links it to its run.
  for (const staging of await liveStaging(store.tmpDir())) {
    const run = live.find((l) => l.owner.pid === staging.owner.pid && l.owner.start === staging.owner.start);
    for (const { dir, seen } of await cellsIn(staging.dir)) cells.push({ ...rowOf(seen, now, run), dir });
  }
  return { runs, cells: cells.sort((a, b) => a.startedAt.localeCompare(b.startedAt)) };
}

function rowOf(seen: CellSeen, now: number, run: LiveRun | undefined): RunningCell {
  return {
    run: run?.id,
    pid: run?.owner.pid ?? seen.pid,
    project: run?.info.project,
    cell: seen.hostname ?? seen.id,
    container: seen.id,
    startedAt: seen.created,
    runningMs: Math.max(0, now - Date.parse(seen.created)),
  };
}

/** The subdirs of `parent` that hold a running cell. */
async function cellsIn(parent: string): Promise<{ name: string; dir: string; seen: CellSeen }[]> {
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  const found: { name: string; dir: string; seen: CellSeen }[] = [];
  for (const { name } of entries.filter((d) => d.isDirectory())) {
    const seen = await readCellDir(join(parent, name));
    if (seen) found.push({ name, dir: join(parent, name), seen });
  }
  return found;
}
