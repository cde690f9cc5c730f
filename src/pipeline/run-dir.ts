import { mkdir, rename, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chownTree, createNew, invokingUser, realDirs } from '../util/host-fs.js';

// Where a run's directory goes on the host. The project is not trusted (docs/safety.md, rule 29): a link it
// committed as `.vmatrix`, `.vmatrix/runs` or `.vmatrix/.gitignore` must never redirect a write of root's.

/**
 * The directory of run directories: `--output` as the operator gave it, else `.vmatrix/runs` of the
 * project, where neither `.vmatrix` nor `runs` may be a link (exit 2 naming it). `.vmatrix/.gitignore` is
 * written beside a new file and renamed over the old name, so a link there is replaced, never written through.
 */
export async function makeRunsDir(projectDir: string, output?: string): Promise<{ runsDir: string; made: string[] }> {
  if (output) {
    await mkdir(resolve(output), { recursive: true });
    return { runsDir: resolve(output), made: [] };
  }
  const made = await realDirs(projectDir, ['.vmatrix', 'runs']);
  const tmp = join(projectDir, '.vmatrix', `.gitignore.tmp-${process.pid}`);
  await rm(tmp, { force: true });
  const file = await createNew(tmp, 0o644);
  try {
    await file.writeFile('*\n');
  } finally {
    await file.close();
  }
  await rename(tmp, join(projectDir, '.vmatrix', '.gitignore'));
  return { runsDir: join(projectDir, '.vmatrix', 'runs'), made: [...made, join(projectDir, '.vmatrix', '.gitignore')] };
}

/** What vmatrix made on the host goes to whoever ran it (`sudo vmatrix test`), so they can delete it without root. */
export async function giveToInvoker(paths: string[]): Promise<void> {
  const owner = invokingUser();
  // Nothing to do when vmatrix runs as the user who invoked it.
  if (owner.uid === process.getuid?.() && owner.gid === process.getgid?.()) return;
  for (const path of paths) await chownTree(path, owner).catch(() => {});
}

/** .vmatrix/runs/latest → the newest run, replaced atomically (rename replaces a link, it never follows one). */
export async function pointLatest(runsDir: string, runId: string): Promise<void> {
  const tmp = join(runsDir, `.latest-${process.pid}`);
  await rm(tmp, { force: true });
  await symlink(runId, tmp);
  await rename(tmp, join(runsDir, 'latest'));
}
