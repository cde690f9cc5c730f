import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cgroupPathOf } from './oci-spec.js';

// The runtime creates the cell's cgroup in every hierarchy and, run with --keep, leaves it when the cell ends,
// as it does when it is killed (timeout, abort, kill -9 of vmatrix). We read the cell's OOM-kill count there,
// then remove the cgroups, killing first any process still inside (there should be none: the PID namespace
// is gone). What the host's cgroups can limit at all is cgroup-support.ts.

/** A cgroup hierarchy as mounted: v1 ones name their controllers in their options (`rw,cpu,cpuacct`). */
export interface CgroupMount {
  point: string;
  version: 1 | 2;
  options: string[];
}

export function parseCgroupMountEntries(mountinfo: string): CgroupMount[] {
  return mountinfo
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const [left, right] = line.split(' - ');
      const [fstype, , options = ''] = right?.split(' ') ?? [];
      if (fstype !== 'cgroup' && fstype !== 'cgroup2') return [];
      const version: 1 | 2 = fstype === 'cgroup' ? 1 : 2;
      return [{ point: left.split(' ')[4], version, options: options.split(',') }];
    });
}

let hostMounts: Promise<CgroupMount[]> | undefined;

/** The host's cgroup hierarchies, read once: they are mounted at boot and do not move while vmatrix runs. */
export function cgroupMounts(): Promise<CgroupMount[]> {
  hostMounts ??= readFile('/proc/self/mountinfo', 'utf8').then(parseCgroupMountEntries, (e: unknown) => {
    hostMounts = undefined;
    throw e;
  });
  return hostMounts;
}

export async function cellCgroupDirs(id: string): Promise<string[]> {
  return (await cgroupMounts()).map((m) => join(m.point, cgroupPathOf(id)));
}

/** The `oom_kill N` count of a cgroup v1 memory.oom_control or a v2 memory.events text; 0 when absent. */
export function parseOomKills(text: string): number {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * How many of the cell's processes the kernel killed for want of memory. Read from its cgroups before they are
 * removed (the runtime runs with --keep, so they outlive the container): the v1 memory hierarchy's
 * memory.oom_control, or v2's memory.events; the other hierarchies have neither file.
 */
export async function cellOomKills(id: string): Promise<number> {
  let kills = 0;
  for (const m of await cgroupMounts()) {
    // Only the memory hierarchies count: reading the file in each of a hybrid host's dozen would cost the cell
    // a millisecond or two for nothing.
    const file = m.version === 2 ? 'memory.events' : m.options.includes('memory') ? 'memory.oom_control' : undefined;
    if (!file) continue;
    const text = await readFile(join(m.point, cgroupPathOf(id), file), 'utf8').catch(() => '');
    kills = Math.max(kills, parseOomKills(text));
  }
  return kills;
}

/** Removes the cell's cgroups; returns those that could not be removed (still busy after retries). */
export async function removeCellCgroups(id: string): Promise<string[]> {
  const left: string[] = [];
  for (const dir of await cellCgroupDirs(id)) {
    if (!(await removeCgroup(dir))) left.push(dir);
  }
  return left;
}

/**
 * Removes a cgroup. A busy one may hold cgroups an init made below it (systemd's init.scope, system.slice/…):
 * those go first, depth-first; then the processes left in it are killed. A plain cell's is removed at once.
 */
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
    const children = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const c of children) if (c.isDirectory() && !(await removeCgroup(join(dir, c.name)))) return false;
    await killProcsIn(dir);
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

async function killProcsIn(dir: string): Promise<void> {
  const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  for (const pid of procs.split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
