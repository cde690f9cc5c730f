import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import { shq, Terminal } from '../helpers/terminal.js';
import type { RunResult } from '../../src/results/types.js';

// `vmatrix shell` driven through a real pseudo-terminal: util-linux's `script` gives it one (as a user's
// terminal would), and this test types into it and reads the screen.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
let project: string;
let home: string;
const terminals: Terminal[] = [];

beforeAll(async () => {
  project = await gitProject('busybox-mix');
  home = join(await mkdtemp(join(tmpdir(), 'vmx-shell-')), 'store');
});
afterAll(() => {
  for (const t of terminals) t.kill();
});

function open(args: string, store = home): Terminal {
  const t = new Terminal(`${shq(process.execPath)} ${shq(BIN)} shell ${args}`, project, {
    VMATRIX_HOME: store,
    NO_COLOR: '1',
  });
  terminals.push(t);
  return t;
}

describe('vmatrix shell in a pseudo-terminal', () => {
  it("opens a shell in exactly that cell: its matrix variables, the project at /src, a tty of the terminal's size", async () => {
    const t = open('busybox --set mode=fail');
    await t.waitFor(/shell in cell busybox\/mode=fail/);
    let mark = t.screen.length;
    // The runtime sizes the cell's pty just after the shell starts: ask until it has.
    t.type('echo "cell=$VMATRIX_CELL mode=$MODE greeting=$GREETING"; tty; pwd; ls /src\n');
    t.type(
      'for i in 1 2 3 4 5 6 7 8 9 10; do s=$(stty size 2>/dev/null); [ "$s" = "37 101" ] && break; sleep 0.2; done; echo "size=$s"\n',
    );
    await t.waitFor(/cell=busybox\/mode=fail mode=fail greeting=hello-busybox/, mark);
    await t.waitFor(/\/dev\/pts\/\d+/, mark);
    await t.waitFor(/size=37 101/, mark);
    await t.waitFor(/check\.sh/, mark);

    // Ctrl-C stops the program in the cell, not vmatrix: the shell goes on.
    mark = t.screen.length;
    t.type('sleep 60; echo "after sleep: $?"\n');
    await new Promise((r) => setTimeout(r, 1000));
    t.type('\x03');
    t.type('echo "still here: $VMATRIX_CELL"\n');
    await t.waitFor(/still here: busybox\/mode=fail/, mark, 10_000);
    expect(t.screen.slice(mark)).not.toContain('after sleep: 0');

    // The shell's exit status is vmatrix's.
    t.type('exit 7\n');
    expect(await t.exited).toBe(7);
  }, 120_000);

  it('writes in the cell never reach the checkout, and no cell is left behind', async () => {
    // A store of its own: what other tests' shells leave (when they fail) must not count here.
    const store = join(await mkdtemp(join(tmpdir(), 'vmx-shell-')), 'store');
    const t = open('"busybox/mode=ok"', store);
    await t.waitFor(/shell in cell busybox\/mode=ok/);
    t.type('echo scribble > /src/check.sh && echo > /src/new-file && echo "wrote: $?"; exit\n');
    expect(await t.exited).toBe(0);
    expect(t.screen).toContain('wrote: 0');
    expect(existsSync(join(project, 'new-file'))).toBe(false);
    const cells = await readdir(join(store, 'cells')).catch(() => []);
    expect(cells).toEqual([]);
  }, 120_000);

  it('runs a command given after -- in the terminal, and says what to do for an unknown cell', async () => {
    const t = open('busybox -- sh -c "test -t 0 && test -t 1 && echo both-ttys; exit 3"');
    expect(await t.exited).toBe(3);
    expect(t.screen).toContain('both-ttys');

    const bad = open('busybox --set mood=ok');
    expect(await bad.exited).toBe(2);
    expect(bad.screen).toMatch(/the matrix has no axis "mood"[\s\S]*did you mean mode\?/);
  }, 120_000);
});

describe('vmatrix run in a project', () => {
  it("runs a command in the named cell's environment, without a terminal, and returns its status", async () => {
    const r = await runCli(
      [
        'run',
        'busybox',
        '--set',
        'mode=fail',
        '--',
        'sh',
        '-c',
        'echo "$MODE $VMATRIX_CELL $(pwd)"; test -t 1 || echo no-tty; exit 4',
      ],
      {
        cwd: project,
        env: { VMATRIX_HOME: home },
      },
    );
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toBe('fail busybox/mode=fail /src\nno-tty\n');
    expect(r.stderr).toContain('command in cell busybox/mode=fail');
  }, 120_000);
});

describe('vmatrix test --keep, then vmatrix shell --run', () => {
  it('keeps what a failed cell wrote, and opens a shell on it without changing it', async () => {
    const r = await runCli(['test', '--keep', 'failed', '--only', 'mode=fail', '--only', 'mode=ok'], {
      cwd: project,
      env: { VMATRIX_HOME: home },
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
    const byMode = (m: string) => result.cells.find((c) => c.axes.mode === m)!;
    expect(byMode('ok').kept).toBeUndefined();
    expect(byMode('fail').kept).toBe(join(home, 'kept', result.runId, byMode('fail').slug));
    expect(await readdir(join(home, 'kept', result.runId))).toEqual([byMode('fail').slug]);
    expect(r.stdout).toContain(`vmatrix shell --run ${result.runId} busybox/mode=fail`);

    const look = 'cat /src/fail-evidence /tmp/fail-tmp-evidence; echo changed > /src/fail-evidence; echo "status $?"';
    const t = open(`--run latest busybox/mode=fail -- sh -c ${shq(look)}`);
    expect(await t.exited).toBe(0);
    expect(t.screen).toMatch(/left by the failing cell\r?\ntmp\r?\nstatus 0/);
    const again = open(`--run ${result.runId} busybox/mode=fail -- cat /src/fail-evidence`);
    expect(await again.exited).toBe(0);
    expect(again.screen).toContain('left by the failing cell');
    expect(again.screen).not.toContain('changed');

    const none = open(`--run ${result.runId} busybox/mode=ok`);
    expect(await none.exited).toBe(2);
    expect(none.screen).toContain('did not keep cell busybox/mode=ok');
  }, 180_000);
});
