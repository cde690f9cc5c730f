import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { CellResult, RunResult } from '../../src/results/types.js';

// The pipeline's behaviours on fast busybox cells: env and placeholders, a timeout, a failure, isolation.

let project: string;
let run: CliResult;
let result: RunResult;
const cell = (mode: string): CellResult => result.cells.find((c) => c.axes.mode === mode)!;

beforeAll(async () => {
  project = await gitProject('busybox-mix');
  const home = join(await mkdtemp(join(tmpdir(), 'vmx-bb-')), 'store');
  run = await runCli(['test', '--jobs', '4'], { cwd: project, env: { VMATRIX_HOME: home } });
  result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}, 120_000);

describe('vmatrix test on busybox cells', () => {
  it('exits 1 and reports each cell with its own status', () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(result.cells.map((c) => [c.id, c.status])).toEqual([
      ['busybox/mode=ok', 'passed'],
      ['busybox/mode=hang', 'timed-out'],
      ['busybox/mode=fail', 'failed'],
      ['busybox/mode=isolation', 'passed'],
    ]);
  });

  it('exports axes and substituted env, and names the host after the cell', async () => {
    const log = await readFile(join(project, cell('ok').logPath), 'utf8');
    expect(log).toContain('MODE=ok GREETING=hello-busybox cell=busybox/mode=ok host=busybox-mode-ok');
  });

  it('kills a cell at its timeout and says so, with the tail of its log', () => {
    expect(cell('hang').durationMs).toBeLessThan(20_000);
    expect(run.stdout).toMatch(/^\d\d:\d\d:\d\d TIME .*busybox\/mode=hang {2}\(timed out in test\)$/m);
    expect(run.stdout).toContain('│ about to hang');
  });

  it("reports a failing step's exit code and output", async () => {
    expect(cell('fail')).toMatchObject({ exitCode: 3, phase: 'test' });
    expect(await readFile(join(project, cell('fail').logPath), 'utf8')).toContain('failing on purpose');
  });

  it('keeps what a cell writes inside the cell', () => {
    expect(existsSync(join(project, 'written-by-cell'))).toBe(false);
    expect(existsSync('/etc/written-by-cell')).toBe(false);
  });
});
