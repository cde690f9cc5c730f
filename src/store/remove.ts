import { chmod, lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { envError } from '../util/errors.js';

/**
 * Removes a tree. Never across a mount point: a staging dir left by a killed run may still hold a cell's
 * overlay or a bind mount of a project, and rm -r would go through it into what is mounted there.
 * Extracted roots hold read-only directories (0555 /proc): root removes them anyway, another user first
 * makes them writable, never following symlinks while doing so.
 */
export async function removeTree(path: string): Promise<void> {
  const mounted = await mountsUnder(path);
  if (mounted.length) {
    throw envError('STILL_MOUNTED', `not removing ${path}: ${mounted[0]} is mounted inside it`, {
      hint: `unmount it first: umount -R ${mounted[0]}`,
    });
  }
  try {
    await rm(path, { recursive: true, force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw e;
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

/** Mount points at or below `path`, from /proc/self/mountinfo (field 5, octal-escaped). */
export async function mountsUnder(path: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return info
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === path || p.startsWith(`${path}/`));
}

async function makeWritable(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isDirectory()) return;
  await chmod(path, 0o700);
  for (const name of await readdir(path)) await makeWritable(join(path, name));
}

/** A dir with something still mounted in it is left for a later sweep, after the cells' cleanup. */
export async function removeUnlessMounted(path: string): Promise<boolean> {
  try {
    await removeTree(path);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'STILL_MOUNTED') return false;
    throw e;
  }
}
