import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PlainReporter } from '../../../src/report/plain.js';
import type { CellResult } from '../../../src/results/types.js';
import { dispatcher } from '../../../src/report/dispatch.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const base = { slug: 's', distro: 'debian-12', axes: { build: 'Debug' }, phases: { image: 0, setup: 0, test: 1 } };

describe('PlainReporter', () => {
  it("prints a line per cell, the tail of a failed cell's log, then the summary", async () => {
    const project = await mkdtemp(join(tmpdir(), 'vmx-report-'));
    await mkdir(join(project, 'logs'));
    await writeFile(
      join(project, 'logs/fail.txt'),
      `${Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n')}\n`,
    );
    const out = capture();
    const err = capture();
    const reporter = new PlainReporter(out.stream, err.stream, project);
    const run = dispatcher([reporter]);
    const passed: CellResult = {
      ...base,
      id: 'debian-12/build=Debug',
      status: 'passed',
      exitCode: 0,
      durationMs: 1500,
      logPath: 'logs/pass.txt',
    };
    const failed: CellResult = {
      ...base,
      id: 'debian-11/build=Debug',
      status: 'failed',
      phase: 'test',
      exitCode: 2,
      durationMs: 61_000,
      logPath: 'logs/fail.txt',
    };
    run.emit({ type: 'cell-end', result: passed });
    run.emit({ type: 'cell-end', result: failed });
    run.emit({
      type: 'run-end',
      runDir: join(project, 'run'),
      result: {
        version: 1,
        runId: 'r',
        project,
        config: 'vmatrix.yml',
        runtime: 'runc',
        startedAt: '',
        finishedAt: '',
        durationMs: 62_000,
        jobs: 2,
        cells: [passed, failed],
        summary: { total: 2, passed: 1, failed: 1, timedOut: 0, oomKilled: 0, errors: 0, cancelled: 0 },
      },
    });
    await run.flush();
    const lines = out.text().split('\n');
    expect(lines[0]).toBe('PASS    1.5s  debian-12/build=Debug');
    expect(lines[1]).toBe('FAIL   1m01s  debian-11/build=Debug  (test exited 2)');
    expect(lines[2]).toBe('     │ line 6'); // the last 15 lines
    expect(lines[16]).toBe('     │ line 20');
    expect(lines[17]).toBe('     └ full log: logs/fail.txt');
    expect(out.text()).toContain('2 cells: 1 passed, 1 failed in 1m02s');
    expect(out.text()).not.toContain('\u001b['); // not a TTY: no colour
  });

  it('labels an oom-killed cell with its memory limit, prints its log tail, and counts it in the summary', async () => {
    const project = await mkdtemp(join(tmpdir(), 'vmx-report-'));
    await writeFile(join(project, 'oom.txt'), '+ ./grow\nKilled\n');
    const out = capture();
    const reporter = new PlainReporter(out.stream, capture().stream, project);
    const run = dispatcher([reporter]);
    const oom: CellResult = {
      ...base,
      id: 'debian-12/build=Debug',
      status: 'oom-killed',
      phase: 'test',
      exitCode: 137,
      durationMs: 2000,
      logPath: 'oom.txt',
      memoryLimit: 64 * 2 ** 20,
    };
    run.emit({ type: 'cell-end', result: oom });
    run.emit({
      type: 'cell-end',
      result: { ...oom, id: 'debian-11/build=Debug', memoryLimit: 1536 * 2 ** 20 },
    });
    run.emit({
      type: 'run-end',
      runDir: join(project, 'run'),
      result: {
        version: 1,
        runId: 'r',
        project,
        config: 'vmatrix.yml',
        runtime: 'runc',
        startedAt: '',
        finishedAt: '',
        durationMs: 2000,
        jobs: 1,
        cells: [oom],
        summary: { total: 2, passed: 0, failed: 0, timedOut: 0, oomKilled: 2, errors: 0, cancelled: 0 },
      },
    });
    await run.flush();
    const lines = out.text().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'OOM     2.0s  debian-12/build=Debug  (killed: out of memory, limit 64 MB)',
      '     │ + ./grow',
      '     │ Killed',
      '     └ full log: oom.txt',
    ]);
    expect(lines[4]).toBe('OOM     2.0s  debian-11/build=Debug  (killed: out of memory, limit 1.5 GB)');
    expect(out.text()).toContain('2 cells: 0 passed, 0 failed, 2 out of memory in');
  });

  it('reports a flaky cell as FLAKY in the same columns, names failing steps, fail-fast cancels and warnings', async () => {
    const project = await mkdtemp(join(tmpdir(), 'vmx-report-'));
    await writeFile(join(project, 'log.txt'), '+ sleep 60\n# step "slow" timed out after 2.0s: its cell was killed\n');
    const out = capture();
    const reporter = new PlainReporter(out.stream, capture().stream, project);
    const run = dispatcher([reporter]);
    const cell = { ...base, exitCode: null, durationMs: 3000, logPath: 'log.txt', phase: 'test' as const };
    const flaky: CellResult = {
      ...cell,
      id: 'a',
      status: 'flaky',
      exitCode: 0,
      attempts: [
        { attempt: 1, status: 'failed', exitCode: 1, durationMs: 1000, step: 'unit' },
        { attempt: 2, status: 'timed-out', exitCode: null, durationMs: 1000, step: 'slow' },
        { attempt: 3, status: 'passed', exitCode: 0, durationMs: 1000 },
      ],
      warnings: [
        'artifacts: 1 file (2.0 GB) not copied: over the 256 MB cap per cell (raise it with VMATRIX_ARTIFACTS_MAX_SIZE)',
      ],
    };
    const timedOut: CellResult = {
      ...cell,
      id: 'b',
      status: 'timed-out',
      signal: 'SIGKILL',
      step: 'slow',
      steps: [
        { name: 'build', exitCode: 0, durationMs: 5 },
        { name: 'slow', exitCode: null, durationMs: 2004, timeoutMs: 2000, timedOut: true },
      ],
    };
    const failed: CellResult = {
      ...cell,
      id: 'c',
      status: 'failed',
      exitCode: 3,
      step: 'sh ./check.sh fail',
      attempts: [
        { attempt: 1, status: 'failed', exitCode: 3, durationMs: 1500 },
        { attempt: 2, status: 'failed', exitCode: 3, durationMs: 1500 },
      ],
    };
    const cancelled: CellResult = { ...cell, id: 'd', status: 'cancelled', message: '--fail-fast after c failed' };
    for (const result of [flaky, timedOut, failed, cancelled]) run.emit({ type: 'cell-end', result });
    run.emit({
      type: 'run-end',
      runDir: join(project, 'run'),
      result: {
        version: 1,
        runId: 'r',
        project,
        config: 'vmatrix.yml',
        runtime: 'runc',
        startedAt: '',
        finishedAt: '',
        durationMs: 2000,
        jobs: 1,
        cells: [flaky, timedOut, failed, cancelled],
        summary: { total: 4, passed: 1, flaky: 1, failed: 1, timedOut: 1, oomKilled: 0, errors: 0, cancelled: 1 },
      },
    });
    await run.flush();
    const lines = out.text().split('\n');
    expect(lines[0]).toBe(
      'FLAKY   3.0s  a  (passed on attempt 3; attempt 1: step "unit" exited 1; attempt 2: step "slow" timed out)',
    );
    expect(lines[1]).toBe(
      '     ! artifacts: 1 file (2.0 GB) not copied: over the 256 MB cap per cell (raise it with VMATRIX_ARTIFACTS_MAX_SIZE)',
    );
    expect(lines[2]).toBe('TIME    3.0s  b  (step "slow" timed out after 2.0s)');
    expect(lines[3]).toBe('     │ + sleep 60');
    expect(lines[6]).toBe('FAIL    3.0s  c  (step "sh ./check.sh fail" exited 3, 2 attempts)');
    expect(lines[10]).toBe('STOP    3.0s  d  (cancelled: --fail-fast after c failed)');
    expect(lines[11]).toBe('');
    expect(out.text()).toContain('4 cells: 1 passed (1 flaky), 1 failed, 1 timed out, 1 cancelled in');
  });
});
