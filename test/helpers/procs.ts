import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Processes below `root` (children, grandchildren, ...) whose command line contains `marker`. */
export async function descendantsMatching(root: number, marker: string): Promise<number[]> {
  const parent = new Map<number, number>();
  const cmdline = new Map<number, string>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    // The command name may hold spaces and parentheses: the parent pid is the 2nd field after the last ')'.
    parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    cmdline.set(Number(name), await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => ''));
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++)
      if (p === root) return true;
    return false;
  };
  return [...cmdline].filter(([pid, cmd]) => cmd.includes(marker) && below(pid)).map(([pid]) => pid);
}

/** Those of `pids` that still run a command line containing `marker` (a pid reused by another program is not counted). */
export async function stillRunning(pids: number[], marker: string): Promise<number[]> {
  const left: number[] = [];
  for (const pid of pids)
    if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(marker)) left.push(pid);
  return left;
}

/** Polls `check` until it finds nothing or `ms` pass; returns what it found last. */
export async function until(check: () => Promise<string[]>, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = await check();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = await check();
  }
  return left;
}

/** A cell's cgroup or container name belongs to one of these vmatrix processes (test cells and setup cells). */
export const ownsCell = (name: string, pids: number[]): boolean =>
  pids.some((p) => name.startsWith(`vmx-${p}-`) || (name.startsWith('vmx-layer-') && name.endsWith(`-${p}`)));

/** Cgroups of the cells of the vmatrix processes in `pids`, in every hierarchy. */
export async function cgroupsOf(pids: number[]): Promise<string[]> {
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .filter((l) => / - cgroup2? /.test(l))
    .map((l) => l.split(' ')[4]!);
  const left: string[] = [];
  for (const m of mounts) {
    const dirs = await readdir(join(m, 'vmatrix')).catch(() => [] as string[]);
    left.push(...dirs.filter((d) => ownsCell(d, pids)).map((d) => join(m, 'vmatrix', d)));
  }
  return left;
}
