import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { CellResult, RunResult } from '../../src/results/types.js';

// Named steps, step timeouts, retries (VMATRIX_ATTEMPT), artifacts and --fail-fast, through the real CLI on
// busybox cells (test/fixtures/projects/steps-retries). Each run gets a fresh project: no earlier results.

let home: string;

async function runProject(args: string[]): Promise<{ project: string; run: CliResult; result: RunResult }> {
  const project = await gitProject('steps-retries');
  const run = await runCli(['test', ...args], { cwd: project, env: { VMATRIX_HOME: home } });
  const result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
  return { project, run, result };
}

beforeAll(async () => {
  home = join(await mkdtemp(join(tmpdir(), 'vmx-sr-')), 'store');
});

describe('vmatrix test: steps, retries and artifacts', () => {
  let project: string;
  let run: CliResult;
  let result: RunResult;
  const cell = (mode: string): CellResult => result.cells.find((c) => c.axes.mode === mode)!;
  const artifact = (c: CellResult, path: string, dir = c.artifactsPath!): string => join(project, dir, path);

  beforeAll(async () => {
    ({ project, run, result } = await runProject(['--jobs', '3', '--keep', 'failed']));
  }, 120_000);

  it('reports every cell with its status, a retried pass as flaky, and exits 1', () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(result.version).toBe(1);
    expect(result.cells.map((c) => [c.id, c.status])).toEqual([
      ['busybox/mode=flaky', 'flaky'],
      ['busybox/mode=slow-step', 'timed-out'],
      ['busybox/mode=exit124', 'failed'],
      ['busybox/mode=fail', 'failed'],
      ['busybox/mode=pass', 'passed'],
    ]);
    expect(result.summary).toMatchObject({ total: 5, passed: 2, flaky: 1, failed: 2, timedOut: 1 });
    expect(run.stdout).toContain('5 cells: 2 passed (1 flaky), 2 failed, 1 timed out in');
  });

  it('runs a flaky cell again in a fresh cell with VMATRIX_ATTEMPT=2 and records both attempts', async () => {
    expect(run.stdout).toMatch(
      /^\d\d:\d\d:\d\d FLAKY +[\d.]+m?s {2}busybox\/mode=flaky {2}\(passed on attempt 2; attempt 1: step "check" exited 1\)$/m,
    );
    expect(cell('flaky').attempts?.map((a) => [a.attempt, a.status, a.exitCode])).toEqual([
      [1, 'failed', 1],
      [2, 'passed', 0],
    ]);
    expect(cell('flaky').durationMs).toBe(cell('flaky').attempts!.reduce((sum, a) => sum + a.durationMs, 0));
    const log = await readFile(join(project, cell('flaky').logPath), 'utf8');
    expect(log).toContain('flaky: failing on attempt 1');
    expect(log).toContain('# attempt 2 of 2 (VMATRIX_ATTEMPT=2), in a fresh cell');
    // a fresh cell: attempt 2 does not see attempt 1's file, and each attempt's artifacts are kept apart
    expect(cell('flaky').artifacts).toEqual(['results/attempt-2.txt']);
    expect(cell('flaky').attempts![0]!.artifacts).toEqual(['results/attempt-1.txt']);
    expect(
      await readFile(
        artifact(cell('flaky'), 'results/attempt-1.txt', cell('flaky').attempts![0]!.artifactsPath),
        'utf8',
      ),
    ).toBe('attempt 1\n');
  });

  it('records each step with its name, exit code and duration', () => {
    expect(cell('pass').steps).toEqual([
      { name: 'prepare', exitCode: 0, durationMs: expect.any(Number) },
      { name: 'check', exitCode: 0, durationMs: expect.any(Number), timeoutMs: 2000 },
    ]);
    expect(cell('pass').attempts).toBeUndefined();
  });

  it('kills a step at its own timeout and names it, with the tail of the log', () => {
    const c = cell('slow-step');
    expect(c).toMatchObject({ step: 'check', exitCode: null });
    expect(c.steps![1]).toMatchObject({ name: 'check', exitCode: null, timeoutMs: 2000, timedOut: true });
    expect(c.steps![1]!.durationMs).toBeGreaterThanOrEqual(1900);
    expect(c.attempts!.every((a) => a.durationMs < 15_000)).toBe(true); // not the 50 s sleep, nor the 30 s cell timeout
    expect(run.stdout).toMatch(
      /^\d\d:\d\d:\d\d TIME .*busybox\/mode=slow-step {2}\(step "check" timed out after 2\.0s, 2 attempts\)$/m,
    );
    expect(run.stdout).toContain('│ about to hang');
    expect(run.stdout).toContain('│ # step "check" timed out after 2.0s: its cell was killed');
  });

  it('tells a step that exits 124 by itself from one that timed out', () => {
    expect(cell('exit124')).toMatchObject({ status: 'failed', exitCode: 124, step: 'check' });
    expect(cell('exit124').steps![1]).toEqual({
      name: 'check',
      exitCode: 124,
      durationMs: expect.any(Number),
      timeoutMs: 2000,
    });
    expect(run.stdout).toMatch(
      /^\d\d:\d\d:\d\d FAIL .*busybox\/mode=exit124 {2}\(step "check" exited 124, 2 attempts\)$/m,
    );
  });

  it('copies the artifacts of a failed cell, inside and outside the workdir, and only files the steps wrote', async () => {
    const c = cell('fail');
    expect(c.artifactsPath).toBe(join('.vmatrix/runs', result.runId, 'busybox/mode=fail/artifacts'));
    expect(c.artifacts).toEqual([
      'results/attempt-2.txt',
      'results/report.xml',
      'results/sub/deep.txt',
      '_root/var/log/vmx-app.log',
    ]);
    expect(await readFile(artifact(c, 'results/report.xml'), 'utf8')).toBe('<testsuite failures="1"/>\n');
    expect(await readFile(artifact(c, '_root/var/log/vmx-app.log'), 'utf8')).toBe('app\n');
    expect(c.warnings).toBeUndefined();
    // results/keep.xml is a project file no step touched; link.xml points at the cell's /etc/passwd
    for (const left of ['results/keep.xml', 'results/link.xml', 'results/committed.xml'])
      expect(existsSync(artifact(c, left))).toBe(false);
  });

  it("leaves out a deleted project file: its whiteout is in the cell's upper dir, not in the artifacts", async () => {
    const kept = cell('fail').kept!;
    const whiteout = await lstat(join(kept, 'src-upper/results/committed.xml'));
    expect(whiteout.isCharacterDevice() && whiteout.rdev === 0).toBe(true);
    expect(cell('fail').artifacts).not.toContain('results/committed.xml');
  });
});

describe('vmatrix test --fail-fast', () => {
  it('kills the running cell and cancels the queued one at the first failure, writes the results and exits 1', async () => {
    const { project, run, result } = await runProject(['--config', 'failfast.yml', '--jobs', '2', '--fail-fast']);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const why = '--fail-fast after busybox/mode=late-fail failed';
    expect(result.cells.map((c) => [c.id, c.status, c.message])).toEqual([
      ['busybox/mode=late-fail', 'failed', undefined],
      ['busybox/mode=hang', 'cancelled', why],
      ['busybox/mode=pass', 'cancelled', why],
    ]);
    const hang = result.cells[1]!;
    expect(await readFile(join(project, hang.logPath), 'utf8')).toContain('about to hang'); // it was running
    expect(hang.durationMs).toBeLessThan(15_000);
    expect(result.cells[2]!.durationMs).toBe(0); // it never started
    expect(run.stdout).toContain(`STOP     0ms  busybox/mode=pass  (cancelled: ${why})`);
    expect(run.stdout).toContain('3 cells: 0 passed, 1 failed, 2 cancelled in');
  }, 120_000);
});
