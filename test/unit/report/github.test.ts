import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  errorCommand,
  escapeData,
  escapeProperty,
  GithubReporter,
  markdownSummary,
} from '../../../src/report/github.js';
import type { CellResult, RunResult } from '../../../src/results/types.js';
import { dispatcher } from '../../../src/report/dispatch.js';

const cell = (id: string, status: CellResult['status'], extra: Partial<CellResult> = {}): CellResult => ({
  id,
  slug: id,
  distro: id.split('/')[0]!,
  axes: {},
  status,
  exitCode: status === 'passed' ? 0 : 1,
  durationMs: 10,
  phases: { image: 0, setup: 0, test: 10 },
  logPath: `logs/${id.replace(/\W/g, '_')}.txt`,
  ...extra,
});

const cells = [
  cell('debian-12/cc=gcc', 'passed'),
  cell('debian-12/cc=clang', 'failed', { phase: 'test', step: 'make | check', exitCode: 2 }),
  cell('busybox/cc=gcc', 'timed-out', { phase: 'test', exitCode: null, signal: 'SIGKILL' }),
  cell('busybox/cc=clang', 'flaky', {
    attempts: [
      { attempt: 1, status: 'failed', exitCode: 1, durationMs: 1 },
      { attempt: 2, status: 'passed', exitCode: 0, durationMs: 1 },
    ],
  }),
  cell('busybox/cc=tcc', 'cancelled'),
];
const result: RunResult = {
  version: 1,
  runId: 'r',
  project: '/p',
  config: 'vmatrix.yml',
  runtime: 'runc',
  startedAt: '',
  finishedAt: '',
  durationMs: 50,
  jobs: 2,
  cells,
  summary: { total: 5, passed: 2, flaky: 1, failed: 1, timedOut: 1, oomKilled: 0, errors: 0, cancelled: 1 },
};

describe('GitHub workflow commands', () => {
  it('escapes %, CR and LF in data, and also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
    expect(escapeProperty('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext%3A a%2Cb');
    // % first: an escape in the input is not taken for one of ours.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('makes one ::error line of a failed cell: title, why, the log tail, where the log is', () => {
    const line = errorCommand(cells[1]!, 'make: *** [check] Error 2\n\u001b[31mFAIL\u001b[0m');
    expect(line).toBe(
      '::error title=vmatrix%3A debian-12/cc=clang failed::step "make | check" exited 2%0A%0Amake: *** [check] Error 2%0AFAIL%0A%0Afull log: logs/debian_12_cc_clang.txt\n',
    );
    expect(line.split('\n')).toHaveLength(2);
  });

  it('summarises in markdown: counts per distro and status, then the failed cells with step and exit code', () => {
    expect(markdownSummary(result)).toBe(
      [
        '### vmatrix: 5 cells: 2 passed (1 flaky), 1 failed, 1 timed out, 1 cancelled',
        '',
        '| distro | passed | flaky | failed | timed-out | oom-killed | error | cancelled |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        '| debian-12 | 1 | 0 | 1 | 0 | 0 | 0 | 0 |',
        '| busybox | 0 | 1 | 0 | 1 | 0 | 0 | 1 |',
        '',
        '#### Failed cells',
        '',
        '| cell | status | phase | step | exit code |',
        '|---|---|---|---|---:|',
        '| debian-12/cc=clang | failed | test | make \\| check | 2 |',
        '| busybox/cc=gcc | timed-out | test |  | SIGKILL |',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints the commands at the end of the run and appends the summary to $GITHUB_STEP_SUMMARY', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-github-'));
    const summary = join(dir, 'summary.md');
    await writeFile(summary, 'earlier step\n');
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const reporter = new GithubReporter(dir, out, out, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    const run = dispatcher([reporter]);
    run.emit({ type: 'run-end', result, runDir: dir });
    await run.flush();
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(0, l.indexOf('::', 2))),
    ).toEqual([
      '::error title=vmatrix%3A debian-12/cc=clang failed',
      '::error title=vmatrix%3A busybox/cc=gcc timed-out',
    ]);
    expect(await readFile(summary, 'utf8')).toBe(`earlier step\n${markdownSummary(result)}`);
    expect(GithubReporter.enabled({ GITHUB_ACTIONS: 'true' })).toBe(true);
    expect(GithubReporter.enabled({})).toBe(false);
  });
});
