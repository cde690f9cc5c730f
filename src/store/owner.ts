import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

// Who holds a lock or a staging dir. A pid alone is not enough: after a crash and a reboot (or a long
// time) the pid may belong to an unrelated process, so the kernel's start time of the process is recorded
// too and must match for the holder to count as alive.

export interface Owner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot), when /proc is there. */
  start?: string;
  /** Makes every record unique, so that "is this still the record I saw?" is a string comparison. */
  nonce: string;
  created: string;
}

interface ProcState {
  state: string;
  start: string;
}

async function procState(pid: number): Promise<ProcState | undefined | 'no-proc'> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: fields[19] };
  } catch (e) {
    // ESRCH: the process exited between the open and the read of its stat file; as gone as ENOENT.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') {
      return (await readFile('/proc/self/stat', 'utf8').then(
        () => true,
        () => false,
      ))
        ? undefined
        : 'no-proc';
    }
    throw e;
  }
}

export async function ownRecord(): Promise<Owner> {
  const state = await procState(process.pid);
  return {
    pid: process.pid,
    start: typeof state === 'object' ? state.start : undefined,
    nonce: randomBytes(8).toString('hex'),
    created: new Date().toISOString(),
  };
}

export function parseOwner(raw: string): Owner | undefined {
  try {
    const o = JSON.parse(raw) as Partial<Owner>;
    return Number.isInteger(o.pid) && (o.pid as number) > 0 ? (o as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `owner` is still running (a zombie counts as dead). */
export async function isAlive(owner: Owner | undefined): Promise<boolean> {
  if (!owner) return false;
  const state = await procState(owner.pid);
  if (state === 'no-proc') return signalZero(owner.pid);
  if (!state || state.state === 'Z' || state.state === 'X') return false;
  return owner.start === undefined || owner.start === state.start;
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
