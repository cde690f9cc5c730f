import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dispatcher } from '../../../src/report/dispatch.js';
import { createReporters, registerReporter, reporterNames } from '../../../src/report/registry.js';
import type { Reporter, ReporterContext } from '../../../src/report/types.js';
import type { Cell } from '../../../src/matrix/types.js';
import type { CellResult, RunEvent, RunResult } from '../../../src/results/types.js';
import { isVmError } from '../../../src/util/errors.js';

const cell = (id: string): Cell => ({
  id,
  slug: id.replace('/', '-'),
  distro: id.split('/')[0]!,
  arch: 'amd64',
  axes: {},
});
const cells = [cell('debian-12/a'), cell('debian-12/b')];
const ended: CellResult = {
  ...cells[0]!,
  status: 'passed',
  exitCode: 0,
  durationMs: 1,
  phases: { image: 0, setup: 0, test: 1 },
  logPath: 'l',
};
const run = { cells: [ended] } as unknown as RunResult;
const events: RunEvent[] = [
  { type: 'run-start', runId: 'r', runDir: 'd', cells, jobs: 2, runtime: 'runc', runtimeReason: 'runc: test' },
  { type: 'progress', scope: 'debian-12', message: 'pulling' },
  { type: 'download', scope: 'debian-12', bytes: 1, total: 2 },
  { type: 'cell-start', cell: cells[0]! },
  { type: 'cell-output', cell: 'debian-12/a', lines: ['hi'] },
  { type: 'cell-end', result: ended },
  { type: 'run-end', result: run, runDir: 'd' },
];

/** A reporter that notes every hook call. */
function recorder(calls: string[]): Reporter {
  return {
    onRunStart: (e) => void calls.push(`run-start ${e.cells.length}`),
    onCellQueued: (c) => void calls.push(`queued ${c.id}`),
    onProgress: (e) => void calls.push(`progress ${e.message}`),
    onDownload: (e) => void calls.push(`download ${e.bytes}`),
    onCellStarted: (c) => void calls.push(`started ${c.id}`),
    onCellOutput: (e) => void calls.push(`output ${e.lines.join()}`),
    onCellEnded: (r) => void calls.push(`ended ${r.id} ${r.status}`),
    onRunEnd: (e) => void calls.push(`run-end ${e.result.cells.length}`),
  };
}

describe('dispatcher', () => {
  it('calls each reporter’s hooks in the order of the events, each cell queued once after the run starts', () => {
    const first: string[] = [];
    const second: string[] = [];
    const report = dispatcher([recorder(first), {}, recorder(second)]);
    for (const e of events) report.emit(e);
    const expected = [
      'run-start 2',
      'queued debian-12/a',
      'queued debian-12/b',
      'progress pulling',
      'download 1',
      'started debian-12/a',
      'output hi',
      'ended debian-12/a passed',
      'run-end 1',
    ];
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
  });

  it('flush waits for what hooks promised and for each reporter’s own flush, and passes a failure on', async () => {
    const done: string[] = [];
    const later = (what: string) => new Promise<void>((resolve) => setTimeout(() => resolve(void done.push(what)), 5));
    const report = dispatcher([{ onRunEnd: () => later('file written') }, { flush: () => later('output printed') }]);
    report.emit(events.at(-1)!);
    expect(done).toEqual([]);
    await report.flush();
    expect(done.sort()).toEqual(['file written', 'output printed']);

    const failing = dispatcher([{ onRunEnd: () => Promise.reject(new Error('disk full')) }]);
    failing.emit(events.at(-1)!);
    await expect(failing.flush()).rejects.toThrow('disk full');
  });
});

describe('the reporter registry', () => {
  const context: Omit<ReporterContext, 'earlier'> = {
    projectDir: '/p',
    out: new PassThrough() as unknown as NodeJS.WriteStream,
    err: new PassThrough() as unknown as NodeJS.WriteStream,
    env: {},
    color: false,
  };

  it('has the built-in reporters by name: one progress reporter is chosen, every output reporter runs', () => {
    expect(reporterNames('progress')).toEqual(['tty', 'plain', 'follow']);
    expect(reporterNames('output')).toEqual(['json', 'html', 'junit', 'github']);
    registerReporter('test-tap', () => ({}));
    registerReporter('test-board', () => ({}), 'progress');
    expect(reporterNames('output').at(-1)).toBe('test-tap');
    expect(reporterNames('progress').at(-1)).toBe('test-board');
  });

  it('builds a registered reporter in order, showing it those made before it; a factory may decline', async () => {
    const seen: Reporter[][] = [];
    registerReporter('test-first', () => ({ onRunEnd: () => {} }));
    registerReporter('test-second', ({ earlier }) => {
      seen.push(earlier);
      return {};
    });
    const made = await createReporters(['test-first', 'github', 'test-second'], context);
    // github declines off GitHub Actions (env has no GITHUB_ACTIONS).
    expect(made).toHaveLength(2);
    expect(seen).toEqual([[made[0]]]);
  });

  it('an unknown name is a usage error that lists the reporters', async () => {
    const error: unknown = await createReporters(['nope'], context).catch((e: unknown) => e);
    expect(isVmError(error) && error.exit === 2 && error.hint?.includes('plain')).toBe(true);
  });
});
