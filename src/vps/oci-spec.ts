import { HOST_CA_IN_CELL } from './host-ca.js';
import { CELL_HOST_CA, CELL_NETNS, CELL_USERNS, CELL_HOSTS, CELL_RESOLV, CELL_ROOTFS, CELL_SOURCE } from './layout.js';
import { CELL_PACKAGE_CACHE, type CellBoot, type CellResources, type CellRunSpec } from './types.js';
import { seccompProfile } from './seccomp.js';
import type { RootlessMode } from '../util/user-namespace.js';

// The OCI runtime spec (1.0.2) of a cell: a pure function of the CellRunSpec, so it is unit-tested without
// a runtime. The cell relies on namespaces (a user namespace where the host has subordinate ids), the Docker
// default capability set (none for a non-root user), NoNewPrivileges, an allow-list seccomp filter
// (seccomp.ts), a deny-all device cgroup and the masked /proc paths. Host-side paths are those of the
// launcher's tmpfs.

/** Docker's default capabilities: what package managers and test suites need, nothing that administers the host. */
export const DEFAULT_CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** runc's defaults plus Docker's powercap mask (CVE-2020-8694). */
export const MASKED_PATHS = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The cgroup of a cell, relative to each hierarchy's root; the sweep looks for leftovers there. */
export function cgroupPathOf(id: string): string {
  return `/vmatrix/${id}`;
}

export type OciConfig = Record<string, unknown>;

/** What the spec takes from the host rather than from the cell (see limits.ts, cgroups.ts). */
export interface HostLimits {
  nofile: { soft: number; hard: number };
  /** Whether swap can be limited: not on cgroup v1 without swap accounting, where runc fails writing memsw. */
  swapLimit: boolean;
  /** The seccomp filter (seccomp.ts), unless VMATRIX_SECCOMP=off. */
  seccomp?: boolean;
  /** The host's added CA certificates are in the cell's mount dir (host-ca.ts): a cell with a network gets them. */
  hostCa?: boolean;
  /** The network namespace an outbound cell joins (outbound.ts); the launcher binds it at CELL_NETNS. */
  netns?: boolean;
  /**
   * vmatrix runs rootless (rootless.ts): the cell gets no cgroup of its own, which the user cannot make; a
   * runtime given no cgroup path leaves the cell in vmatrix's, and a run that asks for limits was refused.
   */
  rootless?: RootlessMode;
}

/** Whether a cell reaches beyond its own loopback: it then gets a resolv.conf and the host's CA certificates. */
export function hasNetwork(spec: Pick<CellRunSpec, 'network'>): boolean {
  return spec.network !== 'none';
}

/** The CFS period of a CPU limit (100 ms, the kernel's default); the quota is `cpus` of it, at least 1 ms. */
export const CPU_PERIOD_US = 100_000;
const MIN_CPU_QUOTA_US = 1_000;

export function buildOciConfig(spec: CellRunSpec, host: HostLimits): OciConfig {
  if (spec.network === 'outbound' && !host.netns)
    throw new Error(`cell ${spec.id}: an outbound cell needs its network namespace`);
  if (spec.joinNetns !== undefined && spec.network !== 'none')
    throw new Error(`cell ${spec.id}: a cell joins a group's network namespace only with network none`);
  return {
    ociVersion: '1.0.2',
    process: spec.boot ? initProcessOf(spec, host) : processOf(spec, host),
    root: { path: CELL_ROOTFS, readonly: false },
    hostname: spec.hostname,
    mounts: spec.boot
      ? [...mountsOf(spec, host).map(cgroupWritable), ...BOOT_MOUNTS, ...(spec.boot.tmpfsTmp ? [TMP_TMPFS] : [])]
      : mountsOf(spec, host),
    linux: linuxOf(spec, host),
    ...(spec.boot && spec.userns && { hooks: { createRuntime: [cgroupHandover(spec)] } }),
  };
}

