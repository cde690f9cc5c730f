import { open, rename, writeFile, rm, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsync a directory so that a rename inside it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** Writes a file so that readers see either the old content or the whole new one: temp, fsync, rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, data);
    const fd = await open(tmp, 'r+');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
    await rename(tmp, path);
    await fsyncDir(dirname(path));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function exists(path: string): Promise<boolean> {
  const { lstat } = await import('node:fs/promises');
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
