import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTarballCatalog } from '../fixtures/catalog.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { CellResult, RunResult } from '../../src/results/types.js';
import { hostArch } from '../../src/util/arch.js';

// A setup that fails on a real Debian 12 root says what went wrong (test/fixtures/projects/setup-failure):
// a package apt does not have is named, with the distro and a hint at `overrides:`; a failing setup
// command is named as written; both with the end of the setup log and its path, exit 1, no stack trace.

let work: string;
let project: string;
let env: Record<string, string>;

const results = async (): Promise<RunResult> =>
  JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
const noStackTrace = (run: CliResult): void => {
  expect(run.stdout + run.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  expect(run.stderr).not.toMatch(/bug in vmatrix/);
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-setupfail-'));
  env = {
    VMATRIX_HOME: join(work, 'store'),
    VMATRIX_CATALOG: await debianTarballCatalog(join(work, 'catalog'), ['12']),
  };
  project = await gitProject('setup-failure');
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

describe('a package that Debian 12 does not have', () => {
  let run: CliResult;
  let cells: CellResult[];

  beforeAll(async () => {
    run = await runCli(['test', '--reporter', 'plain'], { cwd: project, env });
    cells = (await results()).cells;
  }, 600_000);

  it('fails both cells in setup and exits 1, without a stack trace', () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    noStackTrace(run);
    expect(cells.map((c) => [c.id, c.status, c.phase, c.exitCode])).toEqual([
      ['debian-12/cc=gcc', 'failed', 'setup', 100],
      ['debian-12/cc=clang', 'failed', 'setup', 100],
    ]);
    expect(run.stdout).toContain('2 cells: 0 passed, 2 failed in');
  });

  it("names the install, the package, the distro and overrides:, then the log's end and path, once for the setup both cells share", async () => {
    const logPath = cells[0]!.setup!.logPath;
    expect(logPath).toMatch(/^\.vmatrix\/runs\/[^/]+\/setup\/debian-12-[a-z0-9]+-[0-9a-f]{8}\.log$/);
    expect(logPath).toContain(`/debian-12-${hostArch()}-`);
    expect(await readFile(join(project, logPath), 'utf8')).toContain(
      'E: Unable to locate package definitely-not-a-package-xyz',
    );
    // Both cells fail on the one layer build; whichever reports first shows the whole failure, the other points at it.
    const [first, second] =
      run.stdout.indexOf('debian-12/cc=gcc  (') < run.stdout.indexOf('debian-12/cc=clang  (')
        ? ['debian-12/cc=gcc', 'debian-12/cc=clang']
        : ['debian-12/cc=clang', 'debian-12/cc=gcc'];
    const block = run.stdout.slice(run.stdout.indexOf(`${first}  (`)).split('\n');
    expect(block[0]).toBe(`${first}  (setup step "apt-get install definitely-not-a-package-xyz" exited 100)`);
    expect(block[1]).toBe('     error: package "definitely-not-a-package-xyz" was not found on debian-12 (apt)');
    expect(block[2]).toBe(
      '     hint: its name differs on this distro? give debian-12 its own list under overrides: ' +
        '(overrides: { debian-12: { packages: [definitely-not-a-package-xyz] } })',
    );
    const end = block.indexOf(`     └ setup log: ${logPath}`);
    expect(end).toBeGreaterThan(3);
    expect(block.slice(3, end).every((l) => l.startsWith('     │ '))).toBe(true);
    expect(block.slice(3, end)).toContain('     │ E: Unable to locate package definitely-not-a-package-xyz');
    expect(run.stdout).toContain(
      `${second}  (setup step "apt-get install definitely-not-a-package-xyz" exited 100)\n     └ the same setup as ${first}: ${logPath}\n`,
    );
  });

  it("keeps it in results.json: the step, the message, the missing package, the log's path and end", () => {
    const [cell] = cells;
    expect(cell).toMatchObject({
      step: 'apt-get install definitely-not-a-package-xyz',
      message:
        'setup step "apt-get install definitely-not-a-package-xyz" exited 100: package "definitely-not-a-package-xyz" was not found on debian-12 (apt)',
      setup: {
        missingPackages: ['definitely-not-a-package-xyz'],
        error: 'package "definitely-not-a-package-xyz" was not found on debian-12 (apt)',
      },
    });
    expect(cell!.setup!.hint).toContain('overrides:');
    expect(cell!.setup!.tail).toContain('E: Unable to locate package definitely-not-a-package-xyz');
    expect(cell!.setup!.tail.length).toBeLessThanOrEqual(15);
    expect(cell!.phases.setup).toBeGreaterThan(0);
    expect(cells[1]!.setup).toEqual(cell!.setup);
  });

  it('says the same again in vmatrix report, from results.json', async () => {
    const report = await runCli(['report', '--last'], { cwd: project, env });
    expect(report.code, report.stderr).toBe(1);
    expect(report.stdout).toContain(
      '     error: package "definitely-not-a-package-xyz" was not found on debian-12 (apt)',
    );
    expect(report.stdout).toContain(`     └ setup log: ${cells[0]!.setup!.logPath}`);
  });
});

describe('a setup command that fails', () => {
  let run: CliResult;
  let cell: CellResult;

  beforeAll(async () => {
    run = await runCli(['test', '--config', 'setup-command.yml', '--reporter', 'tty'], { cwd: project, env });
    [cell] = (await results()).cells as [CellResult];
  }, 600_000);

  it('names the command as written and shows the last lines of its log in the summary, exit 1', () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    noStackTrace(run);
    expect(cell).toMatchObject({
      status: 'failed',
      phase: 'setup',
      exitCode: 127,
      step: 'false-command-xyz --flag',
      message: 'setup step "false-command-xyz --flag" exited 127',
    });
    expect(cell.setup!.error).toBeUndefined();
    const summary = run.stdout.slice(run.stdout.lastIndexOf('FAIL'));
    expect(summary).toMatch(/^FAIL +\S+ {2}debian-12 {2}\(setup step "false-command-xyz --flag" exited 127\)\n/);
    // A step's stdout and stderr reach the log through two pipes: their lines may interleave either way.
    const lines = summary.split('\n');
    for (const line of [
      '+ echo preparing the tools',
      'preparing the tools',
      '+ false-command-xyz --flag',
      '/bin/sh: 1: false-command-xyz: not found',
    ]) {
      expect(lines).toContain(`     │ ${line}`);
    }
    expect(summary).toContain(`\n     └ setup log: ${cell.setup!.logPath}\n`);
    expect(existsSync(join(project, cell.setup!.logPath))).toBe(true);
    expect(summary).toContain('1 cell: 0 passed, 1 failed');
  });

  it("vmatrix run in that cell: the same failure, the log's end and a hint, not a bug report", async () => {
    const r = await runCli(['run', '--config', 'setup-command.yml', 'debian-12', '--', 'true'], { cwd: project, env });
    expect(r.code, r.stderr).toBe(2);
    noStackTrace(r);
    expect(r.stderr).toContain('  │ /bin/sh: 1: false-command-xyz: not found\n');
    expect(r.stderr).toContain(
      'error: the setup of debian-12 failed: setup step "false-command-xyz --flag" exited 127\n',
    );
    expect(r.stderr).toMatch(/^hint: .*`vmatrix shell debian-12` where there is no vmatrix\.yml$/m);
  });
});
