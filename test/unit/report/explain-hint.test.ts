import { describe, expect, it } from 'vitest';
import { explainHint } from '../../../src/report/explain-hint.js';
import { formatResultsText } from '../../../src/report/text.js';
import type { CellResult, RunResult } from '../../../src/results/types.js';

// The line a run's summary ends with when `vmatrix explain` has something to compare.

function cell(id: string, status: CellResult['status'], more: Partial<CellResult> = {}): CellResult {
  return {
    id,
    slug: id.replace(/[^a-z0-9]+/gi, '-'),
    distro: id.split('/')[0],
    axes: {},
    status,
    exitCode: status === 'passed' ? 0 : 1,
    durationMs: 10,
    phases: { image: 0, setup: 0, test: 10 },
    logPath: `${id}/log.txt`,
    inventory: `${id}/inventory.json`,
    ...(status === 'passed' ? {} : { phase: 'test' as const }),
    ...more,
  };
}

function run(cells: CellResult[]): RunResult {
  const failed = cells.filter((c) => c.status !== 'passed').length;
  return {
    version: 1,
    runId: '20261205-101500-ab12',
    project: '/p',
    config: 'vmatrix.yml',
    runtime: 'runc',
    startedAt: '',
    finishedAt: '',
    durationMs: 1,
    jobs: 1,
    cells,
    summary: {
      total: cells.length,
      passed: cells.length - failed,
      failed,
      timedOut: 0,
      oomKilled: 0,
      errors: 0,
      cancelled: 0,
    },
  };
}

describe('explainHint', () => {
  it('names the first cell that failed its tests, and how many more did', () => {
    const r = run([
      cell('debian-12/b=x', 'passed'),
      cell('debian-11/b=x', 'failed'),
      cell('debian-11/b=y', 'timed-out'),
    ]);
    expect(explainHint(r)).toBe('what differs where it passed: vmatrix explain debian-11/b=x (and 1 more failed cell)');
    // Not the newest run (vmatrix report of a given file): the run is named.
    expect(explainHint(r, false)).toContain('vmatrix explain --run 20261205-101500-ab12 debian-11/b=x');
    expect(formatResultsText(r)).toContain('vmatrix explain --run 20261205-101500-ab12 debian-11/b=x');
  });

  it('says nothing when no cell passed, when only setup failed, or without inventories', () => {
    expect(explainHint(run([cell('a', 'failed'), cell('b', 'failed')]))).toBeUndefined();
    expect(explainHint(run([cell('a', 'passed'), cell('b', 'failed', { phase: 'setup' })]))).toBeUndefined();
    expect(explainHint(run([cell('a', 'passed'), cell('b', 'error', { phase: 'image' })]))).toBeUndefined();
    expect(explainHint(run([cell('a', 'passed'), cell('b', 'failed', { inventory: undefined })]))).toBeUndefined();
  });

  it('quotes an id the shell would split, and shows control characters escaped', () => {
    const hint = explainHint(run([cell('d/x=1', 'passed'), cell("d/msg=it's a b", 'failed')]));
    expect(hint).toContain(`vmatrix explain 'd/msg=it'\\''s a b'`);
    expect(explainHint(run([cell('d/x=1', 'passed'), cell('d/x=\u001b[2J', 'failed')]))).not.toContain('\u001b');
  });
});
