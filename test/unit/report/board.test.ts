import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Board, summaryGrid } from '../../../src/report/board.js';
import { FollowReporter } from '../../../src/report/tty.js';
import type { Cell } from '../../../src/matrix/types.js';
import type { CellResult, RunEvent } from '../../../src/results/types.js';
import { dispatcher } from '../../../src/report/dispatch.js';

const cell = (distro: string, mode: string): Cell => ({
  id: `${distro}/mode=${mode}`,
  slug: `${distro}-${mode}`,
  distro,
  arch: 'amd64',
  axes: { mode },
});
const cells = [cell('busybox', 'ok'), cell('busybox', 'hang'), cell('debian-12', 'ok'), cell('debian-12', 'hang')];
const result = (c: Cell, status: CellResult['status'], durationMs: number): CellResult => ({
  id: c.id,
  slug: c.slug,
  distro: c.distro,
  axes: c.axes,
  status,
  exitCode: status === 'passed' ? 0 : null,
  durationMs,
  phases: { image: 0, setup: 0, test: durationMs },
  logPath: 'l',
});
const start: RunEvent = {
  type: 'run-start',
  runId: 'r',
  runDir: 'd',
  cells,
  jobs: 2,
  runtime: 'runc',
  runtimeReason: 'runc: found',
};

describe('Board', () => {
  it('shows each cell queued, pulling, setup, running with its last line, then its result', () => {
    let now = 1_000_000;
    const board = new Board(() => now);
    board.update(start);
    board.update({
      type: 'download',
      scope: 'debian-12',
      bytes: 43e6,
      total: 100e6,
      bytesPerSecond: 5e6,
      etaSeconds: 11,
    });
    board.update({ type: 'progress', scope: 'busybox', message: 'building setup layer abc (none), log: x' });
    expect(board.render(100, false)).toEqual([
      '[########------------] debian-12: 43.0/100.0 MB (43%)  5.0 MB/s  ETA 11.0s',
      'setup         busybox/mode=ok',
      'setup         busybox/mode=hang',
      'pulling 43%   debian-12/mode=ok',
      'pulling 43%   debian-12/mode=hang',
    ]);
    board.update({ type: 'download', scope: 'debian-12', bytes: 100e6, total: 100e6 });
    board.update({ type: 'cell-start', cell: cells[1]! });
    now += 12_400;
    board.update({
      type: 'cell-output',
      cell: cells[1]!.id,
      lines: ['MODE=hang', 'about to \u001b[1mhang\u001b[0m', ''],
    });
    board.update({ type: 'cell-end', result: result(cells[0]!, 'passed', 1200) });
    expect(board.render(100, false)).toEqual([
      'PASS     1.2s busybox/mode=ok',
      'running 0:12  busybox/mode=hang    about to hang', // ids padded to the longest: last lines align
      'queued        debian-12/mode=ok',
      'queued        debian-12/mode=hang',
    ]);
    board.update({ type: 'cell-end', result: result(cells[1]!, 'timed-out', 3100) });
    expect(board.render(100, false)[1]).toBe('TIME     3.1s busybox/mode=hang');
  });

  it('never draws a line wider than the terminal', () => {
    const board = new Board(() => 0);
    board.update(start);
    board.update({ type: 'cell-start', cell: cells[0]! });
    board.update({ type: 'cell-output', cell: cells[0]!.id, lines: ['x'.repeat(500)] });
    const lines = board.render(40, false);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    expect(lines[0]).toMatch(/^running 0:00  busybox\/mode=ok {6}x+…$/);
  });

  it('on a short terminal, gives up finished rows for a count, keeping the cells still going on', () => {
    const board = new Board(() => 0);
    board.update(start);
    board.update({ type: 'cell-end', result: result(cells[0]!, 'passed', 1200) });
    board.update({ type: 'cell-end', result: result(cells[1]!, 'failed', 1200) });
    board.update({ type: 'cell-start', cell: cells[3]! });
    expect(board.render(100, false, 2)).toEqual([
      '2 cells finished, 1 more not shown',
      'queued        debian-12/mode=ok',
    ]);
    expect(board.render(100, false, 3)).toEqual([
      '2 cells finished, 0 more not shown',
      'queued        debian-12/mode=ok',
      'running 0:00  debian-12/mode=hang',
    ]);
    expect(board.render(100, false, 4)).toHaveLength(4);
  });
});

describe('summaryGrid', () => {
  it('lays the results out distro by configuration', () => {
    const results = [
      result(cells[0]!, 'passed', 1),
      result(cells[1]!, 'timed-out', 1),
      result(cells[2]!, 'flaky', 1),
      result(cells[3]!, 'failed', 1),
    ];
    expect(summaryGrid(cells, results, false)).toEqual([
      '           mode=ok  mode=hang',
      'busybox    PASS     TIME',
      'debian-12  FLAKY    FAIL',
    ]);
  });
});

describe('FollowReporter', () => {
  it("prints the followed cell's lines prefixed by its id; the other reporters get every event too", () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const seen: RunEvent[] = [];
    const run = dispatcher([new FollowReporter(out, 'busybox/mode=ok'), { onCellOutput: (e) => void seen.push(e) }]);
    run.emit({ type: 'cell-output', cell: 'busybox/mode=ok', lines: ['one', 'two'] });
    run.emit({ type: 'cell-output', cell: 'busybox/mode=hang', lines: ['other'] });
    expect(text).toBe('busybox/mode=ok │ one\nbusybox/mode=ok │ two\n');
    expect(seen).toHaveLength(2);
  });
});