/** The process of a system cell's steps and of its readiness polls, which the runtime execs in the booted cell. */
export function execProcessOf(spec: CellRunSpec, host: HostLimits, args = spec.args): Record<string, unknown> {
  return { ...processOf(spec, host), args };
}

/** A readiness poll (or the init's log): root, no terminal, the init's ready command. */
export function readyProcessOf(
  spec: CellRunSpec & { boot: CellBoot },
  host: HostLimits,
  command = spec.boot.ready,
): Record<string, unknown> {
  const base = processOf({ ...spec, user: { uid: 0, gid: 0 }, terminal: false, env: {} }, host);
  return { ...base, args: ['/bin/sh', '-c', command], cwd: '/' };
}

/**
 * PID 1 of a system cell: the init, as root with the default capabilities (systemd drops what each service
 * does not need; without CAP_SETPCAP and the others journald cannot drop its own and the system is
 * degraded). Its console is a terminal (systemd writes to nothing else), which the launcher records.
 */
function initProcessOf(spec: CellRunSpec & { boot?: CellBoot }, host: HostLimits): Record<string, unknown> {
  const base = processOf({ ...spec, user: { uid: 0, gid: 0 } }, host);
  const caps = spec.network === 'outbound' ? DEFAULT_CAPS.filter((c) => c !== 'CAP_NET_RAW') : [...DEFAULT_CAPS];
  return {
    ...base,
    terminal: true,
    args: spec.boot!.init,
    env: envList({ ...spec.boot!.initEnv }),
    cwd: '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
  };
}

/**
 * What an init needs besides a cell's mounts: /run and /run/lock as tmpfs (systemd cannot mount them
 * without CAP_SYS_ADMIN, and fails "Failed to mount API filesystems").
 */
