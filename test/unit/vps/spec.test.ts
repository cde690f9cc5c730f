import { describe, expect, it } from 'vitest';
import {
  buildOciConfig,
  DEFAULT_CAPS,
  envList,
  hostsFile,
  MASKED_PATHS,
  type HostLimits,
} from '../../../src/vps/oci-spec.js';
import { seccompProfile, seccompWanted } from '../../../src/vps/seccomp.js';
import type { CellRunSpec } from '../../../src/vps/types.js';

const base: CellRunSpec = {
  id: 'vmx-r1-debian-12',
  hostname: 'debian-12',
  lowerdirs: ['/s/layers/a/diff', '/s/images/i/rootfs'],
  dir: '/s/cells/r1/debian-12',
  args: ['/bin/sh', '-c', 'make test'],
  env: { CI: '1' },
  cwd: '/src',
  network: 'none',
  stdout: process.stdout,
  stderr: process.stderr,
};
const host: HostLimits = { nofile: { soft: 1024, hard: 4096 }, swapLimit: true };

// The generated config is untyped JSON: the tests read it structurally.
type Json = Record<string, any>;
const build = (over: Partial<CellRunSpec> = {}, hostOver: Partial<HostLimits> = {}): Json => {
  const spec = { ...base, ...over };
  return buildOciConfig(spec, { ...host, ...hostOver }) as Json;
};
const destinations = (c: Json): string[] => c.mounts.map((m: Json) => m.destination);

