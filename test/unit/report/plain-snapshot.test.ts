import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PlainReporter } from '../../../src/report/plain.js';
import type { CellResult, RunEvent, RunResult } from '../../../src/results/types.js';
import { dispatcher } from '../../../src/report/dispatch.js';

// The plain reporter (CI logs, `--reporter plain`) fed the events of fixture runs, with a fixed clock: what
// a CI log shows, byte for byte.

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const base = { slug: 's', distro: 'busybox', axes: {}, phases: { image: 0, setup: 0, test: 1 } };
const cells: Record<string, CellResult> = {
  passed: { ...base, id: 'busybox/mode=ok', status: 'passed', exitCode: 0, durationMs: 1200, logPath: 'ok.txt' },
  failed: {
    ...base,
    id: 'busybox/mode=fail',
    status: 'failed',
    phase: 'test',
    exitCode: 3,
    step: 'sh ./check.sh fail',
    durationMs: 900,
    logPath: 'fail.txt',
  },
  timedOut: {
    ...base,
    id: 'busybox/mode=hang',
    status: 'timed-out',
    phase: 'test',
    exitCode: null,
    signal: 'SIGKILL',
    durationMs: 3100,
    logPath: 'hang.txt',
  },
  flaky: {
    ...base,
    id: 'busybox/mode=flaky',
    status: 'flaky',
    exitCode: 0,
    durationMs: 2500,
    logPath: 'flaky.txt',
    attempts: [
      { attempt: 1, status: 'failed', exitCode: 1, durationMs: 1200, step: 'check' },
      { attempt: 2, status: 'passed', exitCode: 0, durationMs: 1300 },
    ],
  },
  // Both cells of debian-12 stack on one setup layer: it failed once, for both.
  setupMissing: {
    ...base,
    id: 'debian-12/mode=a',
    distro: 'debian-12',
    status: 'failed',
    phase: 'setup',
    exitCode: 100,
    step: 'apt-get install gcc libfoo-dev',
    durationMs: 2,
    logPath: 'a.txt',
    setup: {
      error: 'package "libfoo-dev" was not found on debian-12 (apt)',
      missingPackages: ['libfoo-dev'],
      hint: 'its name differs on this distro? give debian-12 its own list under overrides: (overrides: { debian-12: { packages: [gcc, libfoo-dev] } })',
      logPath: 'setup/debian-12-0123abcd.log',
      tail: ['Reading state information...', 'E: Unable to locate package libfoo-dev'],
    },
  },
  setupCommand: {
    ...base,
    id: 'debian-11/mode=a',
    distro: 'debian-11',
    status: 'failed',
    phase: 'setup',
    exitCode: 127,
    step: 'false-command-xyz --flag',
    durationMs: 3,
    logPath: 'b.txt',
    setup: {
      logPath: 'setup/debian-11-4567cdef.log',
      tail: ['+ false-command-xyz --flag', '/bin/sh: 1: false-command-xyz: not found'],
    },
  },
};

async function render(results: CellResult[], options: { color?: boolean } = {}): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'vmx-plain-'));
  await writeFile(
    join(project, 'fail.txt'),
    '# vmatrix cell busybox/mode=fail\nfailing on purpose\n# failed (exit 3) in 900ms\n',
  );
  await writeFile(
    join(project, 'hang.txt'),
    '# vmatrix cell busybox/mode=hang\nabout to hang\n# timed-out (killed by SIGKILL) in 3.1s\n',
  );
  const out = capture();
  // 09:05:07 local time, then one second more for each block.
  let tick = 0;
  const clock = () => new Date(2026, 0, 2, 9, 5, 7 + tick++);
  const reporter = new PlainReporter(out.stream, capture().stream, project, { clock, color: options.color ?? false });
  const run = dispatcher([reporter]);
  const result: RunResult = {
    version: 1,
    runId: 'r',
    project,
    config: 'vmatrix.yml',
    runtime: 'runc',
    startedAt: '',
    finishedAt: '',
    durationMs: 4000,
    jobs: 2,
    cells: results,
    summary: {
      total: results.length,
      passed: results.filter((r) => r.status === 'passed' || r.status === 'flaky').length,
      flaky: results.filter((r) => r.status === 'flaky').length,
      failed: results.filter((r) => r.status === 'failed').length,
      timedOut: results.filter((r) => r.status === 'timed-out').length,
      oomKilled: 0,
      errors: 0,
      cancelled: 0,
    },
  };
  const events: RunEvent[] = [
    ...results.map((r) => ({ type: 'cell-end' as const, result: r })),
    { type: 'run-end', result, runDir: join(project, 'run') },
  ];
  for (const e of events) run.emit(e);
  await run.flush();
  return out.text().replace(/results: .*\n/, 'results: <run>/results.json\n');
}

