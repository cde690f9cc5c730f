import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { cgroupsOf, until } from '../helpers/procs.js';
import { gitProject } from '../helpers/project.js';

// vmatrix killed at random moments of a multi-cell run, by SIGKILL (no chance to clean up), SIGTERM and
// SIGINT: afterwards no process, mount or runtime state of it remains, and the next run sweeps the rest
// (cell dirs, cgroups) and passes. VMATRIX_KILL_TRIALS sets the number of kills (default 12).

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const TRIALS = Number(process.env.VMATRIX_KILL_TRIALS ?? 12);
const SIGNALS = ['SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGINT'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes whose command line names the store: launchers, runtimes and the cells' init. */
async function processesOf(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(marker)) found.push(`${pid}: ${cmd.replaceAll('\0', ' ')}`);
  }
  return found;
}

describe('vmatrix killed at random moments', { tags: ['safety', 'killed'] }, () => {
  it(`leaves no process, mount or runtime state, and the next run cleans up and passes (${TRIALS} kills)`, async () => {
    const project = await gitProject('churn');
    const home = join(await mkdtemp(join(tmpdir(), 'vmx-kill-')), 'store');
    const killed: number[] = [];
    const moments: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const signal = SIGNALS[trial % SIGNALS.length]!;
      const child = spawn(process.execPath, [BIN, 'test', '--jobs', '3'], {
        cwd: project,
        env: { ...process.env, VMATRIX_HOME: home, NO_COLOR: '1' },
        stdio: 'ignore',
      });
      const closed = new Promise<void>((r) => child.on('close', () => r()));
      const delay = Math.floor(Math.random() * 2500);
      await sleep(delay);
      child.kill(signal);
      await closed;
      killed.push(child.pid!);
      moments.push(`${signal} after ${delay} ms`);
      // The cells die with vmatrix (parent-death signal, PID namespaces) within moments, even after SIGKILL.
      expect(await until(() => processesOf(home), 5000), `trial ${trial}: ${signal} after ${delay} ms`).toEqual([]);
      expect(
        (await readFile('/proc/self/mountinfo', 'utf8'))
          .split('\n')
          .filter((l) => l.includes(home) || l.includes(' /run/vmatrix ')),
        `trial ${trial}`,
      ).toEqual([]);
    }

    // The next run sweeps what only a later start can remove (the dead runs' dirs and cgroups) and passes.
    const next = await runCli(['test', '--jobs', '3'], { cwd: project, env: { VMATRIX_HOME: home } });
    expect(next.code, `${moments.join(', ')}\n${next.stdout}${next.stderr}`).toBe(0);
    expect(next.stdout).toMatch(/6 cells: 6 passed/);
    expect(await readdir(join(home, 'cells'))).toEqual([]);
    expect(await cgroupsOf(killed)).toEqual([]);
    expect(await readdir(join(home, 'tmp'))).toEqual([]);
    expect(await processesOf(home)).toEqual([]);
  }, 300_000);
});