describe('buildOciConfig', { tags: ['safety', 'isolation'] }, () => {
  it('runs the args as root, without a terminal, in cwd, with the host-capped rlimit', () => {
    const p = build().process;
    expect(p).toMatchObject({
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: base.args,
      cwd: '/src',
      noNewPrivileges: true,
    });
    expect(p.rlimits).toEqual([
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 },
      { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
    ]);
  });

  it('gives the Docker default capabilities and empty inheritable and ambient sets', () => {
    const caps = build().process.capabilities;
    expect(DEFAULT_CAPS).toHaveLength(14);
    for (const set of ['bounding', 'effective', 'permitted']) expect(caps[set]).toEqual(DEFAULT_CAPS);
    expect(caps.inheritable).toEqual([]);
    expect(caps.ambient).toEqual([]);
    expect(DEFAULT_CAPS).not.toContain('CAP_SYS_ADMIN');
  });

  it("roots the cell in the launcher's private tmpfs, writable, with its hostname", () => {
    const c = build();
    expect(c.ociVersion).toBe('1.0.2');
    expect(c.root).toEqual({ path: '/run/vmatrix/root', readonly: false });
    expect(c.hostname).toBe('debian-12');
  });

  it('lets the runtime pivot_root into the cell (never chroot) and runs a command of the image (SAFETY 20)', () => {
    const c = build();
    expect(c).not.toHaveProperty('noPivotRoot');
    expect(c.root.path).toBe('/run/vmatrix/root');
    expect(c.process.args[0]).toBe('/bin/sh'); // resolved inside the cell's root by the runtime, not a host binary
  });

  it('creates a network namespace only for network none', () => {
    const types = (c: Json) => c.linux.namespaces.map((n: Json) => n.type);
    expect(types(build())).toEqual(['pid', 'ipc', 'uts', 'mount', 'cgroup', 'network']);
    expect(types(build({ network: 'host' }))).toEqual(['pid', 'ipc', 'uts', 'mount', 'cgroup']);
  });

  it('joins the network namespace vmatrix made for an outbound cell (bound at /run/vmatrix/netns), before its user namespace', () => {
    const userns = { uid: 100000, gid: 100000, size: 65536 };
    const c = build({ network: 'outbound', userns }, { netns: true });
    expect(c.linux.namespaces).toEqual([
      { type: 'pid' },
      { type: 'ipc' },
      { type: 'uts' },
      { type: 'mount' },
      { type: 'cgroup' },
      { type: 'network', path: '/run/vmatrix/netns' },
      { type: 'user' },
    ]);
    expect(() => build({ network: 'outbound' })).toThrow(/needs its network namespace/);
  });

  it('gives an outbound cell no CAP_NET_RAW (packet sockets would pass by its rules), the resolv.conf copy and the host CAs', () => {
    const c = build({ network: 'outbound' }, { netns: true, hostCa: true });
    for (const set of ['bounding', 'effective', 'permitted'])
      expect(c.process.capabilities[set]).toEqual(DEFAULT_CAPS.filter((x) => x !== 'CAP_NET_RAW'));
    expect(destinations(c)).toEqual(expect.arrayContaining(['/etc/resolv.conf', '/dev/vmatrix/host-ca.crt']));
    expect(c.process.env).toContain('NODE_EXTRA_CA_CERTS=/dev/vmatrix/host-ca.crt');
    expect(build({ network: 'host' }).process.capabilities.bounding).toEqual(DEFAULT_CAPS);
  });

  it('mounts /proc, a minimal /dev, read-only /sys and cgroups, and the generated /etc/hosts', () => {
    const c = build();
    expect(destinations(c)).toEqual([
      '/proc',
      '/dev',
      '/dev/pts',
      '/dev/shm',
      '/dev/mqueue',
      '/sys',
      '/sys/fs/cgroup',
      '/etc/hosts',
    ]);
    const sys = c.mounts.find((m: Json) => m.destination === '/sys');
    expect(sys.options).toEqual(expect.arrayContaining(['ro', 'nosuid', 'noexec', 'nodev']));
    expect(c.mounts.find((m: Json) => m.destination === '/dev').options).toEqual(
      expect.arrayContaining(['nosuid', 'mode=755']),
    );
    expect(c.mounts.find((m: Json) => m.destination === '/proc').options).toEqual(['nosuid', 'noexec', 'nodev']);
    expect(c.mounts.find((m: Json) => m.destination === '/etc/hosts').source).toBe('/run/vmatrix/hosts');
  });

  it("binds a copy of the host's resolv.conf, read-only, with network host only", () => {
    const resolv = build({ network: 'host' }).mounts.find((m: Json) => m.destination === '/etc/resolv.conf');
    expect(resolv).toEqual({
      destination: '/etc/resolv.conf',
      type: 'bind',
      source: '/run/vmatrix/resolv.conf',
      options: ['bind', 'ro'],
    });
    expect(destinations(build())).not.toContain('/etc/resolv.conf');
  });

  it("gives a cell with the host's network the host's added CA certificates, read-only, and names them to Node", () => {
    const ca = (c: Json): Json | undefined => c.mounts.find((m: Json) => m.destination === '/dev/vmatrix/host-ca.crt');
    const withCa = build({ network: 'host' }, { hostCa: true });
    expect(ca(withCa)).toEqual({
      destination: '/dev/vmatrix/host-ca.crt',
      type: 'bind',
      source: '/run/vmatrix/host-ca.crt',
      options: ['bind', 'ro', 'nosuid', 'nodev', 'noexec'],
    });
    expect(withCa.process.env).toContain('NODE_EXTRA_CA_CERTS=/dev/vmatrix/host-ca.crt');
    // The step's own setting wins; a cell without the host's network, or a host without added CAs, gets none.
    expect(
      build({ network: 'host', env: { NODE_EXTRA_CA_CERTS: '/mine.pem' } }, { hostCa: true }).process.env,
    ).toContain('NODE_EXTRA_CA_CERTS=/mine.pem');
    for (const c of [build({ network: 'none' }, { hostCa: true }), build({ network: 'host' })]) {
      expect(ca(c)).toBeUndefined();
      expect(c.process.env.some((e: string) => e.startsWith('NODE_EXTRA_CA_CERTS='))).toBe(false);
    }
  });

  it('binds the source overlay the launcher mounted, resolved by the runtime inside the root', () => {
    const src = build({ source: { lower: '/s/sources/abc', dest: '/src' } }).mounts.at(-1);
    expect(src).toEqual({ destination: '/src', type: 'bind', source: '/run/vmatrix/src', options: ['bind', 'rw'] });
  });

  it('maps the cell ids to the host range and adds a user namespace when given one', () => {
    const l = build({ userns: { uid: 100000, gid: 200000, size: 65536 } }).linux;
    expect(l.namespaces.map((n: Json) => n.type)).toContain('user');
    expect(l.uidMappings).toEqual([{ containerID: 0, hostID: 100000, size: 65536 }]);
    expect(l.gidMappings).toEqual([{ containerID: 0, hostID: 200000, size: 65536 }]);
    expect(build().linux.namespaces.map((n: Json) => n.type)).not.toContain('user');
    expect(build().linux.uidMappings).toBeUndefined();
  });

  it('binds the host /sys read-only where sysfs cannot be mounted: a user namespace with the host network', () => {
    const userns = { uid: 100000, gid: 100000, size: 65536 };
    const sys = (c: Json) => c.mounts.find((m: Json) => m.destination === '/sys');
    expect(sys(build({ userns, network: 'host' }))).toEqual({
      destination: '/sys',
      type: 'bind',
      source: '/sys',
      options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'],
    });
    expect(sys(build({ userns, network: 'none' })).type).toBe('sysfs');
    expect(sys(build({ network: 'host' })).type).toBe('sysfs');
    expect(sys(build({ userns, network: 'outbound' }, { netns: true })).type).toBe('bind'); // the namespace is the host user namespace's
    expect(sys(build({ network: 'outbound' }, { netns: true })).type).toBe('sysfs');
  });

  it('runs a non-root user with capabilities in its bounding set only', () => {
    const p = build({ user: { uid: 2000, gid: 2000 } }).process;
    expect(p.user).toEqual({ uid: 2000, gid: 2000 });
    expect(p.capabilities.bounding).toEqual(DEFAULT_CAPS);
    for (const set of ['effective', 'permitted', 'inheritable', 'ambient']) expect(p.capabilities[set]).toEqual([]);
  });

  it('puts the cell in /vmatrix/<id>, denies devices by default, masks the OCI default paths, keeps mounts private', () => {
    const l = build().linux;
    expect(l.cgroupsPath).toBe('/vmatrix/vmx-r1-debian-12');
    expect(l.resources.devices).toEqual([{ allow: false, access: 'rwm' }]);
    expect(l.maskedPaths).toEqual(MASKED_PATHS);
    expect(l.maskedPaths).toEqual(expect.arrayContaining(['/proc/kcore', '/proc/keys', '/sys/firmware']));
    expect(l.readonlyPaths).toEqual(['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
    expect(l.rootfsPropagation).toBe('rprivate');
    expect(l.seccomp).toBeUndefined();
  });

  it('sets no limits unless asked', () => {
    expect(build().linux.resources).toEqual({ devices: [{ allow: false, access: 'rwm' }] });
  });

  it('limits memory with swap included, CPU time over a 100 ms period, and processes, keeping the device rule', () => {
    const r = build({ resources: { memoryBytes: 64 * 2 ** 20, cpus: 1.5, pids: 256 } }).linux.resources;
    expect(r).toEqual({
      devices: [{ allow: false, access: 'rwm' }],
      memory: { limit: 67108864, swap: 67108864 },
      cpu: { quota: 150000, period: 100000 },
      pids: { limit: 256 },
    });
  });

  it('sets only the limits given', () => {
    const r = build({ resources: { pids: 64 } }).linux.resources;
    expect(Object.keys(r)).toEqual(['devices', 'pids']);
  });

  it('leaves swap out where the host cannot limit it (cgroup v1 without swap accounting)', () => {
    expect(build({ resources: { memoryBytes: 2 ** 30 } }, { swapLimit: false }).linux.resources.memory).toEqual({
      limit: 2 ** 30,
    });
  });

  it('rounds a CPU quota to whole microseconds and keeps it at the kernel minimum of 1 ms', () => {
    expect(build({ resources: { cpus: 0.333333 } }).linux.resources.cpu).toEqual({ quota: 33333, period: 100000 });
    expect(build({ resources: { cpus: 0.001 } }).linux.resources.cpu).toEqual({ quota: 1000, period: 100000 });
  });
});

describe('envList', () => {
  it("adds PATH, HOME and TERM when missing and keeps the caller's values", () => {
    expect(envList({ CI: '1' })).toEqual([
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOME=/root',
      'TERM=xterm',
      'CI=1',
    ]);
    expect(envList({ PATH: '/bin', HOME: '/home/u', TERM: 'dumb' })).toEqual([
      'PATH=/bin',
      'HOME=/home/u',
      'TERM=dumb',
    ]);
  });
});

describe('hostsFile', () => {
  it('names localhost and the cell', () => {
    expect(hostsFile('debian-12')).toBe('127.0.0.1\tlocalhost debian-12\n::1\tlocalhost ip6-localhost ip6-loopback\n');
  });
});

describe('the seccomp filter', { tags: ['safety', 'isolation'] }, () => {
  it('is in the spec unless the host turned it off, for every architecture an x86-64 process can call as', () => {
    expect(build({}, { seccomp: true }).linux.seccomp).toEqual(seccompProfile());
    expect(build({}, { seccomp: false }).linux).not.toHaveProperty('seccomp');
    expect(seccompProfile('x64').architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(seccompProfile('arm64').architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect([
      seccompWanted({}),
      seccompWanted({ VMATRIX_SECCOMP: 'on' }),
      seccompWanted({ VMATRIX_SECCOMP: 'off' }),
      seccompWanted({ VMATRIX_SECCOMP: '0' }),
    ]).toEqual([true, true, false, false]);
    expect(() => seccompWanted({ VMATRIX_SECCOMP: 'maybe' })).toThrow(
      expect.objectContaining({ code: 'BAD_SECCOMP', exit: 2, message: 'VMATRIX_SECCOMP="maybe": expected on or off' }),
    );
  });

  it('denies by default with EPERM; allows clone only without namespace flags (its first argument; the second on s390x), and clone3 as not implemented', () => {
    const p = seccompProfile('x64') as { defaultAction: string; defaultErrnoRet: number; syscalls: Json[] };
    expect([p.defaultAction, p.defaultErrnoRet]).toEqual(['SCMP_ACT_ERRNO', 1]);
    const clone = (arch: string) =>
      (seccompProfile(arch) as { syscalls: Json[] }).syscalls.find((r) => r.names.includes('clone'))!;
    expect(clone('x64')).toEqual({
      names: ['clone'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    });
    expect(clone('s390x').args[0].index).toBe(1);
    expect((seccompProfile('x64') as { syscalls: Json[] }).syscalls.at(-1)).toEqual({
      names: ['clone3'],
      action: 'SCMP_ACT_ERRNO',
      errnoRet: 38,
    });
  });

  it('binds a package cache at /run/vmatrix-cache only when the spec has one, never executable', () => {
    expect(destinations(build())).not.toContain('/run/vmatrix-cache');
    const m = build({ packageCache: { source: '/s/caches/apt-debian-12-amd64/data' } }).mounts.find(
      (x: Json) => x.destination === '/run/vmatrix-cache',
    );
    expect(m).toEqual({
      destination: '/run/vmatrix-cache',
      type: 'bind',
      source: '/s/caches/apt-debian-12-amd64/data',
      options: ['bind', 'rw', 'nosuid', 'nodev', 'noexec'],
    });
  });
});
