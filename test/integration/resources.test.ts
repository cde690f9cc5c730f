import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cgroupLayout } from '../../src/vps/runtime.js';
import { runCli, spawnCapture, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { CellResult, RunResult } from '../../src/results/types.js';

// resources: { memory: 32m, cpus: 0.5, pids: 64 } through the real CLI on busybox cells: the kernel enforces
// each limit, vmatrix reports the OOM kill as such, and a host without a controller is refused up front.

const MIB = 2 ** 20;
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

let project: string;
let home: string;
let run: CliResult;
let result: RunResult;
const cell = (mode: string): CellResult => result.cells.find((c) => c.axes.mode === mode)!;
const logOf = (mode: string): Promise<string> => readFile(join(project, cell(mode).logPath), 'utf8');

beforeAll(async () => {
  project = await gitProject('busybox-resources');
  home = join(await mkdtemp(join(tmpdir(), 'vmx-res-')), 'store');
  run = await runCli(['test', '--jobs', '4'], { cwd: project, env: { VMATRIX_HOME: home } });
  result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}, 180_000);

describe('vmatrix test with resources:', () => {
  it('exits 1 and reports the cell that ran out of memory as oom-killed, not failed', () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(result.cells.map((c) => [c.id, c.status])).toEqual([
      ['busybox/mode=oom', 'oom-killed'],
      ['busybox/mode=fork', 'failed'],
      ['busybox/mode=limits', 'passed'],
      ['busybox/mode=cpu', 'passed'],
    ]);
    expect(cell('oom')).toMatchObject({ phase: 'test', memoryLimit: 32 * MIB });
    expect(result.summary).toMatchObject({ total: 4, passed: 2, failed: 1, oomKilled: 1, timedOut: 0 });
  });

  it('says out of memory and the limit, with the tail of the log', () => {
    expect(run.stdout).toMatch(/^\d\d:\d\d:\d\d OOM .*busybox\/mode=oom {2}\(killed: out of memory, limit 32 MB\)$/m);
    expect(run.stdout).toContain('│ growing a string past the memory limit');
    expect(run.stdout).toMatch(/4 cells: 2 passed, 1 failed, 1 out of memory in/);
  });

  it('stops a cell from forking past the pids limit', async () => {
    const log = await logOf('fork');
    expect(log).toMatch(/can't fork: Resource temporarily unavailable/);
    expect(log).not.toContain('started all');
  });

  it('shows the cell its own limits through its cgroup namespace', async () => {
    const log = await logOf('limits');
    const swap = (await cgroupLayout()) === 'v2' ? 'swap=0' : `swap+memory=${32 * MIB}`;
    expect(log).toContain(`memory=${32 * MIB} ${swap}`);
    expect(log).toContain('pids=64 cpu=50000/100000');
  });

  it('throttles a cell that spins at more than half a CPU', async () => {
    const throttled = /^nr_throttled (\d+)$/m.exec(await logOf('cpu'));
    expect(throttled, await logOf('cpu')).not.toBeNull();
    // Without a quota the count stays 0; with one, a busy loop is throttled in (nearly) every period.
    expect(Number(throttled![1])).toBeGreaterThan(0);
  });
});

describe('vmatrix test with a limit the host cannot apply', () => {
  it('fails with exit 3 before any cell or run directory exists, naming the missing controller', async () => {
    const fresh = await gitProject('busybox-resources');
    await writeFile(join(fresh, 'vmatrix.yml'), 'distros: [busybox]\nresources: { pids: 64 }\ntest: "true"\n');
    const r = await withoutPidsController(['test'], fresh);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^error: resources: this host cannot apply pids: no .*pids/m);
    expect(r.stderr).toContain('hint: remove it from resources: in vmatrix.yml');
    expect(existsSync(join(fresh, '.vmatrix'))).toBe(false);
  });

  it('is a warning of `vmatrix doctor`', async () => {
    const r = await withoutPidsController(['doctor'], project);
    expect(r.stdout).toMatch(/^WARN {2}cgroup limits: resources: memory, cpus can be applied.*; pids cannot/m);
  });
});

/**
 * Runs the CLI in a private mount namespace where the pids controller is hidden: its v1 hierarchy unmounted,
 * or on cgroup v2 a cgroup.controllers without it bound over the real one. Nothing changes outside.
 */
async function withoutPidsController(args: string[], cwd: string): Promise<CliResult> {
  const hide =
    (await cgroupLayout()) === 'v2'
      ? 'f=$(mktemp) && sed "s/\\bpids\\b//" /sys/fs/cgroup/cgroup.controllers > "$f" && mount --bind "$f" /sys/fs/cgroup/cgroup.controllers'
      : 'umount /sys/fs/cgroup/pids';
  return spawnCapture(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      `${hide} && exec "$@"`,
      'sh',
      process.execPath,
      BIN,
      ...args,
    ],
    {
      cwd,
      env: { ...process.env, NO_COLOR: '1', VMATRIX_HOME: home },
    },
  );
}
