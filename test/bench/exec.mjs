// Running host programs from the benchmarks: their output is not measured, only their time and status.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';

/** Runs a program to completion; rejects on a non-zero exit. stdout is dropped, stderr shown. */
export function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}`))));
  });
}

/** A stream that drops what it is given: the stdout/stderr of a cell whose output does not matter. */
export const sink = () => new Writable({ write: (_c, _e, done) => done() });
