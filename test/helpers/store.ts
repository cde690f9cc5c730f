import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Store } from '../../src/store/index.js';

/** Returns a function that makes a new, initialised Store under `base` at each call (s1, s2, …). */
export function storeMaker(base: string): () => Promise<Store> {
  let n = 0;
  return async () => {
    const store = new Store(join(base, `s${++n}`));
    await store.init();
    return store;
  };
}

/** The owner record (as the store writes it) of a process that has been killed with SIGKILL. */
export async function deadOwner(): Promise<string> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  return JSON.stringify({ pid: child.pid, start, nonce: 'x', created: new Date().toISOString() });
}
