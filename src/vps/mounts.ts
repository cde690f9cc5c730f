import { readFile, realpath } from 'node:fs/promises';
import { isInside } from './validate.js';

// Before a cell dir is removed we make sure nothing is mounted beneath it: `rm -rf` through a live overlay
// would delete files of a shared lower layer or of the host.

/** Mount points listed in a mountinfo text (field 5, with the kernel's octal escapes undone). */
export function parseMountPoints(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const field = line.split(' ')[4] ?? '';
      return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
    });
}

/** Mount points at or below `dir` in this process's mount namespace. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const real = await realpath(dir).catch(() => dir);
  const points = parseMountPoints(await readFile('/proc/self/mountinfo', 'utf8'));
  return points.filter((p) => isInside(p, real));
}