describe('PlainReporter on fixture runs (fixed clock)', () => {
  it('a passed cell: one stamped line and the summary', async () => {
    expect(await render([cells.passed!])).toMatchInlineSnapshot(`
      "09:05:07 PASS    1.2s  busybox/mode=ok

      1 cell: 1 passed, 0 failed in 4.0s
      results: <run>/results.json
      "
    `);
  });

  it('a failed cell: its line, the tail of its log and where the full log is', async () => {
    expect(await render([cells.failed!])).toMatchInlineSnapshot(`
      "09:05:07 FAIL   900ms  busybox/mode=fail  (step "sh ./check.sh fail" exited 3)
           │ # vmatrix cell busybox/mode=fail
           │ failing on purpose
           │ # failed (exit 3) in 900ms
           └ full log: fail.txt

      1 cell: 0 passed, 1 failed in 4.0s
      results: <run>/results.json
      "
    `);
  });

  it('a timed-out cell: TIME, the tail showing where it hung', async () => {
    expect(await render([cells.timedOut!])).toMatchInlineSnapshot(`
      "09:05:07 TIME    3.1s  busybox/mode=hang  (timed out in test)
           │ # vmatrix cell busybox/mode=hang
           │ about to hang
           │ # timed-out (killed by SIGKILL) in 3.1s
           └ full log: hang.txt

      1 cell: 0 passed, 0 failed, 1 timed out in 4.0s
      results: <run>/results.json
      "
    `);
  });

  it('a flaky cell: FLAKY with the failed attempt, counted as passed', async () => {
    expect(await render([cells.flaky!])).toMatchInlineSnapshot(`
      "09:05:07 FLAKY   2.5s  busybox/mode=flaky  (passed on attempt 2; attempt 1: step "check" exited 1)

      1 cell: 1 passed (1 flaky), 0 failed in 4.0s
      results: <run>/results.json
      "
    `);
  });

  it('a run of all four: each block whole and stamped, in the order the cells ended', async () => {
    expect(await render([cells.passed!, cells.failed!, cells.timedOut!, cells.flaky!])).toMatchInlineSnapshot(`
      "09:05:07 PASS    1.2s  busybox/mode=ok
      09:05:08 FAIL   900ms  busybox/mode=fail  (step "sh ./check.sh fail" exited 3)
           │ # vmatrix cell busybox/mode=fail
           │ failing on purpose
           │ # failed (exit 3) in 900ms
           └ full log: fail.txt
      09:05:09 TIME    3.1s  busybox/mode=hang  (timed out in test)
           │ # vmatrix cell busybox/mode=hang
           │ about to hang
           │ # timed-out (killed by SIGKILL) in 3.1s
           └ full log: hang.txt
      09:05:10 FLAKY   2.5s  busybox/mode=flaky  (passed on attempt 2; attempt 1: step "check" exited 1)

      4 cells: 2 passed (1 flaky), 1 failed, 1 timed out in 4.0s
      results: <run>/results.json
      "
    `);
  });

  it("a failed setup: its step, what went wrong, the hint, the setup log's end and path; once for all the cells that share it", async () => {
    const other: CellResult = { ...cells.setupMissing!, id: 'debian-12/mode=b', logPath: 'c.txt' };
    expect(await render([cells.setupMissing!, other, cells.setupCommand!])).toMatchInlineSnapshot(`
      "09:05:07 FAIL     2ms  debian-12/mode=a  (setup step "apt-get install gcc libfoo-dev" exited 100)
           error: package "libfoo-dev" was not found on debian-12 (apt)
           hint: its name differs on this distro? give debian-12 its own list under overrides: (overrides: { debian-12: { packages: [gcc, libfoo-dev] } })
           │ Reading state information...
           │ E: Unable to locate package libfoo-dev
           └ setup log: setup/debian-12-0123abcd.log
      09:05:08 FAIL     2ms  debian-12/mode=b  (setup step "apt-get install gcc libfoo-dev" exited 100)
           └ the same setup as debian-12/mode=a: setup/debian-12-0123abcd.log
      09:05:09 FAIL     3ms  debian-11/mode=a  (setup step "false-command-xyz --flag" exited 127)
           │ + false-command-xyz --flag
           │ /bin/sh: 1: false-command-xyz: not found
           └ setup log: setup/debian-11-4567cdef.log

      3 cells: 0 passed, 3 failed in 4.0s
      results: <run>/results.json
      "
    `);
  });

  it('colours only when asked (--no-color and NO_COLOR give false)', async () => {
    expect(await render([cells.failed!], { color: true })).toContain('\u001b[31mFAIL\u001b[0m');
    expect(await render([cells.failed!], { color: false })).not.toContain('\u001b[');
  });
});
