import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';

// The launcher's child is the init of the cell's PID namespace. The kernel marks that init a zombie only
// after every process of its namespace has exited, so "init gone or zombie" means "cell gone".

/** A process, by pid and start time: a pid alone may be recycled. */
export interface ProcessRef {
  pid: number;
  start: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** State and start time from /proc/<pid>/stat, or undefined when the process no longer exists. */
export async function procStat(pid: number): Promise<{ state: string; start: string } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], start: fields[19] };
}

/** The child of the launcher (unshare forks it at once); waits briefly for the fork. */
export async function findNamespaceInit(launcher: ChildProcess): Promise<ProcessRef | undefined> {
  const pid = launcher.pid;
  for (let attempt = 0; pid !== undefined && attempt < 100; attempt++) {
    if (launcher.exitCode !== null || launcher.signalCode !== null) return undefined;
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    const init = Number(children.split(' ')[0]);
    const stat = init > 0 ? await procStat(init) : undefined;
    if (stat) return { pid: init, start: stat.start };
    await sleep(10);
  }
  return undefined;
}

/** Resolves when the namespace whose init is `init` has no process left (bounded: 10 s). */
export async function namespaceGone(init: ProcessRef): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const stat = await procStat(init.pid);
    if (!stat || stat.start !== init.start || stat.state === 'Z') return;
    await sleep(10);
  }
}
