// Running host programs from the benchmarks: their output is not measured, only their time and status.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';

/** Runs a program to completion (in `o.cwd`); rejects on a non-zero exit. stdout is dropped, stderr shown. */
export function run(cmd, args, o = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], ...(o.cwd && { cwd: o.cwd }) });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}`))));
  });
}

/** A stream that drops what it is given: the stdout/stderr of a cell whose output does not matter. */
export const sink = () => new Writable({ write: (_c, _e, done) => done() });

/**
 * A stdout that notes when the lines `start` and `end` arrive: what a program printing them around its work
 * took, on the host's clock. `elapsed()` is undefined until both came; `text()` is all it was given.
 */
export function lineClock() {
  const at = {};
  let out = '';
  const stream = new Writable({
    write(chunk, _e, done) {
      const now = performance.now();
      out += chunk.toString();
      for (const line of ['start', 'end']) if (at[line] === undefined && out.includes(`${line}\n`)) at[line] = now;
      done();
    },
  });
  const elapsed = () => (at.start === undefined || at.end === undefined ? undefined : at.end - at.start);
  return { stream, elapsed, text: () => out };
}
