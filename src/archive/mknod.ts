import { spawn } from 'node:child_process';
import { envError } from '../util/errors.js';
import type { Entry } from './entry.js';

/** Node has no mknod(2): the coreutils program makes devices and FIFOs (a Debian root has eight). */
export function mknod(path: string, e: Entry): Promise<void> {
  const args = e.kind === 'fifo' ? ['p'] : [e.kind === 'char' ? 'c' : 'b', String(e.devmajor), String(e.devminor)];
  return new Promise((resolve, reject) => {
    const child = spawn('mknod', ['--', path, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (err) => reject(envError('PROGRAM_NOT_FOUND', 'mknod is not installed on this host', { hint: 'install coreutils', cause: err })));
    child.on('close', (code) => code === 0 ? resolve() : reject(envError('EXTRACT_FAILED', `mknod ${e.name}: ${stderr.trim()}`)));
  });
}
