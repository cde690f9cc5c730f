import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitRepo } from '../helpers/project.js';
import type { RunResult } from '../../src/results/types.js';

// What a hostile test step meets in a real cell (docs/safety.md, rules 36 and 37): the seccomp filter
// refuses the calls Docker's profile refuses (a static probe, test/fixtures/seccomp/probe.c, tries them),
// /proc is nosuid,noexec,nodev, core dumps are off for good, and the operator's ceilings on processes and
// memory hold in test and setup cells alike, whatever vmatrix.yml asks.

const TAGS = { tags: ['safety', 'untrusted'] };
const PROBE = new URL('../fixtures/seccomp/probe.c', import.meta.url).pathname;

let base: string;
let store: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'vmx-ceilings-'));
  store = join(base, 'store');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function vmatrix(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { cwd, env: { VMATRIX_HOME: store, ...env } });
}

async function results(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}

async function cellLog(dir: string, r: RunResult, id: string): Promise<string> {
  return readFile(join(dir, r.cells.find((c) => c.id === id)!.logPath), 'utf8');
}

/** `name result` lines of the probe's output. */
function probeLines(log: string): Record<string, string> {
  return Object.fromEntries([...log.matchAll(/^([a-z0-9_-]+) (ok|E[A-Z]+)$/gm)].map((m) => [m[1], m[2]]));
}

describe('the seccomp filter, /proc and core dumps in a real cell (SAFETY 36)', TAGS, () => {
  let dir: string;
  let filtered: CliResult;
  let unfiltered: CliResult;
  const seen: Record<string, string> = {};
  const control: Record<string, string> = {};

  beforeAll(async () => {
    dir = await gitRepo({
      'vmatrix.yml': [
        'distros: [busybox]',
        'test:',
        '  - ./probe',
        "  - grep ' /proc ' /proc/self/mountinfo",
        '  - echo "core soft=$(ulimit -c) hard=$(ulimit -Hc)"',
        '  - if ulimit -c 1024; then echo "core raised"; else echo "core not raised"; fi',
        '',
      ].join('\n'),
    });
    // Built static on the host: busybox has no C library to link against.
    execFileSync('gcc', ['-static', '-O1', '-o', join(dir, 'probe'), PROBE]);
    execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'add', 'probe'], { cwd: dir });
    execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-qm', 'probe'], {
      cwd: dir,
    });
    filtered = await vmatrix(['test', '--reporter', 'plain'], dir);
    const log = await cellLog(dir, await results(dir), 'busybox');
    Object.assign(seen, probeLines(log), {
      proc: /^\S+ \S+ \S+ \S+ \/proc (\S+)/m.exec(log)?.[1] ?? 'absent',
      core: /^core soft=.*$/m.exec(log)?.[0] ?? '',
      raise: /^core (not )?raised$/m.exec(log)?.[0] ?? '',
    });
    // The same probe without the filter: what the refusals below would otherwise have been.
    unfiltered = await vmatrix(['test', '--reporter', 'plain'], dir, { VMATRIX_SECCOMP: 'off' });
    Object.assign(control, probeLines(await cellLog(dir, await results(dir), 'busybox')));
  }, 300_000);

  it('runs the probe to its end, with and without the filter', () => {
    expect(filtered.code, filtered.stdout + filtered.stderr).toBe(0);
    expect(unfiltered.code, unfiltered.stdout + unfiltered.stderr).toBe(0);
    expect(seen.fork).toBe('ok');
  });

  it('refuses AF_VSOCK and AF_ALG sockets with EPERM and allows inet and unix ones', () => {
    expect([seen['socket-vsock'], seen['socket-alg'], seen['socket-inet'], seen['socket-unix']]).toEqual([
      'EPERM',
      'EPERM',
      'ok',
      'ok',
    ]);
    // Without the filter the kernel itself would have made the vsock socket (this host has vsock).
    expect(control['socket-vsock']).toBe('ok');
  });

  it('refuses kcmp, pidfd_getfd, process_madvise and fanotify_init, which the kernel would have allowed', () => {
    const names = ['kcmp', 'pidfd_getfd', 'process_madvise', 'fanotify_init'];
    expect(names.map((n) => seen[n])).toEqual(names.map(() => 'EPERM'));
    expect(names.map((n) => control[n])).toEqual(names.map(() => 'ok'));
    expect(seen.pidfd_open).toBe('ok');
  });

  it('allows only the personalities Docker allows, and no user namespace', () => {
    expect([seen['personality-query'], seen['personality-linux32'], seen['personality-norandom']]).toEqual([
      'ok',
      'ok',
      'EPERM',
    ]);
    expect(control['personality-norandom']).toBe('ok');
    expect([seen['unshare-user'], seen['clone-newuser']]).toEqual(['EPERM', 'EPERM']);
  });

  it('mounts /proc nosuid,nodev,noexec and holds core dumps at 0, soft and hard', () => {
    expect(seen.proc!.split(',')).toEqual(expect.arrayContaining(['nosuid', 'nodev', 'noexec']));
    expect(seen.core).toBe('core soft=0 hard=0');
    expect(seen.raise).toBe('core not raised');
  });
});

