import { mkdtemp, readFile, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CellResult, RunResult } from '../../src/results/types.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { validateJunit } from '../helpers/junit-schema.js';
import { gitProject } from '../helpers/project.js';

// What a run leaves for CI, from a real `vmatrix test` of the busybox cells (passed, timed-out, failed) as
// GitHub Actions runs it: junit.xml beside results.json, ::error annotations, the step summary; then
// `vmatrix report --last` rebuilding the JUnit file from results.json.

let project: string;
let home: string;
let run: CliResult;
let runDir: string;
let result: RunResult;
let stepSummary: string;
const cell = (mode: string): CellResult => result.cells.find((c) => c.axes.mode === mode)!;

beforeAll(async () => {
  project = await gitProject('busybox-mix');
  const tmp = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
  home = join(tmp, 'store');
  stepSummary = join(tmp, 'step-summary.md');
  await writeFile(stepSummary, '## an earlier step\n');
  run = await runCli(['test', '--jobs', '4'], {
    cwd: project,
    env: { VMATRIX_HOME: home, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: stepSummary },
  });
  runDir = await realpath(join(project, '.vmatrix/runs/latest'));
  result = JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')) as RunResult;
}, 120_000);

describe('reports of a busybox run on GitHub Actions', () => {
  it('prints an ::error command for each failed cell, with why and the tail of its log', () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const commands = run.stdout.split('\n').filter((l) => l.startsWith('::'));
    // Workflow commands are stopped while cells' output may be echoed, and resumed for vmatrix's own.
    const token = /^::stop-commands::([0-9a-f]{32})$/.exec(commands[0] ?? '')?.[1];
    expect(commands[1]).toBe(`::${token}::`);
    const errors = commands.slice(2);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /^::error title=vmatrix%3A busybox\/mode=hang timed-out::timed out in test%0A%0A.*about to hang%0A/,
    );
    expect(errors[1]).toMatch(
      /^::error title=vmatrix%3A busybox\/mode=fail failed::step "[^"]+" exited 3%0A%0A.*failing on purpose%0A/,
    );
    expect(errors[1]).toContain(`full log: ${cell('fail').logPath}`);
  });

  it('appends the markdown summary to $GITHUB_STEP_SUMMARY', async () => {
    const md = await readFile(stepSummary, 'utf8');
    expect(md.startsWith('## an earlier step\n### vmatrix: 4 cells: 2 passed, 1 failed, 1 timed out\n')).toBe(true);
    expect(md).toContain('| busybox | 2 | 0 | 1 | 1 | 0 | 0 | 0 |');
    expect(cell('fail').step).toBeTruthy();
    expect(md).toContain(`| busybox/mode=fail | failed | test | ${cell('fail').step} | 3 |`);
    expect(md).toContain('| busybox/mode=hang | timed-out | test |');
  });

  it('writes junit.xml beside results.json, valid by the Jenkins JUnit schema', async () => {
    const check = await validateJunit(join(runDir, 'junit.xml'));
    expect(check.code, check.stderr).toBe(0);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      await readFile(join(runDir, 'junit.xml'), 'utf8'),
    );
    expect(doc.testsuites.testsuite).toMatchObject({ name: 'busybox', tests: '4', failures: '2', errors: '0' });
    const cases = doc.testsuites.testsuite.testcase as Array<Record<string, any>>;
    expect(cases.map((c) => c.name)).toEqual(result.cells.map((c) => c.id));
    expect(cases[2]!.failure['#text']).toContain('failing on purpose');
    expect(cases[1]!.failure.type).toBe('timed-out');
  });

  it('rebuilds the same junit.xml from results.json with vmatrix report --last, and prints the results as JSON (and the HTML report)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    const out = join(dir, 'rebuilt.xml');
    const r = await runCli(['report', '--last', '--junit', out, '--json', '--html', join(dir, 'r.html')], {
      cwd: project,
    });
    expect(r.code, r.stderr).toBe(1);
    expect((JSON.parse(r.stdout) as RunResult).runId).toBe(result.runId);
    expect(r.stderr).toContain(`junit: ${out}`);
    expect(await readFile(out, 'utf8')).toBe(await readFile(join(runDir, 'junit.xml'), 'utf8'));
    expect(await readFile(join(dir, 'r.html'), 'utf8')).toContain('failing on purpose');
  });

  it('without GitHub Actions prints no workflow commands; report without a file says how to name one', async () => {
    const r = await runCli(['test', '--cell', 'busybox/mode=fail'], {
      cwd: project,
      env: { VMATRIX_HOME: home, GITHUB_ACTIONS: '' },
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('busybox/mode=fail');
    expect(r.stdout).not.toContain('::error');
    const none = await runCli(['report'], { cwd: project });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('hint: vmatrix report .vmatrix/runs/<run-id>/results.json, or --last');
  });
});
