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

/** Regular files and symlinks under `dir`, and the bytes of the files (never following symlinks). */
export async function treeStats(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = await treeStats(path);
      files += sub.files;
      bytes += sub.bytes;
    } else if (e.isFile() || e.isSymbolicLink()) {
      files++;
      if (e.isFile()) bytes += (await lstat(path)).size;
    }
  }
  return { files, bytes };
}
