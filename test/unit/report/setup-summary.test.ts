import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../src/report/plain.js';
import { formatResultsText } from '../../../src/report/text.js';
import { TtyReporter } from '../../../src/report/tty.js';
import type { CellResult, RunResult } from '../../../src/results/types.js';
import { dispatcher } from '../../../src/report/dispatch.js';

// A failed setup in the summaries that are not the plain reporter's (see plain-snapshot.test.ts): the live
// board's final summary and `vmatrix report`, which has only results.json to go by.

const setup = {
  error: 'package "libfoo-dev" was not found on alpine-3.20 (apk)',
  missingPackages: ['libfoo-dev'],
  hint: 'its name differs on this distro? give alpine-3.20 its own list under overrides: (overrides: { alpine-3.20: { packages: [libfoo-dev] } })',
  logPath: '.vmatrix/runs/r/setup/alpine-3.20-0123abcd.log',
  tail: ['ERROR: unable to select packages:', '  libfoo-dev (no such package):', '    required by: world[libfoo-dev]'],
};
const cell = (id: string): CellResult & { arch: string } => ({
  id,
  slug: id,
  distro: 'alpine-3.20',
  arch: 'amd64',
  axes: { cc: id.split('=')[1]! },
  status: 'failed',
  phase: 'setup',
  exitCode: 1,
  step: 'apk add libfoo-dev',
  durationMs: 4,
  phases: { image: 0, setup: 900, test: 0 },
  logPath: `.vmatrix/runs/r/${id}/log.txt`,
  setup,
});
const cells = [cell('alpine-3.20/cc=gcc'), cell('alpine-3.20/cc=clang')];
const result: RunResult = {
  version: 1,
  runId: 'r',
  project: '/p',
  config: 'vmatrix.yml',
  runtime: 'runc',
  startedAt: '',
  finishedAt: '',
  durationMs: 1000,
  jobs: 2,
  cells,
  summary: { total: 2, passed: 0, failed: 2, timedOut: 0, oomKilled: 0, errors: 0, cancelled: 0 },
};

const DETAIL = [
  'FAIL     4ms  alpine-3.20/cc=gcc  (setup step "apk add libfoo-dev" exited 1)',
  '     error: package "libfoo-dev" was not found on alpine-3.20 (apk)',
  `     hint: ${setup.hint}`,
  '     │ ERROR: unable to select packages:',
  '     │   libfoo-dev (no such package):',
  '     │     required by: world[libfoo-dev]',
  '     └ setup log: .vmatrix/runs/r/setup/alpine-3.20-0123abcd.log',
  'FAIL     4ms  alpine-3.20/cc=clang  (setup step "apk add libfoo-dev" exited 1)',
  '     └ the same setup as alpine-3.20/cc=gcc: .vmatrix/runs/r/setup/alpine-3.20-0123abcd.log',
];

describe('a failed setup in a summary', () => {
  it('vmatrix report: from results.json alone', () => {
    expect(formatResultsText(result).split('\n').slice(0, 9)).toEqual(DETAIL);
  });

  it("the live board's summary: under the grid, once per setup", async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const out = Object.assign(stream, { columns: 200, rows: 40 }) as unknown as NodeJS.WriteStream;
    const tty = dispatcher([await TtyReporter.create(out, { color: false, now: () => 0 })]);
    tty.emit({
      type: 'run-start',
      runId: 'r',
      runDir: '/p/.vmatrix/runs/r',
      cells,
      jobs: 2,
      runtime: 'runc',
      runtimeReason: 'runc: test',
    });
    for (const r of cells) tty.emit({ type: 'cell-end', result: r });
    tty.emit({ type: 'run-end', result, runDir: '/p/.vmatrix/runs/r' });
    const summary = text.slice(text.lastIndexOf('cc=gcc  cc=clang'));
    expect(summary.split('\n').slice(3, 12)).toEqual(DETAIL);
    expect(summary).toContain('2 cells: 0 passed, 2 failed');
  });

  it('names the setup step however the setup ended; without one, the phase', () => {
    const [c] = cells;
    expect(describeFailure({ ...c!, status: 'timed-out', exitCode: null, signal: 'SIGKILL' })).toBe(
      '(setup step "apk add libfoo-dev" timed out)',
    );
    expect(describeFailure({ ...c!, exitCode: null, signal: 'SIGSEGV' })).toBe(
      '(setup step "apk add libfoo-dev" killed by SIGSEGV)',
    );
    expect(describeFailure({ ...c!, step: undefined })).toBe('(setup exited 1)');
  });
});
