import { randomBytes } from 'node:crypto';
import { lstat, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fsyncDir, writeFileAtomic } from '../util/fs.js';
import { removeUnlessMounted } from './remove.js';
import { liveRuns } from './runs.js';
import { runsUsing } from './usage.js';

// A rebuilt layer takes the place of the old one under the same id (`vmatrix test --rebuild`). Cells that
// are running on the old one stack their overlays on its directory, and an overlay's lower dir must not
// change under it: so the old one is not deleted but moved to retired/, with the runs that used it at that
// moment. A sweep deletes it once none of them is alive. Runs that look the id up later get the new one.

interface Retired {
  /** The id it had (the directory name under layers/). */
  id: string;
  retiredAt: string;
  /** Live runs (cells/<run>) that had recorded a use of the id when it was retired. */
  keepFor: string[];
}

/** Moves `dir` (layers/<id>) to `retiredDir`, where it stays while a run that used it is alive. */
export async function retireDir(dir: string, retiredDir: string, cellsDir: string): Promise<void> {
  const id = basename(dir);
  const name = `${id}-${randomBytes(4).toString('hex')}`;
  const record: Retired = { id, retiredAt: new Date().toISOString(), keepFor: await runsUsing(cellsDir, id) };
  // The record first and whole: a crash in between leaves a stray record, never a dir nobody accounts for.
  await writeFileAtomic(join(retiredDir, `${name}.json`), `${JSON.stringify(record)}\n`);
  await rename(dir, join(retiredDir, name));
  await fsyncDir(retiredDir);
}

/**
 * Deletes the retired dirs that no live run can be using any more, and dirs that lost their record (a
 * sweep that found the record before the dir arrived already decided); returns their paths.
 */
export async function sweepRetired(retiredDir: string, cellsDir: string): Promise<string[]> {
  const names = await readdir(retiredDir).catch(() => [] as string[]);
  const live = new Set((await liveRuns(cellsDir)).map((r) => r.id));
  const removed: string[] = [];
  for (const name of names) {
    const isRecord = name.endsWith('.json');
    // Anything else that is not a dir is a record being written (writeFileAtomic's temp file).
    if (!isRecord && !(await lstat(join(retiredDir, name)).catch(() => undefined))?.isDirectory()) continue;
    const record = isRecord ? join(retiredDir, name) : `${join(retiredDir, name)}.json`;
    if ((await readRecord(record))?.keepFor.some((run) => live.has(run))) continue;
    if (!isRecord) {
      if (!(await removeUnlessMounted(join(retiredDir, name)))) continue;
      removed.push(join(retiredDir, name));
    }
    await unlink(record).catch(() => {});
  }
  return removed;
}

async function readRecord(path: string): Promise<Retired | undefined> {
  try {
    const r = JSON.parse(await readFile(path, 'utf8')) as Partial<Retired>;
    return Array.isArray(r.keepFor) ? (r as Retired) : undefined;
  } catch {
    return undefined;
  }
}
