// The whole CLI on a project, for the benchmarks that time `vmatrix test` end to end: a git project written
// into a scratch dir, a store of its own (VMATRIX_HOME), and `bin/run.js test` run as a user would run it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');
const git = (dir, args) =>
  execFileSync('git', ['-c', 'user.email=bench@example.invalid', '-c', 'user.name=bench', ...args], {
    cwd: dir,
    stdio: 'ignore',
  });

/** Writes `files` (path → text) into `dir` and commits them: vmatrix copies what git tracks into the cells. */
export async function benchProject(dir, files) {
  await mkdir(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
  git(dir, ['init', '-q']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-qm', 'bench']);
  return dir;
}

/**
 * The peak of a process's resident memory, from /proc: VmHWM is the high-water mark itself, so polling it
 * misses nothing but what the process adds in its last 50 ms.
 */
function peakWatcher(pid) {
  let peak = 0;
  const read = () =>
    readFile(`/proc/${pid}/status`, 'utf8').then(
      (s) => {
        peak = Math.max(peak, Number(/^VmHWM:\s+(\d+) kB$/m.exec(s)?.[1] ?? 0));
      },
      () => {},
    );
  const timer = setInterval(read, 50);
  return { stop: () => clearInterval(timer), kib: () => peak };
}

/** Runs the CLI in `cwd` on the store `home`; rejects on a non-zero exit, with its output. */
export function vmatrix(args, { cwd, home, onSpawn }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, VMATRIX_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const watch = peakWatcher(child.pid);
    onSpawn?.(child);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      watch.stop();
      if (code === 0) resolvePromise({ peakKiB: watch.kib() });
      else reject(new Error(`vmatrix ${args.join(' ')}: exit ${code}\n${out}`));
    });
  });
}

/** `vmatrix test` on the project: the whole call's time, the run's results.json and the CLI's peak RSS. */
export async function vmatrixTest(project, home, flags = [], hooks = {}) {
  const started = performance.now();
  const { peakKiB } = await vmatrix(['test', ...flags], { cwd: project, home, ...hooks });
  const wall = performance.now() - started;
  const result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8'));
  return { wall, result, peakKiB };
}