describe('ceilings the project cannot lift (SAFETY 37)', TAGS, () => {
  // Low ceilings, so that the test is quick and small: the operator's variables set them.
  const CEILINGS = { VMATRIX_MAX_PIDS: '100', VMATRIX_MAX_MEMORY: '64m' };
  let dir: string;
  let run: CliResult;
  let result: RunResult;
  let started: number;
  let took: number;

  beforeAll(async () => {
    dir = await gitRepo({
      'vmatrix.yml': [
        'distros: [busybox]',
        'matrix:',
        '  mode: [bomb, memory, ok]',
        'timeout: 10s',
        // Setup sees the same limits, and forks until it cannot.
        'setup: |',
        '  echo "setup pids.max=$(cat /sys/fs/cgroup/pids/pids.max) memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"',
        "  sh -c 'n=0; while sleep 1000 & do n=$((n+1)); echo $n > /tmp/forked; done' 2>/dev/null || true",
        '  echo "setup forked $(cat /tmp/forked) then could not"',
        'test:',
        '  - echo "test pids.max=$(cat /sys/fs/cgroup/pids/pids.max) memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"',
        '  - sh ./${{ matrix.mode }}.sh',
        '',
      ].join('\n'),
      // Every call forks two more, forever, and waits for them.
      'bomb.sh': 'b() { b | b; }\nb\n',
      'memory.sh': 'dd if=/dev/zero of=/dev/null bs=100M count=1\n',
      'ok.sh': 'sleep 3\necho "the other cell ran on"\n',
    });
    started = Date.now();
    run = await vmatrix(['test', '--reporter', 'plain', '--jobs', '3'], dir, CEILINGS);
    took = Date.now() - started;
    result = await results(dir);
  }, 300_000);

  it('contains a fork bomb: the cell fails, the other cells pass, vmatrix exits 1 in bounded time', async () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(result.cells.map((c) => c.id)).toEqual(['busybox/mode=bomb', 'busybox/mode=memory', 'busybox/mode=ok']);
    // It fails when the forks it cannot make end its shells, or at its timeout if they never do.
    expect(['failed', 'timed-out']).toContain(result.cells[0]!.status);
    expect(result.cells.slice(1).map((c) => c.status)).toEqual(['oom-killed', 'passed']);
    expect(took).toBeLessThan(60_000);
    const bomb = await cellLog(dir, result, 'busybox/mode=bomb');
    expect(bomb).toContain('test pids.max=100 ');
    expect(bomb).toMatch(/can't fork/);
    expect(await cellLog(dir, result, 'busybox/mode=ok')).toContain('the other cell ran on');
    // The host can still start processes, and none of the cells' is left: their cgroups are gone.
    expect(execFileSync('sh', ['-c', 'echo host-forks'], { encoding: 'utf8' })).toBe('host-forks\n');
    const left = await readdir('/sys/fs/cgroup/pids/vmatrix').catch(() => []);
    expect(left.filter((d) => d.includes('mode-bomb') || d.includes('mode=bomb'))).toEqual([]);
  });

  it('kills a cell that allocates past the memory ceiling, and says so', async () => {
    expect(await cellLog(dir, result, 'busybox/mode=memory')).toContain('test pids.max=100 memory=67108864');
    expect(run.stdout).toMatch(/busybox\/mode=memory/);
  });

  it('gives setup cells the same ceilings', async () => {
    const setupDir = join(dir, '.vmatrix/runs/latest/setup');
    const [log] = await readdir(setupDir);
    const text = await readFile(join(setupDir, log!), 'utf8');
    expect(text).toContain('setup pids.max=100 memory=67108864');
    const forked = Number(/^setup forked (\d+) then could not$/m.exec(text)?.[1]);
    expect(forked).toBeGreaterThan(50);
    expect(forked).toBeLessThan(100);
    expect(run.stderr + run.stdout).toContain('limits per cell, setup included: 64.0 MB of memory, 100 processes');
  });

  it('refuses a config that asks above a ceiling, with exit 2 naming the key and what raises the ceiling', async () => {
    for (const [key, yaml, raise] of [
      ['resources.pids', 'pids: 1000', '--max-pids or VMATRIX_MAX_PIDS'],
      ['resources.memory', 'memory: 1g', '--max-memory or VMATRIX_MAX_MEMORY'],
    ] as const) {
      const d = await gitRepo({ 'vmatrix.yml': `distros: [busybox]\nresources:\n  ${yaml}\ntest: "true"\n` });
      const r = await vmatrix(['test', '--reporter', 'plain'], d, CEILINGS);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain(`vmatrix.yml: ${key} is`);
      expect(r.stderr).toContain(raise);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      // The operator's flag lets the same config run.
      const flag = key === 'resources.pids' ? ['--max-pids', '1000'] : ['--max-memory', '1g'];
      const ok = await vmatrix(['test', '--reporter', 'plain', ...flag], d, CEILINGS);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    }
  });
});
