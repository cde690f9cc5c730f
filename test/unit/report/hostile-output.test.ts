import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Board, summaryGrid } from '../../../src/report/board.js';
import { errorCommand, GithubReporter, markdownSummary } from '../../../src/report/github.js';
import { PlainReporter } from '../../../src/report/plain.js';
import { formatResultsText } from '../../../src/report/text.js';
import { followed, FollowReporter } from '../../../src/report/tty.js';
import type { Cell } from '../../../src/matrix/types.js';
import type { CellResult, RunResult } from '../../../src/results/types.js';
import { dispatcher } from '../../../src/report/dispatch.js';

// Each reporter given what a hostile project controls: output lines and names (axis values, step names)
// with escape sequences, carriage returns, bidi overrides and workflow commands. What a terminal or a CI
// runner would act on must come out escaped, and vmatrix's own colour codes must still work.

const ESC = '\u001b';
const HOSTILE = `${ESC}]52;c;cm0gLXJmIH4=\u0007 ${ESC}[2J gone\rFAIL hidden \u009b2J \u202eevil`;
// eslint-disable-next-line no-control-regex -- what must never get through
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const SHOWN = '\\u001b]52;c;cm0gLXJmIH4=\\u0007 \\u001b[2J gone\\u000dFAIL hidden \\u009b2J \\u202eevil';
/** Removes vmatrix's own SGR colour codes: what is left must be inert. */
const uncolour = (text: string) => text.replace(/\u001b\[\d+m/g, '');

const axes = { mode: `x${ESC}[31m\u202e` };
const cell: Cell = { id: `busybox/mode=${axes.mode}`, slug: 'busybox-x', distro: 'busybox', arch: 'amd64', axes };
const failed = (logPath: string): CellResult => ({
  id: cell.id,
  slug: cell.slug,
  distro: cell.distro,
  axes,
  status: 'failed',
  phase: 'test',
  exitCode: 1,
  step: `make ${ESC}]0;title\u0007`,
  durationMs: 10,
  phases: { image: 0, setup: 0, test: 10 },
  logPath,
  warnings: [`artifact ${ESC}[2Jname`],
});
const runResult = (c: CellResult): RunResult => ({
  version: 1,
  runId: 'r',
  project: '/p',
  config: 'vmatrix.yml',
  runtime: 'runc',
  startedAt: '',
  finishedAt: '',
  durationMs: 10,
  jobs: 1,
  cells: [c],
  summary: { total: 1, passed: 0, failed: 1, timedOut: 0, oomKilled: 0, errors: 0, cancelled: 0 },
});

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

async function projectWithLog(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-hostile-'));
  await writeFile(join(dir, 'log.txt'), `${HOSTILE}\n::error::forged\n`);
  return dir;
}

describe('hostile output through each reporter', () => {
  it('the live board: the last line and the cell id escaped, its own colours kept', () => {
    const board = new Board(() => 0);
    board.update({
      type: 'run-start',
      runId: 'r',
      runDir: 'd',
      cells: [cell],
      jobs: 1,
      runtime: 'runc',
      runtimeReason: '',
    });
    board.update({ type: 'cell-start', cell });
    board.update({
      type: 'cell-output',
      cell: cell.id,
      lines: [`${ESC}[32mok${ESC}[0m ${ESC}]52;c;x\u0007 \u009b2J \u202eevil`],
    });
    const [line] = board.render(200, true);
    expect(line).toMatch(/^\u001b\[1mrunning 0:00 \u001b\[0m/);
    expect(uncolour(line!)).not.toMatch(ACTIVE);
    expect(uncolour(line!)).toContain(
      'busybox/mode=x\\u001b[31m\\u202e  ok \\u001b]52;c;x\\u0007 \\u009b2J \\u202eevil',
    );
    expect(uncolour(summaryGrid([cell], [failed('l')], true).join('\n'))).not.toMatch(ACTIVE);
  });

  it('--follow: every line escaped behind the cell id, a carriage return shown instead of obeyed', () => {
    expect(followed(cell.id, [HOSTILE, 'crlf\r'], false)).toBe(
      `busybox/mode=x\\u001b[31m\\u202e │ ${SHOWN}\nbusybox/mode=x\\u001b[31m\\u202e │ crlf\n`,
    );
    const out = capture();
    new FollowReporter(out.stream, cell.id).onCellOutput({
      type: 'cell-output',
      cell: cell.id,
      lines: [HOSTILE, '::error::forged'],
    });
    expect(out.text()).not.toMatch(ACTIVE);
    expect(
      out
        .text()
        .split('\n')
        .filter((l) => l.trimStart().startsWith('::')),
    ).toEqual([]);
  });

  it('the plain reporter: the cell line, the step, warnings and the log tail escaped', async () => {
    const dir = await projectWithLog();
    const out = capture();
    const err = capture();
    const reporter = new PlainReporter(out.stream, err.stream, dir, { color: true });
    const run = dispatcher([reporter]);
    run.emit({ type: 'progress', scope: `busy${ESC}[2J`, message: `setup ${ESC}]0;t\u0007` });
    run.emit({ type: 'cell-end', result: failed('log.txt') });
    await run.flush();
    expect(out.text()).toMatch(/^\u001b\[31mFAIL\u001b\[0m/);
    expect(uncolour(out.text())).not.toMatch(ACTIVE);
    expect(uncolour(err.text())).not.toMatch(ACTIVE);
    expect(uncolour(out.text())).toContain('(step "make \\u001b]0;title\\u0007" exited 1)');
    // The tail shows a line as a terminal would have after its carriage returns, with the rest escaped.
    expect(uncolour(out.text())).toContain('     │ FAIL hidden \\u009b2J \\u202eevil');
    expect(uncolour(out.text())).toContain('     │ ::error::forged');
    expect(uncolour(out.text())).toContain('! artifact \\u001b[2Jname');
  });

  it("vmatrix report: the results file's names escaped", () => {
    const text = formatResultsText(runResult(failed('log.txt')), { color: true, notRun: [`debian-12/mode=${ESC}[2J`] });
    expect(uncolour(text)).not.toMatch(ACTIVE);
    expect(uncolour(text)).toContain('busybox/mode=x\\u001b[31m\\u202e  (step "make \\u001b]0;title\\u0007" exited 1)');
  });

  it('GitHub: the annotation and the summary escaped, and no forged command while cells are echoed', async () => {
    const line = errorCommand(failed('log.txt'), `${HOSTILE}\n::error::forged`);
    expect(line.split('\n')).toHaveLength(2);
    expect(line).not.toMatch(ACTIVE);
    expect(line).toContain('%0A::error::forged');
    expect(markdownSummary(runResult(failed('log.txt')))).not.toMatch(ACTIVE);

    const dir = await projectWithLog();
    const out = capture();
    let echoed = false;
    const echo = {
      flush: async () => {
        out.stream.write('     │ ::error::forged\n');
        echoed = true;
      },
    };
    const reporter = new GithubReporter(dir, out.stream, out.stream, { GITHUB_ACTIONS: 'true' }, [echo]);
    const run = dispatcher([reporter]);
    run.emit({
      type: 'run-start',
      runId: 'r',
      runDir: 'd',
      cells: [cell],
      jobs: 1,
      runtime: 'runc',
      runtimeReason: '',
    });
    run.emit({ type: 'run-end', result: runResult(failed('log.txt')), runDir: dir });
    await run.flush();
    expect(echoed).toBe(true);
    const lines = out.text().split('\n');
    const token = /^::stop-commands::([0-9a-f]{32})$/.exec(lines[0]!)?.[1];
    expect(token).toBeDefined();
    // The echo is written before commands resume; then only the reporter's own commands follow.
    expect(lines.indexOf('     │ ::error::forged')).toBeLessThan(lines.indexOf(`::${token}::`));
    expect(
      lines
        .slice(lines.indexOf(`::${token}::`) + 1)
        .filter(Boolean)
        .every((l) => l.startsWith('::error title=')),
    ).toBe(true);
  });
});
