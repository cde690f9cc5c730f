import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import { shq, Terminal } from '../helpers/terminal.js';

// `vmatrix test` on a terminal: the live board, read off the raw screen of a pseudo-terminal. The
// busybox-mix cells pass, fail, hang until their 3 s timeout and pass; two run at a time.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const terminals: Terminal[] = [];
afterAll(() => {
  for (const t of terminals) t.kill();
});

/** Every row the board drew for a cell, in the order drawn. */
function rowsOf(screen: string, id: string): string[] {
  // The screen is raw terminal output: every escape code (cursor moves, erases) becomes a line break.
  const plain = screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '\n');
  return plain.split(/[\r\n]+/).filter((l) => new RegExp(`^\\S.{0,13} ${id.replace(/[/.]/g, '\\$&')}(\\s|$)`).test(l));
}

describe('vmatrix test on a terminal', () => {
  it('draws a board whose rows go from queued to running (with the last line of output) to a result, then the summary grid', async () => {
    const project = await gitProject('busybox-mix');
    const home = join(await mkdtemp(join(tmpdir(), 'vmx-board-')), 'store');
    const t = new Terminal(`${shq(process.execPath)} ${shq(BIN)} test --jobs 2`, project, {
      VMATRIX_HOME: home,
      NO_COLOR: '1',
    });
    terminals.push(t);
    expect(await t.exited, t.screen).toBe(1);

    const hang = rowsOf(t.screen, 'busybox/mode=hang');
    const running = hang.findIndex((l) => /^running \d:\d\d/.test(l));
    expect(running, t.screen).toBeGreaterThanOrEqual(0);
    // The hang is visible: the running row shows the last line the cell printed.
    expect(
      hang.some((l) => /^running \d:\d\d .*about to hang$/.test(l)),
      hang.join('\n'),
    ).toBe(true);
    expect(hang.findIndex((l) => /^TIME +\d/.test(l))).toBeGreaterThan(running);
    expect(rowsOf(t.screen, 'busybox/mode=fail').some((l) => /^FAIL +\d/.test(l))).toBe(true);
    expect(rowsOf(t.screen, 'busybox/mode=ok').some((l) => /^PASS +\d/.test(l))).toBe(true);
    // Rows were redrawn in place: log-update moved the cursor up and erased lines.
    expect(t.screen).toContain('\u001b[2K');

    // The final grid: distros down, configurations across; then the failed cells and the summary line.
    expect(t.screen).toMatch(
      / {9}mode=ok +mode=hang +mode=fail +mode=isolation\r?\nbusybox +PASS +TIME +FAIL +PASS\r?\n/,
    );
    expect(t.screen).toMatch(/4 cells: 2 passed, 1 failed, 1 timed out/);
  }, 180_000);
});

describe('vmatrix test --follow', () => {
  it("streams the followed cell's output, prefixed by its id, ahead of its stamped block; an unknown cell is a usage error", async () => {
    const project = await gitProject('busybox-mix');
    const env = { VMATRIX_HOME: join(await mkdtemp(join(tmpdir(), 'vmx-follow-')), 'store') };
    const r = await runCli(
      ['test', '--reporter', 'plain', '--follow', 'busybox/mode=hang', '--only', 'mode=hang', '--only', 'mode=ok'],
      { cwd: project, env },
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const streamed = r.stdout.indexOf('busybox/mode=hang │ about to hang\n');
    expect(streamed).toBeGreaterThanOrEqual(0);
    expect(r.stdout).not.toContain('busybox/mode=ok │');
    expect(r.stdout.search(/^\d\d:\d\d:\d\d TIME .*busybox\/mode=hang {2}\(timed out in test\)$/m)).toBeGreaterThan(
      streamed,
    );

    const bad = await runCli(['test', '--follow', 'busybox/mode=hnag'], { cwd: project, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean busybox/mode=hang?');
  }, 120_000);
});
