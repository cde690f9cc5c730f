import { describe, expect, it } from 'vitest';
import { cellPaths } from '../../../src/vps/layout.js';
import { launcherArgv } from '../../../src/vps/launcher.js';
import {
  buildOciConfig,
  execProcessOf,
  hostsFile,
  readyProcessOf,
  type HostLimits,
} from '../../../src/vps/oci-spec.js';
import type { CellBoot, CellRunSpec, Runtime } from '../../../src/vps/types.js';
import { initOf } from '../../../src/cell/init.js';

// System cells (boot: true) as the runtime is told to run them: the init as PID 1 with what systemd needs to
// boot without CAP_SYS_ADMIN, and the steps and readiness polls exec'd by the launcher.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const boot: CellBoot = {
  init: ['/sbin/init'],
  initEnv: { container: 'vmatrix' },
  ready: 'systemctl is-system-running --wait',
  stopSignal: 37,
  timeoutMs: 60_000,
  consoleLog: '/p/.vmatrix/runs/r/debian-12/boot.log',
};
const spec: CellRunSpec = {
  id: 'vmx-1-0-debian-12',
  hostname: 'debian-12',
  lowerdirs: ['/s/images/i/rootfs'],
  dir: '/s/cells/r/c',
  args: ['/bin/sh', '-c', 'make check'],
  env: { CC: 'gcc' },
  cwd: '/src',
  network: 'none',
  stdout: process.stdout,
  stderr: process.stderr,
  boot,
};
const host: HostLimits = { nofile: { soft: 1024, hard: 4096 }, swapLimit: true };
const build = (over: Partial<CellRunSpec> = {}): Json => buildOciConfig({ ...spec, ...over }, host);

describe('the spec of a system cell', { tags: ['safety', 'isolation'] }, () => {
  it('runs the init as PID 1, root, on a terminal (its console), with its variables and not the steps', () => {
    const p = build().process;
    expect(p.args).toEqual(['/sbin/init']);
    expect(p.terminal).toBe(true);
    expect(p.user).toEqual({ uid: 0, gid: 0 });
    expect(p.env).toContain('container=vmatrix');
    expect(p.env).not.toContain('CC=gcc');
    expect(p.noNewPrivileges).toBe(true);
  });

  it('holds the default capabilities (journald drops its own), never CAP_SYS_ADMIN', () => {
    const caps = build().process.capabilities;
    expect(caps.effective).toEqual(caps.bounding);
    expect(caps.bounding).toContain('CAP_SETPCAP');
    expect(caps.bounding).not.toContain('CAP_SYS_ADMIN');
  });

  it('mounts /run and /run/lock as tmpfs and the cgroups writable; a plain cell keeps them read-only', () => {
    const m = build().mounts as Json[];
    expect(m.find((x) => x.destination === '/run')).toMatchObject({ type: 'tmpfs' });
    expect(m.find((x) => x.destination === '/run/lock').options).toContain('mode=1777');
    expect(m.find((x) => x.destination === '/sys/fs/cgroup').options).toContain('rw');
    const plain = build({ boot: undefined }).mounts as Json[];
    expect(plain.find((x) => x.destination === '/sys/fs/cgroup').options).toContain('ro');
    expect(plain.map((x) => x.destination)).not.toContain('/run');
  });

  it("hands the cell's cgroups to its root in a user namespace, by a hook of the runtime, and not otherwise", () => {
    const hook = build({ userns: { uid: 100000, gid: 100000, size: 65536 } }).hooks.createRuntime[0];
    expect(hook.path).toBe('/bin/sh');
    expect(hook.args.slice(-2)).toEqual(['/vmatrix/vmx-1-0-debian-12', '100000:100000']);
    // name=systemd wholly; elsewhere the directory and what makes children, never its own limits.
    expect(hook.args[2]).toContain('chown -R "$2" "$d"');
    expect(hook.args[2]).toContain('cgroup.procs cgroup.threads cgroup.subtree_control');
    expect(hook.args[2]).not.toMatch(/memory|pids\.max/);
    expect(build().hooks).toBeUndefined();
  });

  it("execs the steps as the cell would run them, and polls readiness as root with the init's command", () => {
    const steps: Json = execProcessOf({ ...spec, user: { uid: 1000, gid: 1000 } }, host);
    expect(steps).toMatchObject({ args: ['/bin/sh', '-c', 'make check'], cwd: '/src', user: { uid: 1000, gid: 1000 } });
    expect(steps.env).toContain('CC=gcc');
    expect(steps.capabilities.effective).toEqual([]);
    const ready = readyProcessOf({ ...spec, boot }, host);
    expect(ready).toMatchObject({ args: ['/bin/sh', '-c', boot.ready], cwd: '/', user: { uid: 0, gid: 0 } });
    expect(ready.terminal).toBe(false);
  });

  it('joins a group network namespace where one is given, and names the services in /etc/hosts', () => {
    const ns = build({ boot: undefined, joinNetns: 5 }).linux.namespaces as Json[];
    expect(ns.filter((n) => n.type === 'network')).toEqual([{ type: 'network', path: '/run/vmatrix/netns' }]);
    expect(() => build({ joinNetns: 5, network: 'host' })).toThrow(/network none/);
    expect(hostsFile('cell', ['db', 'files'])).toBe(
      '127.0.0.1\tlocalhost cell db files\n::1\tlocalhost ip6-localhost ip6-loopback\n',
    );
  });
});