const BOOT_MOUNTS = [
  { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=755', 'size=65536k'] },
  {
    destination: '/run/lock',
    type: 'tmpfs',
    source: 'tmpfs',
    options: ['nosuid', 'nodev', 'noexec', 'mode=1777', 'size=5120k'],
  },
];

/** /tmp as systemd's tmp.mount makes it (Debian 13): half of memory, a million inodes. */
const TMP_TMPFS = {
  destination: '/tmp',
  type: 'tmpfs',
  source: 'tmpfs',
  options: ['nosuid', 'nodev', 'mode=1777', 'size=50%', 'nr_inodes=1m'],
};

/**
 * The cell's cgroups are mounted writable for an init: systemd makes init.scope and a cgroup per service
 * below the cell's own ("Failed to create /init.scope control group: Read-only file system" otherwise). It
 * sees its own cgroup alone; the limits are in the cell's cgroup itself, which it cannot raise (below).
 */
function cgroupWritable(m: Record<string, unknown>): Record<string, unknown> {
  if (m.destination !== '/sys/fs/cgroup') return m;
  return { ...m, options: (m.options as string[]).map((o) => (o === 'ro' ? 'rw' : o)) };
}

// $1 the cell's cgroup path, $2 uid:gid of the cell's root on the host. cgroup v1's name=systemd (no
// controller: nothing there limits anything) wholly; elsewhere (v2, or v1 hierarchies of controllers) the
// directory and what makes children in it, never the files of its own limits, which stay root's.
const CGROUP_HANDOVER = [
  'for d in /sys/fs/cgroup/systemd"$1"; do [ -d "$d" ] && chown -R "$2" "$d"; done',
  'for d in /sys/fs/cgroup"$1" /sys/fs/cgroup/unified"$1"; do',
  '  [ -d "$d" ] || continue',
  '  chown "$2" "$d"',
  '  for f in cgroup.procs cgroup.threads cgroup.subtree_control; do [ -e "$d/$f" ] && chown "$2" "$d/$f"; done',
  'done',
  'exit 0',
].join('\n');

/**
 * A createRuntime hook (run by the runtime on the host, after it made the cell's cgroups and before the init
 * starts) that hands them to the cell's root: an init in a user namespace cannot write cgroups of the host's
 * root ("Failed to create /init.scope control group: Permission denied").
 */
function cgroupHandover(spec: CellRunSpec): Record<string, unknown> {
  const { userns } = spec;
  return {
    path: '/bin/sh',
    args: ['sh', '-c', CGROUP_HANDOVER, 'vmatrix-cgroup', cgroupPathOf(spec.id), `${userns!.uid}:${userns!.gid}`],
    env: [`PATH=${DEFAULT_PATH}`],
    timeout: 10,
  };
}

function processOf(spec: CellRunSpec, host: HostLimits): Record<string, unknown> {
  const user = spec.user ?? { uid: 0, gid: 0 };
  // Raw packet sockets would bypass the outbound namespace's rules; with a user namespace the cell could
  // not open them there anyway (the namespace is the host's user namespace's), without one it could.
  const caps = spec.network === 'outbound' ? DEFAULT_CAPS.filter((c) => c !== 'CAP_NET_RAW') : [...DEFAULT_CAPS];
  // Like a login: root holds the capabilities, any other user only has them in its bounding set.
  const held = user.uid === 0 ? caps : [];
  return {
    terminal: spec.terminal === true,
    user,
    args: spec.args,
    // A step's own NODE_EXTRA_CA_CERTS wins over the host's certificates.
    env: envList(hasNetwork(spec) && host.hostCa ? { NODE_EXTRA_CA_CERTS: HOST_CA_IN_CELL, ...spec.env } : spec.env),
    cwd: spec.cwd,
    capabilities: { bounding: caps, effective: held, permitted: held, inheritable: [], ambient: [] },
    // A soft limit old select()-based programs survive, a hard one test suites can raise theirs to.
    // No core dumps, soft or hard: a host whose core_pattern pipes to a handler runs it as root on the host
    // for every crash, with the cell's dump as its input.
    rlimits: [
      { type: 'RLIMIT_NOFILE', ...host.nofile },
      { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
    ],
    noNewPrivileges: true,
  };
}

/** The caller's variables, plus what a login would set when the caller did not. */
export function cellEnvironment(env: Record<string, string>): Record<string, string> {
  return { PATH: DEFAULT_PATH, HOME: '/root', TERM: 'xterm', ...env };
}

export function envList(env: Record<string, string>): string[] {
  return Object.entries(cellEnvironment(env)).map(([k, v]) => `${k}=${v}`);
}

function mountsOf(spec: CellRunSpec, host: HostLimits): Record<string, unknown>[] {
  const mounts: Record<string, unknown>[] = [
    // Nothing in /proc is a program, a device or set-uid: say so, as for /sys.
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      // tty's gid 5, where the cell has it: a namespace of the user's id alone maps no gid but 0.
      options: [
        'nosuid',
        'noexec',
        'newinstance',
        'ptmxmode=0666',
        'mode=0620',
        ...(host.rootless === 'single' ? [] : ['gid=5']),
      ],
    },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    sysMount(spec),
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
    },
    // /tmp stays the overlay's: a tmpfs would hold big build files in RAM; the upper dir is per cell anyway.
    { destination: '/etc/hosts', type: 'bind', source: CELL_HOSTS, options: ['bind', 'rw'] },
  ];
  // A copy, not the host's file: the cell never holds an inode of the host's /etc.
  if (hasNetwork(spec))
    mounts.push({ destination: '/etc/resolv.conf', type: 'bind', source: CELL_RESOLV, options: ['bind', 'ro'] });
  if (hasNetwork(spec) && host.hostCa)
    mounts.push({
      destination: HOST_CA_IN_CELL,
      type: 'bind',
      source: CELL_HOST_CA,
      options: ['bind', 'ro', 'nosuid', 'nodev', 'noexec'],
    });
  // The launcher mounted the source overlay; the runtime resolves `dest` inside the root (symlinks
  // included), which a host-side mount would not.
  if (spec.source)
    mounts.push({ destination: spec.source.dest, type: 'bind', source: CELL_SOURCE, options: ['bind', 'rw'] });
  // A setup cell's package cache: downloads only, nothing in it is run, a device or set-uid. A bind, not part
  // of the overlay, so nothing written there reaches the layer (the mount point aside, which build.ts removes).
  if (spec.packageCache)
    mounts.push({
      destination: CELL_PACKAGE_CACHE,
      type: 'bind',
      source: spec.packageCache.source,
      options: ['bind', 'rw', 'nosuid', 'nodev', 'noexec'],
    });
  return mounts;
}

