import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseJunitCases, writeJunit } from '../../../src/report/junit-files.js';
import type { CellResult, RunResult } from '../../../src/results/types.js';
import { validateJunit } from '../../helpers/junit-schema.js';

const cell = (id: string, status: CellResult['status'], extra: Partial<CellResult> = {}): CellResult => ({
  id,
  slug: id.replace(/[/=]/g, '-'),
  distro: id.split('/')[0]!,
  axes: {},
  status,
  exitCode: status === 'passed' ? 0 : 1,
  durationMs: 1500,
  phases: { image: 0, setup: 0, test: 1500 },
  logPath: `run/${id.replace(/[/=]/g, '-')}/log.txt`,
  ...extra,
});

const PROJECT_JUNIT = `<?xml version="1.0"?>
<testsuites><testsuite name="outer">
  <testcase classname="math.Add" name="adds" time="0.25"/>
  <testsuite name="inner">
    <testcase name="divides"><failure message="expected 2" type="AssertionError">at div.c:3</failure><system-out>dividing</system-out></testcase>
    <testcase classname="math.Sub" name="later"><skipped message="not yet"/></testcase>
  </testsuite>
</testsuite></testsuites>`;

const cells: CellResult[] = [
  cell('debian-12/m=ok', 'passed', {
    artifacts: ['build/junit.xml', 'build/other.xml', 'build/notes.txt'],
    artifactsPath: 'run/debian-12-m-ok/artifacts',
  }),
  cell('debian-12/m=flaky', 'flaky', {
    attempts: [
      { attempt: 1, status: 'failed', exitCode: 1, durationMs: 10 },
      { attempt: 2, status: 'passed', exitCode: 0, durationMs: 10 },
    ],
  }),
  cell('debian-12/m=fail', 'failed', {
    phase: 'test',
    step: 'make check',
    steps: [{ name: 'make check', exitCode: 2, durationMs: 1 }],
    exitCode: 2,
  }),
  cell('debian-12/m=oom', 'oom-killed', { phase: 'test', exitCode: 137 }),
  cell('busybox/m=hang', 'timed-out', { phase: 'test', exitCode: null }),
  cell('busybox/m=err', 'error', { phase: 'image', message: 'image fetch failed' }),
  cell('busybox/m=stop', 'cancelled', { message: '--fail-fast after debian-12/m=fail failed' }),
];

const result: RunResult = {
  version: 1,
  runId: 'r1',
  project: '/nowhere',
  config: 'vmatrix.yml',
  runtime: 'runc',
  startedAt: '2026-11-26T01:00:00.123Z',
  finishedAt: '2026-11-26T01:00:09.000Z',
  durationMs: 9000,
  jobs: 2,
  cells,
  summary: { total: 7, passed: 2, flaky: 1, failed: 1, timedOut: 1, oomKilled: 1, errors: 1, cancelled: 1 },
};

