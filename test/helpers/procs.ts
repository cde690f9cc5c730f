import { readdir, readFile } from 'node:fs/promises';

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
    for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++) if (p === root) return true;
    return false;
  };
  return [...cmdline].filter(([pid, cmd]) => cmd.includes(marker) && below(pid)).map(([pid]) => pid);
}

/** Those of `pids` that still run a command line containing `marker` (a pid reused by another program is not counted). */
export async function stillRunning(pids: number[], marker: string): Promise<number[]> {
  const left: number[] = [];
  for (const pid of pids) if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(marker)) left.push(pid);
  return left;
}
