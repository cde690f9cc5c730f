import { chown, copyFile, link, lstat, mkdir, readlink, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// What setup sees of the project (SAFETY 34): only the files its layer's key covers, the ones a setup
// command names and the ones `setup_inputs` matches, never the rest of the snapshot. A layer's id is then a
// hash of every project byte its build could read, so two projects share a layer only when setup saw the
// same files in both; a layer of packages and commands alone sees an empty directory and is shared by all.

/**
 * Builds at `view` a tree of the snapshot `tree`'s files `paths` (relative, as the key lists them): each
 * linked (same inode, so same owner and mode) or else copied, its directories owned as the tree's root is.
 */
export async function setupView(tree: string, paths: string[], view: string): Promise<void> {
  const root = await lstat(tree);
  const made = new Set<string>();
  const dir = async (path: string): Promise<void> => {
    if (made.has(path)) return;
    if (path !== view) await dir(dirname(path));
    await mkdir(path, { mode: 0o755 }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    await chown(path, root.uid, root.gid);
    made.add(path);
  };
  await dir(view);
  for (const rel of [...new Set(paths)].sort()) {
    const from = join(tree, rel);
    const to = join(view, rel);
    await dir(dirname(to));
    await link(from, to).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EXDEV') throw e;
      const st = await lstat(from);
      if (st.isSymbolicLink()) await symlink(await readlink(from), to);
      else await copyFile(from, to);
      await chown(to, st.uid, st.gid).catch(() => {});
    });
  }
}
