import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes used by the regular files under `dir` (never following symlinks), like `du -sb` without the dirs. */
export async function treeSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(path);
    else if (e.isFile()) total += (await lstat(path)).size;
  }
  return total;
}
