import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { envError } from '../util/errors.js';
import { isAlive, parseOwner, type Owner } from './owner.js';
import { OWNER_SUFFIX } from './sweep.js';

// What the store says about the vmatrix processes using it, for `vmatrix ps` and `vmatrix kill`: each run's
// cells/<run>/owner (who, and whether it is still alive) and cells/<run>/run.json (what it runs), and the
// staging dirs of tmp/ with a live owner (a setup layer being built runs its cell in one).

export interface RunInfo {
  /** The project dir of a `vmatrix test`; none for `vmatrix run`. */
  project?: string;
  startedAt: string;
  /** Cell dir name (under cells/<run>/) → the name users know the cell by: its matrix cell id. */
  cells?: Record<string, string>;
}

export interface LiveRun {
  id: string;
  dir: string;
  owner: Owner;
  info: RunInfo;
}

export interface LiveStaging {
  dir: string;
  owner: Owner;
}

const RUN_INFO = 'run.json';

export async function writeRunInfo(runDir: string, info: RunInfo): Promise<void> {
  await writeFile(join(runDir, RUN_INFO), `${JSON.stringify(info)}\n`);
}

/** The runs in `cellsDir` whose vmatrix process is alive, oldest first. */
export async function liveRuns(cellsDir: string): Promise<LiveRun[]> {
  const runs: LiveRun[] = [];
  for (const id of await listDir(cellsDir)) {
    const dir = join(cellsDir, id);
    const owner = parseOwner(await readFile(join(dir, 'owner'), 'utf8').catch(() => ''));
    if (!owner || !(await isAlive(owner))) continue;
    const info = await readInfo(dir);
    runs.push({ id, dir, owner, info: info ?? { startedAt: owner.created } });
  }
  return runs.sort((a, b) => a.info.startedAt.localeCompare(b.info.startedAt));
}

/** The staging dirs of `tmpDir` whose owner is alive. */
export async function liveStaging(tmpDir: string): Promise<LiveStaging[]> {
  const found: LiveStaging[] = [];
  for (const name of (await listDir(tmpDir)).filter((n) => n.endsWith(OWNER_SUFFIX))) {
    const owner = parseOwner(await readFile(join(tmpDir, name), 'utf8').catch(() => ''));
    if (owner && (await isAlive(owner))) found.push({ dir: join(tmpDir, name.slice(0, -OWNER_SUFFIX.length)), owner });
  }
  return found;
}

/** The staging dirs of `tmpDir` whose owner is dead: what killed vmatrix processes were building. */
export async function deadStaging(tmpDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await listDir(tmpDir)).filter((n) => n.endsWith(OWNER_SUFFIX))) {
    const raw = await readFile(join(tmpDir, name), 'utf8').catch(() => undefined);
    if (raw !== undefined && !(await isAlive(parseOwner(raw))))
      found.push(join(tmpDir, name.slice(0, -OWNER_SUFFIX.length)));
  }
  return found;
}

async function readInfo(runDir: string): Promise<RunInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(join(runDir, RUN_INFO), 'utf8')) as Partial<RunInfo>;
    return typeof info.startedAt === 'string' ? (info as RunInfo) : undefined;
  } catch {
    return undefined; // written by a vmatrix that had no run.json yet, or being written right now
  }
}

/** A store that does not exist yet has nothing running; one we may not read is an error, not "nothing". */
async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'EACCES') {
      throw envError('STORE_UNREADABLE', `cannot read ${dir}: permission denied`, {
        hint: 'run as the user who owns the store (root for /var/lib/vmatrix), or set VMATRIX_HOME to yours',
        cause: e,
      });
    }
    throw e;
  }
}
