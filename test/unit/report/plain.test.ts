import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PlainReporter } from '../../../src/report/plain.js';
import type { CellResult } from '../../../src/run/types.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => { text += d.toString(); });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const base = { slug: 's', distro: 'debian-12', axes: { build: 'Debug' }, phases: { image: 0, setup: 0, test: 1 } };

describe('PlainReporter', () => {
  it('prints a line per cell, the tail of a failed cell\'s log, then the summary', async () => {
    const project = await mkdtemp(join(tmpdir(), 'vmx-report-'));
    await mkdir(join(project, 'logs'));
    await writeFile(join(project, 'logs/fail.txt'), `${Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n')}\n`);
    const out = capture();
    const err = capture();
    const reporter = new PlainReporter(out.stream, err.stream, project);
    const passed: CellResult = { ...base, id: 'debian-12/build=Debug', status: 'passed', exitCode: 0, durationMs: 1500, logPath: 'logs/pass.txt' };
    const failed: CellResult = { ...base, id: 'debian-11/build=Debug', status: 'failed', phase: 'test', exitCode: 2, durationMs: 61_000, logPath: 'logs/fail.txt' };
    reporter.onEvent({ type: 'cell-end', result: passed });
    reporter.onEvent({ type: 'cell-end', result: failed });
    reporter.onEvent({ type: 'run-end', runDir: join(project, 'run'), result: {
      version: 1, runId: 'r', project, config: 'vmatrix.yml', runtime: 'runc', startedAt: '', finishedAt: '', durationMs: 62_000, jobs: 2,
      cells: [passed, failed], summary: { total: 2, passed: 1, failed: 1, timedOut: 0, oomKilled: 0, errors: 0, cancelled: 0 },
    } });
    await reporter.flush();
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
    const oom: CellResult = { ...base, id: 'debian-12/build=Debug', status: 'oom-killed', phase: 'test', exitCode: 137, durationMs: 2000, logPath: 'oom.txt', memoryLimit: 64 * 2 ** 20 };
    reporter.onEvent({ type: 'cell-end', result: oom });
    reporter.onEvent({ type: 'cell-end', result: { ...oom, id: 'debian-11/build=Debug', memoryLimit: 1536 * 2 ** 20 } });
    reporter.onEvent({ type: 'run-end', runDir: join(project, 'run'), result: {
      version: 1, runId: 'r', project, config: 'vmatrix.yml', runtime: 'runc', startedAt: '', finishedAt: '', durationMs: 2000, jobs: 1,
      cells: [oom], summary: { total: 2, passed: 0, failed: 0, timedOut: 0, oomKilled: 2, errors: 0, cancelled: 0 },
    } });
    await reporter.flush();
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
});
