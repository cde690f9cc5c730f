import { readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cgroupPathOf } from './oci-spec.js';

// The runtime creates the cell's cgroup in every hierarchy and removes it when it exits normally. When it is
// killed (timeout, abort, kill -9 of vmatrix) the empty cgroups stay behind: we remove them, killing first any
// process still inside (there should be none: the PID namespace is gone).

/** Mount points of the cgroup v1 hierarchies and of the v2 one, from a mountinfo text. */
export function parseCgroupMounts(mountinfo: string): string[] {
  return mountinfo.split('\n').filter(Boolean).flatMap((line) => {
    const [left, right] = line.split(' - ');
    const fstype = right?.split(' ')[0];
    return fstype === 'cgroup' || fstype === 'cgroup2' ? [left!.split(' ')[4]!] : [];
  });
}

export async function cellCgroupDirs(id: string): Promise<string[]> {
  const mounts = parseCgroupMounts(await readFile('/proc/self/mountinfo', 'utf8'));
  return mounts.map((m) => join(m, cgroupPathOf(id)));
}

/** Removes the cell's cgroups; returns those that could not be removed (still busy after retries). */
export async function removeCellCgroups(id: string): Promise<string[]> {
  const left: string[] = [];
  for (const dir of await cellCgroupDirs(id)) {
    if (!(await removeCgroup(dir))) left.push(dir);
  }
  return left;
}

async function removeCgroup(dir: string): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      await rmdir(dir);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY') throw e;
    }
    await killProcsIn(dir);
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

async function killProcsIn(dir: string): Promise<void> {
  const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  for (const pid of procs.split('\n').filter(Boolean).map(Number)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}
