import { spawn } from 'node:child_process';
import { envError } from '../util/errors.js';
import type { Entry } from './entry.js';

export interface NodeToMake {
  path: string;
  entry: Entry;
}

/**
 * Node has no mknod(2): the coreutils program makes devices and FIFOs (a Debian root has eight). They are
 * made in one batch by one `sh`, because forking Node costs milliseconds each time; every path reaches
 * mknod as a positional parameter, never as shell code, and the script holds only type letters and numbers.
 */
export function mknodAll(nodes: NodeToMake[]): Promise<void> {
  const script = nodes.map(({ entry: e }, i) => `mknod -- "\${${i + 1}}" ${typeArgs(e)}`).join(' && ');
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script, 'sh', ...nodes.map((n) => n.path)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) =>
      reject(envError('PROGRAM_NOT_FOUND', 'sh is not installed on this host', { cause: err })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else if (code === 127)
        reject(envError('PROGRAM_NOT_FOUND', 'mknod is not installed on this host', { hint: 'install coreutils' }));
      else reject(envError('EXTRACT_FAILED', `mknod (${nodes.map((n) => n.entry.name).join(', ')}): ${stderr.trim()}`));
    });
  });
}

/** Numbers are range-checked integers (entry.ts), so the script holds nothing from the archive as text. */
function typeArgs(e: Entry): string {
  if (e.kind === 'fifo') return 'p';
  return `${e.kind === 'char' ? 'c' : 'b'} ${Math.trunc(e.devmajor)} ${Math.trunc(e.devminor)}`;
}
