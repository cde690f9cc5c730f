import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { CellResult, RunResult } from '../../src/results/types.js';

// A project whose cells print what a terminal or a CI runner would act on, a 100 MB line without a
// newline, and try to forge the step loop's control channel (test/fixtures/projects/hostile-output),
// run through the real CLI with the plain reporter, --follow and the GitHub reporter at once.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const MIB = 2 ** 20;

/** Runs the CLI, sampling its peak resident memory (VmHWM) from /proc until it exits. */
function runSampled(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<CliResult & { peakKiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakKiB = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const sample = setInterval(() => {
      void readFile(`/proc/${child.pid}/status`, 'utf8').then(
        (s) => {
          peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0));
        },
        () => {},
      );
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sample);
      resolve({ code, stdout, stderr, peakKiB });
    });
  });
}

describe("a cell's output is data", { tags: ['safety', 'untrusted'] }, () => {
  let project: string;
  let run: CliResult & { peakKiB: number };
  let result: RunResult;
  const cell = (mode: string): CellResult => result.cells.find((c) => c.axes.mode === mode)!;

  beforeAll(async () => {
    const home = join(await mkdtemp(join(tmpdir(), 'vmx-out-')), 'store');
    project = await gitProject('hostile-output');
    run = await runSampled(['test', '--reporter', 'plain', '--follow', 'busybox/mode=noisy'], project, {
      VMATRIX_HOME: home,
      VMATRIX_LOG_MAX_SIZE: '1m',
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: join(project, 'summary.md'),
    });
    result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
  }, 300_000);

  it('finishes, judging each cell by its exit code', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(result.cells.map((c) => [c.id, c.status, c.exitCode])).toEqual([
      ['busybox/mode=noisy', 'failed', 1],
      ['busybox/mode=forge', 'failed', 3],
    ]);
  });

  it('shows the escape sequences the cell printed, escaped, and lets none through', () => {
    const shown = run.stdout + run.stderr;
    expect(shown).not.toContain('\u001b');
    expect(shown).not.toMatch(/[\u0007\u0080-\u009f\u202e]/);
    expect(run.stdout).toContain(
      'busybox/mode=noisy │ title \\u001b]0;owned\\u0007 clip \\u001b]52;c;cm0gLXJmIH4=\\u0007 clear \\u001b[2J\\u001b[H',
    );
    expect(run.stdout).toContain('csi8 \\u009b2J');
    expect(run.stdout).toContain('busybox/mode=noisy │ FAIL everything\\u000dPASS all good');
    expect(run.stdout).toContain('bidi \\u202edlrow\\u202c');
  });

  it('keeps 64 KiB of the 100 MB line, marked as cut, in bounded memory', () => {
    const cut = run.stdout.split('\n').find((l) => l.endsWith('… [line cut at 64 KiB]'));
    expect(cut).toBeDefined();
    expect(cut!.length).toBeLessThan(64 * 1024 + 100);
    expect(run.stdout).toContain('busybox/mode=noisy │ the end');
    // Node itself takes about 60 MB; the line, had it been kept, alone would be 100 MB (200 as a string).
    expect(run.peakKiB).toBeGreaterThan(0);
    expect(run.peakKiB).toBeLessThan(200 * 1024);
  });

  it("caps the log at VMATRIX_LOG_MAX_SIZE with a marker, and still ends it with the cell's result", async () => {
    const path = join(project, cell('noisy').logPath);
    expect((await stat(path)).size).toBeLessThan(MIB + 4096);
    const log = await readFile(path, 'latin1');
    // The log is byte-exact up to the cap: the escape sequences are there as printed.
    expect(log).toContain('clip \u001b]52;c;cm0gLXJmIH4=\u0007');
    expect(log).toContain(
      "# vmatrix: the cell's output reached 1.0 MB (VMATRIX_LOG_MAX_SIZE): the rest of it is not logged\n",
    );
    expect(log).not.toContain('the end');
    expect(log).toMatch(/# failed \(exit 1\) in [\d.]+m?s\n$/);
  });

  it('lets no line of a cell issue a GitHub workflow command', () => {
    const commands = run.stdout.split('\n').filter((l) => /^\s*::/.test(l));
    const token = /^::stop-commands::([0-9a-f]{32})$/.exec(commands[0] ?? '')?.[1];
    expect(token, commands.join('\n')).toBeDefined();
    expect(commands.slice(1).map((l) => l.split('::').slice(0, 2).join('::'))).toEqual([
      `::${token}`,
      '::error title=vmatrix%3A busybox/mode=noisy failed',
      '::error title=vmatrix%3A busybox/mode=forge failed',
    ]);
    // Before the commands resume: the cell's forged annotation is only ever shown behind a prefix.
    expect(run.stdout.slice(0, run.stdout.indexOf(`::${token}::`))).toContain(' │ ::error::forged annotation');
  });

  it('lets no step reopen the step channel through /proc: the steps are timed as they ran', async () => {
    const log = await readFile(join(project, cell('forge').logPath), 'utf8');
    expect(log).toMatch(/could not write to \/proc\/1\/fd\/\d+/);
    expect(log).not.toContain('wrote to');
    expect(cell('forge').steps).toEqual([{ name: 'hostile', exitCode: 3, durationMs: expect.any(Number) as number }]);
    expect(cell('forge').step).toBe('hostile');
  });
});

describe('names from vmatrix.yml in errors', { tags: ['safety', 'untrusted'] }, () => {
  it('are shown escaped by the command error boundary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-names-'));
    // An axis value that clears the screen and sets the title: the hint lists the cells by id.
    await writeFile(
      join(dir, 'vmatrix.yml'),
      'distros: [busybox]\nmatrix:\n  mode: ["ok\\e]0;owned\\a\\e[2J"]\ntest: "true"\n',
    );
    const r = await runSampled(['run', 'busybox', '--set', 'mode=okk', '--', 'true'], dir, {});
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: no cell of busybox has mode=okk\nhint: cells: busybox/mode=ok\\u001b]0;owned\\u0007\\u001b[2J\n',
    );
  });
});
