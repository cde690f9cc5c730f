import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPLAINED_CELLS, HtmlReporter, readCellLogs, writeHtmlReport } from '../../../src/report/html-reporter.js';
import type { CellResult, RunResult } from '../../../src/results/types.js';
import { dispatcher } from '../../../src/report/dispatch.js';

const cell = (id: string, logPath: string): CellResult => ({
  id,
  slug: id,
  distro: id,
  axes: {},
  status: 'passed',
  exitCode: 0,
  durationMs: 1,
  phases: { image: 0, setup: 0, test: 1 },
  logPath,
});

function run(project: string, cells: CellResult[]): RunResult {
  return {
    version: 1,
    runId: 'r',
    project,
    config: 'vmatrix.yml',
    runtime: 'runc',
    startedAt: '',
    finishedAt: '',
    durationMs: 1,
    jobs: 1,
    cells,
    summary: {
      total: cells.length,
      passed: cells.length,
      failed: 0,
      timedOut: 0,
      oomKilled: 0,
      errors: 0,
      cancelled: 0,
    },
  };
}

describe('HtmlReporter', () => {
  it('keeps the tail of a long log from a line start (100 lines of 9 bytes, 50 kept: 855 left out), says what it left out, and skips a missing log', async () => {
    const project = await mkdtemp(join(tmpdir(), 'vmx-html-'));
    await writeFile(
      join(project, 'long.txt'),
      Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}`).join('\n') + '\n',
    );
    await writeFile(join(project, 'short.txt'), 'short\n');
    const logs = await readCellLogs(
      run(project, [cell('a', 'long.txt'), cell('b', 'short.txt'), cell('c', 'gone.txt')]),
      project,
      50,
    );
    expect(logs.get('a')).toBe(
      '[vmatrix: the first 855 B of this log are left out; the whole log is long.txt]\nline 095\nline 096\nline 097\nline 098\nline 099\n',
    );
    expect(logs.get('b')).toBe('short\n');
    expect(logs.has('c')).toBe(false);
  });

  it('writes report.html beside results.json at the end of a run', async () => {
    const project = await mkdtemp(join(tmpdir(), 'vmx-html-'));
    const runDir = join(project, '.vmatrix/runs/r');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'log.txt'), 'hello from the cell\n');
    const reporters = dispatcher([new HtmlReporter(project)]);
    reporters.emit({
      type: 'run-end',
      runDir,
      result: run('/elsewhere', [cell('debian-12', '.vmatrix/runs/r/log.txt')]),
    });
    await reporters.flush();
    const page = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(page).toContain('<span>hello from the cell\n</span>');
  });

  it('explains the first EXPLAINED_CELLS failed cells and points the others at vmatrix explain', async () => {
    const project = await mkdtemp(join(tmpdir(), 'vmx-html-'));
    const runDir = join(project, '.vmatrix/runs/r');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'log.txt'), '+ make check\nok\n# passed (exit 0) in 1ms\n');
    const failed = Array.from({ length: EXPLAINED_CELLS + 2 }, (_, i): CellResult => ({
      ...cell(`d/n=${i}`, '.vmatrix/runs/r/log.txt'),
      slug: `d-n-${i}`,
      distro: 'd',
      axes: { n: String(i) },
      status: 'failed',
      phase: 'test',
      exitCode: 1,
    }));
    const passed = { ...cell('d/n=ok', '.vmatrix/runs/r/log.txt'), distro: 'd', axes: { n: 'ok' } };
    const result = run(project, [passed, ...failed]);
    await writeHtmlReport(result, project, join(runDir, 'report.html'), [runDir]);
    const page = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(page.match(/<section class="explain"/g)).toHaveLength(EXPLAINED_CELLS + 2);
    expect(page.match(/compared with d\/n=ok/g)).toHaveLength(EXPLAINED_CELLS);
    expect(page).toContain(`vmatrix explain --run r d/n=${EXPLAINED_CELLS + 1} explains this one`);
  });

  it('reads a log only inside the run directories given, not through a link, and only a regular file', async () => {
    const project = await mkdtemp(join(tmpdir(), 'vmx-html-'));
    const runDir = join(project, '.vmatrix/runs/r');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(project, 'secret'), 'SECRET\n');
    await writeFile(join(runDir, 'ok.txt'), 'ok\n');
    await symlink('../../../secret', join(runDir, 'link.txt'));
    execFileSync('mkfifo', [join(runDir, 'fifo.txt')]);
    const cells = [
      cell('ok', '.vmatrix/runs/r/ok.txt'),
      cell('up', '.vmatrix/runs/r/../../../secret'),
      cell('abs', join(project, 'secret')),
      cell('link', '.vmatrix/runs/r/link.txt'),
      cell('fifo', '.vmatrix/runs/r/fifo.txt'),
    ];
    const logs = await readCellLogs(run(project, cells), project, 50, [runDir]);
    expect([...logs]).toEqual([['ok', 'ok\n']]);
  });
});
