import { spawn, type SpawnOptions } from 'node:child_process';
import { envError } from './errors.js';

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a host program to completion and collects its output. Never throws for a non-zero exit. */
export function execCapture(
  cmd: string,
  args: string[],
  options: SpawnOptions & { input?: string } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? envError('PROGRAM_NOT_FOUND', `${cmd} is not installed on this host`, {
              hint: 'run `vmatrix doctor` to see what is missing and how to install it',
              cause: e,
            })
          : e,
      );
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A program that exits without reading its stdin makes this write fail with EPIPE; its exit status is what counts.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs a host program and throws an environment error carrying its stderr when it fails. */
export async function execOrThrow(
  cmd: string,
  args: string[],
  options: SpawnOptions & { input?: string } = {},
): Promise<string> {
  const r = await execCapture(cmd, args, options);
  if (r.code !== 0) {
    throw envError(
      'COMMAND_FAILED',
      `${cmd} ${args.join(' ')} failed (${r.signal ?? `exit ${r.code}`}): ` +
        `${r.stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  }
  return r.stdout;
}

/** The absolute path of a program on PATH, or undefined. */
export async function which(program: string): Promise<string | undefined> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, program);
    try {
      await fs.access(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* not in this directory */
    }
  }
  return undefined;
}
