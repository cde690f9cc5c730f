import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { envError, usageError } from '../util/errors.js';
import { cellCgroupDirs } from './cgroups.js';
import { cellPaths } from './layout.js';
import type { CellMarker } from './types.js';
import { CELL_ID } from './validate.js';

// What another vmatrix process (`vmatrix ps`, `vmatrix kill`) may do to a cell it did not start: read what
// the cell's dir says about it, and kill the cell's processes through its cgroups. The vmatrix that runs
// the cell then sees its command die of SIGKILL and records and releases the cell as usual.

/** A running cell as its dir shows it: the marker, and the hostname of its spec. */
export interface CellSeen extends CellMarker {
  hostname?: string;
  /** The launcher's pid, once it started (layout.ts `launcher`). */
  launcher?: number;
}

/** The cell whose scratch dir is `dir`; undefined when there is none (not started yet, or ended). */
export async function readCellDir(dir: string): Promise<CellSeen | undefined> {
  const paths = cellPaths(dir);
  const marker = await readJson(paths.marker);
  const { id, pid, created } = (marker ?? {}) as Partial<CellMarker>;
  // The id names a cgroup path that `killCell` writes to: only a valid one counts.
  if (typeof id !== 'string' || !CELL_ID.test(id) || !Number.isInteger(pid) || typeof created !== 'string')
    return undefined;
  const spec = (await readJson(paths.config)) as { hostname?: unknown } | undefined;
  const launcher = Number(await readFile(paths.launcher, 'utf8').catch(() => ''));
  return {
    id,
    pid: pid!,
    created,
    hostname: typeof spec?.hostname === 'string' ? spec.hostname : undefined,
    ...(Number.isSafeInteger(launcher) && launcher > 1 && { launcher }),
  };
}

const ROUNDS = 50;

/**
 * SIGKILLs every process in the cell's cgroups, again until none is left (a process may fork while we
 * read the list). Returns how many processes were killed: 0 when the cell has none (yet, or any more).
 * A cell without a cgroup (rootless) is killed through its launcher (`launcher`, its pid): the launcher's
 * unshare takes the cell's PID namespace, and so every process of the cell, down with it (launcher.ts).
 */
export async function killCell(id: string, launcher?: number): Promise<number> {
  if (!CELL_ID.test(id)) throw usageError('BAD_CELL_ID', `"${id}" is not a cell's container id`);
  const dirs = await cellCgroupDirs(id);
  if (launcher !== undefined && (await processesIn(dirs)).length === 0) {
    // The pid is the cell's launcher only while its command line ends with the cell's id (the runtime's last
    // argument): a pid reused since then is left alone.
    const cmdline = await readFile(`/proc/${launcher}/cmdline`, 'utf8').catch(() => '');
    return cmdline.endsWith(`\0${id}\0`) && sigkill(launcher, id) ? 1 : 0;
  }
  const killed = new Set<number>();
  for (let round = 0; round < ROUNDS; round++) {
    const pids = await processesIn(dirs);
    if (pids.length === 0) return killed.size;
    for (const pid of pids) if (sigkill(pid, id)) killed.add(pid);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw envError(
    'CELL_KILL_FAILED',
    `cell ${id}: processes are still in its cgroups after SIGKILL: ${(await processesIn(dirs)).join(', ')}`,
    {
      hint: 'a process stuck in the kernel (state D in ps) dies once its I/O ends; try again in a moment',
    },
  );
}

/** The pids in the cgroups (every hierarchy lists the same processes under cgroup v1). */
async function processesIn(dirs: string[]): Promise<number[]> {
  const pids = new Set<number>();
  for (const dir of dirs) {
    const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (line) pids.add(Number(line));
  }
  return [...pids];
}

function sigkill(pid: number, id: string): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false; // ended between the read and the kill
    if (code === 'EPERM')
      throw envError('NOT_PERMITTED', `cell ${id}: not permitted to kill its process ${pid}`, {
        hint: 'run as root, like the vmatrix that started it',
        cause: e,
      });
    throw e;
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined; // missing, or still being written
  }
}
