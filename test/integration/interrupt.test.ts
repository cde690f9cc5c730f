import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gitProject } from '../helpers/project.js';
import { descendantsMatching, stillRunning } from '../helpers/procs.js';
import type { RunResult } from '../../src/results/types.js';

// Ctrl-C during `vmatrix test`: the first one starts no more cells and gives the running ones a grace
// period, the second kills them now; either way the results are still written, and no process, mount or
// cell directory of the run remains.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

describe('Ctrl-C during vmatrix test', () => {
  it('twice: kills the cells, writes the results, exits 130 and leaves nothing behind', async () => {
    const project = await gitProject('sleepy');
    const home = join(await mkdtemp(join(tmpdir(), 'vmx-int-')), 'store');
    const child = spawn(process.execPath, [BIN, 'test', '--jobs', '2'], {
      cwd: project,
      env: { ...process.env, VMATRIX_HOME: home, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    // Wait until both running cells have started their step.
    const deadline = Date.now() + 60_000;
    // Only this run's cells count: another test's leftovers must not decide when to press Ctrl-C.
    let mine: number[] = [];
    while ((mine = await descendantsMatching(child.pid!, 'sleep\u0000300')).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(mine).toHaveLength(2);
    const stoppedAt = Date.now();
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(code, out).toBe(130);
    expect(out).toContain('interrupted: starting no more cells');
    expect(out).toContain('stopping the running cells now');
    const results = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
    expect(results.cells.map((c) => c.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(await stillRunning(mine, 'sleep\u0000300')).toEqual([]);
    expect(await readdir(join(home, 'cells'))).toEqual([]);
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    expect(mounts).not.toContain(home);
    expect(existsSync(join(home, 'tmp'))).toBe(true);
  }, 120_000);

  it('once: lets the running cells finish within the grace period, starts no more, exits 130', async () => {
    const project = await gitProject('sleepy');
    await writeFile(
      join(project, 'vmatrix.yml'),
      'distros: [busybox]\nmatrix:\n  n: [1, 2, 3, 4]\ntest: echo started-${{ matrix.n }}; sleep 3; echo finished\n',
    );
    const home = join(await mkdtemp(join(tmpdir(), 'vmx-int-')), 'store');
    const child = spawn(process.execPath, [BIN, 'test', '--jobs', '2', '--grace', '30'], {
      cwd: project,
      env: { ...process.env, VMATRIX_HOME: home, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const deadline = Date.now() + 60_000;
    while ((await descendantsMatching(child.pid!, 'sleep\u00003\u0000')).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, out).toBe(130);
    expect(out).toContain('giving the running ones 30s to finish');
    const results = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
    expect(
      results.cells.map((c) => c.status),
      out,
    ).toEqual(['passed', 'passed', 'cancelled', 'cancelled']);
    expect(await readdir(join(home, 'cells'))).toEqual([]);
  }, 120_000);
});
