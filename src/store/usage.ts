import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { liveRuns } from './runs.js';

// Which images and layers are used, and when they last were. `prune` removes what has not been used for
// a while and never what a live run uses. A run records the ids it stacks its cells on in
// cells/<run>/uses as soon as it knows them; the run dir's owner record says whether the run is alive.

const LAST_USED = 'last-used';
const USES = 'uses';

/** Touches <dir>/last-used. Best effort: a read-only store must not fail a run. */
export async function markUsed(dir: string): Promise<void> {
  await writeFile(join(dir, LAST_USED), `${new Date().toISOString()}\n`).catch(() => {});
}

/** When the image or layer in `dir` was last used: its last-used mark, else its creation time. */
export async function lastUsed(dir: string, created: string): Promise<Date> {
  const st = await stat(join(dir, LAST_USED)).catch(() => undefined);
  return st ? st.mtime : new Date(created);
}

/** Records image/layer ids a run is using, in its run dir. */
export async function recordUse(runDir: string, ids: string[]): Promise<void> {
  await appendFile(join(runDir, USES), ids.map((id) => `${id}\n`).join(''));
}

/** Ids used by runs whose vmatrix is alive, and how many such runs there are. */
export async function idsInUse(cellsDir: string): Promise<{ ids: Set<string>; liveRuns: number }> {
  const ids = new Set<string>();
  const runs = await liveRuns(cellsDir);
  for (const run of runs) {
    const uses = await readFile(join(run.dir, USES), 'utf8').catch(() => '');
    for (const id of uses.split('\n')) if (id) ids.add(id);
  }
  return { ids, liveRuns: runs.length };
}

/** The live runs (their ids: cells/<run>) that recorded a use of `id`. */
export async function runsUsing(cellsDir: string, id: string): Promise<string[]> {
  const users: string[] = [];
  for (const run of await liveRuns(cellsDir)) {
    const uses = await readFile(join(run.dir, USES), 'utf8').catch(() => '');
    if (uses.split('\n').includes(id)) users.push(run.id);
  }
  return users;
}