/**
 * sysfs can only be mounted by the owner of the network namespace: a cell with a user namespace and a
 * network namespace it does not own (the host's, or the outbound one vmatrix made) gets a read-only bind of
 * the host's /sys instead, as Podman does.
 */
function sysMount(spec: CellRunSpec): Record<string, unknown> {
  if (spec.userns && (hasNetwork(spec) || spec.joinNetns !== undefined)) {
    return { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] };
  }
  return { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] };
}

function linuxOf(spec: CellRunSpec, host: HostLimits): Record<string, unknown> {
  const namespaces: Array<{ type: string; path?: string }> = ['pid', 'ipc', 'uts', 'mount', 'cgroup'].map((type) => ({
    type,
  }));
  // A new network namespace with no path: the runtime brings its loopback up.
  if (spec.joinNetns !== undefined) namespaces.push({ type: 'network', path: CELL_NETNS });
  else if (spec.network === 'none') namespaces.push({ type: 'network' });
  // Made by vmatrix in the host's user namespace, which owns it: root in the cell's has no CAP_NET_ADMIN over it.
  if (spec.network === 'outbound') namespaces.push({ type: 'network', path: CELL_NETNS });
  if (spec.userns)
    namespaces.push(spec.joinUserns !== undefined ? { type: 'user', path: CELL_USERNS } : { type: 'user' });
  const { userns } = spec;
  return {
    namespaces,
    ...(userns
      ? {
          uidMappings: [{ containerID: 0, hostID: userns.uid, size: userns.size }],
          gidMappings: [{ containerID: 0, hostID: userns.gid, size: userns.size }],
        }
      : {}),
    ...(!host.rootless && { cgroupsPath: cgroupPathOf(spec.id) }),
    resources: resourcesOf(spec.resources ?? {}, host),
    rootfsPropagation: 'rprivate',
    maskedPaths: MASKED_PATHS,
    readonlyPaths: READONLY_PATHS,
    ...(host.seccomp && { seccomp: seccompProfile() }),
  };
}

/** linux.resources: the device cgroup, and the limits the cell asked for. */
export function resourcesOf(r: CellResources, host: HostLimits): Record<string, unknown> {
  return {
    // Deny all; the runtime then allows its default devices (null, zero, full, random, urandom, tty, ptmx).
    devices: [{ allow: false, access: 'rwm' }],
    // swap is memory+swap: the same value as the limit means no swap on top of it.
    ...(r.memoryBytes !== undefined && {
      memory: { limit: r.memoryBytes, ...(host.swapLimit && { swap: r.memoryBytes }) },
    }),
    ...(r.cpus !== undefined && {
      cpu: { quota: Math.max(MIN_CPU_QUOTA_US, Math.round(r.cpus * CPU_PERIOD_US)), period: CPU_PERIOD_US },
    }),
    ...(r.pids !== undefined && { pids: { limit: r.pids } }),
  };
}

/** /etc/hosts of a cell: loopback names and the cell's own hostname. */
export function hostsFile(hostname: string, extra: readonly string[] = []): string {
  const names = ['localhost', hostname, ...extra].join(' ');
  return `127.0.0.1\t${names}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;
}