describe('the launcher of a system cell', { tags: ['safety', 'isolation'] }, () => {
  const runtime: Runtime = {
    name: 'runc',
    path: '/usr/sbin/runc',
    version: '1.1.5',
    reason: 't',
    userns: { reason: 't' },
  };
  const tools = {
    setpriv: '/usr/bin/setpriv',
    unshare: '/usr/bin/unshare',
    shell: ['/bin/sh'],
    script: '/usr/bin/script',
  };
  const paths = cellPaths('/s/cells/r/c');
  const argv = launcherArgv(
    tools,
    runtime,
    {
      id: 'vmx-r-c',
      lowerdirs: ['/s/images/i/rootfs'],
      withResolv: false,
      owner: { uid: 0, gid: 0 },
      control: true,
      boot: { consoleLog: '/p/boot.log', stopSignal: 37, graceSec: 10, timeoutSec: 60, journal: '/p/journal.txt' },
    },
    paths,
  );
  const script = argv[15]!;

  it('runs the init under script(1), polls readiness, execs the steps, then stops it with its own signal', () => {
    expect(script).toContain('script -qfec');
    expect(script).toContain('rt exec --process "$pr" "$id"');
    expect(script).toContain('rt exec --preserve-fds 1 --process "$px" "$id"');
    expect(script).toContain('rt kill "$id" "$sig"');
    expect(script.indexOf('echo vmatrix-booted >&3')).toBeLessThan(script.indexOf('--preserve-fds 1'));
  });

  it('passes every path and value as an argument, never in the script text', () => {
    expect(script).not.toContain('/p/boot.log');
    expect(script).not.toContain('/s/cells');
    expect(script).not.toContain('vmx-r-c');
    expect(argv.slice(-17)).toEqual([
      '/p/boot.log',
      'vmx-r-c',
      paths.bundle,
      paths.execProcess,
      paths.readyProcess,
      paths.readyOut,
      '37',
      '10',
      '1',
      '60',
      paths.logProcess,
      '/p/journal.txt',
      '',
      '/usr/sbin/runc',
      '',
      '/run/vmatrix/state',
      paths.runtimeLog,
    ]);
  });
});

describe('the init of each family', () => {
  it('boots systemd on apt, dnf, zypper and pacman, OpenRC on apk, and stops systemd with SIGRTMIN+3', () => {
    for (const pm of ['apt', 'dnf', 'zypper', 'pacman'] as const)
      expect(initOf({ packageManager: pm })?.kind).toBe('systemd');
    expect(initOf({ packageManager: 'apt' })).toMatchObject({ packages: ['systemd-sysv'], stopSignal: 37 });
    expect(initOf({ packageManager: 'apk' })?.kind).toBe('openrc');
    expect(initOf({ packageManager: 'xbps' })).toBeUndefined();
  });
});