async function projectWithFiles(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-junit-'));
  for (const c of cells) {
    await mkdir(join(dir, c.logPath, '..'), { recursive: true });
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`);
    await writeFile(join(dir, c.logPath), `${lines.join('\n')}\n\u001b[31mred <b> & "q"\u001b[0m bell\u0007 end\n`);
  }
  await mkdir(join(dir, 'run/debian-12-m-ok/artifacts/build'), { recursive: true });
  await writeFile(join(dir, 'run/debian-12-m-ok/artifacts/build/junit.xml'), PROJECT_JUNIT);
  await writeFile(join(dir, 'run/debian-12-m-ok/artifacts/build/other.xml'), '<config><x/></config>');
  return dir;
}

const parse = (xml: string): any =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => ['testsuite', 'testcase'].includes(n),
  }).parse(xml);

describe('junit.xml', () => {
  it("has a suite per distro, a case per cell with its status, the project's own cases, and is valid by the Jenkins schema", async () => {
    const dir = await projectWithFiles();
    const file = join(dir, 'junit.xml');
    await writeJunit(file, result, dir);
    const check = await validateJunit(file);
    expect(check.stderr).toContain('validates');
    expect(check.code).toBe(0);

    const xml = await readFile(file, 'utf8');
    const doc = parse(xml).testsuites;
    expect(doc).toMatchObject({ name: 'vmatrix', tests: '10', failures: '4', errors: '1', time: '9.000' });
    const [debian, busybox] = doc.testsuite;
    expect(debian).toMatchObject({
      name: 'debian-12',
      tests: '7',
      failures: '3',
      errors: '0',
      skipped: '1',
      time: '6.000',
      timestamp: '2026-11-26T01:00:00',
    });
    expect(busybox).toMatchObject({ name: 'busybox', tests: '3', failures: '1', errors: '1', skipped: '1' });
    const byName = new Map<string, any>(
      [...debian.testcase, ...busybox.testcase].map((c: any) => [`${c.classname} ${c.name}`, c]),
    );
    expect(byName.get('debian-12 debian-12/m=ok')).toEqual({
      classname: 'debian-12',
      name: 'debian-12/m=ok',
      time: '1.500',
    });
    expect(byName.get('debian-12 debian-12/m=flaky')['system-out']).toBe(
      'flaky: passed on attempt 2; attempt 1: test exited 1',
    );
    const failed = byName.get('debian-12 debian-12/m=fail').failure;
    expect(failed).toMatchObject({ message: 'step "make check" exited 2', type: 'failed' });
    // The tail of the log (50 lines), colour codes gone, a control character replaced, markup escaped.
    expect(failed['#text']).toMatch(/^line 12\n/);
    expect(failed['#text']).toMatch(/red <b> & "q" bell\uFFFD end$/);
    expect(byName.get('debian-12 debian-12/m=oom').failure.type).toBe('oom-killed');
    expect(byName.get('busybox busybox/m=hang').failure).toMatchObject({
      type: 'timed-out',
      message: 'timed out in test',
    });
    expect(byName.get('busybox busybox/m=err').error).toMatchObject({ type: 'error', message: 'image fetch failed' });
    expect(byName.get('busybox busybox/m=stop')).toMatchObject({
      skipped: '',
      'system-out': 'cancelled: --fail-fast after debian-12/m=fail failed',
    });
    // The project's own cases, classname prefixed with the cell; the non-JUnit xml brought none.
    expect(byName.get('debian-12/m=ok/math.Add adds')).toEqual({
      classname: 'debian-12/m=ok/math.Add',
      name: 'adds',
      time: '0.25',
    });
    expect(byName.get('debian-12/m=ok/inner divides')).toMatchObject({
      failure: { message: 'expected 2', type: 'AssertionError', '#text': 'at div.c:3' },
      'system-out': 'dividing',
    });
    expect(byName.get('debian-12/m=ok/math.Sub later')).toMatchObject({ skipped: 'not yet' }); // the schema's <skipped> has no attributes
    expect(byName.size).toBe(10);
  });

  it('says where the log was when it cannot be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-junit-'));
    await writeJunit(join(dir, 'junit.xml'), { ...result, cells: [cells[2]!] }, dir);
    const doc = parse(await readFile(join(dir, 'junit.xml'), 'utf8'));
    expect(doc.testsuites.testsuite[0].testcase[0].failure['#text']).toBe(
      '(no log: run/debian-12-m-fail/log.txt is not readable here)',
    );
  });

  it('is checked for real: the schema rejects a file that breaks it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-junit-'));
    const bad = join(dir, 'bad.xml');
    // A testcase without its required name, and a failure before the skipped element the schema wants first.
    await writeFile(
      bad,
      '<testsuites><testsuite name="x" tests="1"><testcase classname="c"><failure/><skipped/></testcase></testsuite></testsuites>',
    );
    const check = await validateJunit(bad);
    expect(check.code).not.toBe(0);
    expect(check.stderr).toContain('fails to validate');
  });

  it('reads no cases from a file that is not JUnit or not XML', () => {
    expect(parseJunitCases('<config/>')).toEqual([]);
    expect(parseJunitCases('not < xml &')).toEqual([]);
    expect(parseJunitCases('<testsuite name="s"><testcase name="a"/></testsuite>')).toMatchObject([
      { classname: 's', name: 'a', errors: [], failures: [] },
    ]);
  });
});
