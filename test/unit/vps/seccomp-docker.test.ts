import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPS } from '../../../src/vps/oci-spec.js';
import { AF_ALG, AF_VSOCK, PERSONALITIES, seccompProfile } from '../../../src/vps/seccomp.js';

// vmatrix's seccomp filter beside Docker's default profile (test/fixtures/seccomp/README.md says where it comes
// from): nothing vmatrix allows may be refused by Docker to a container with Docker's default capabilities
// (which are a cell's), and the calls issue 14 names stay refused.

interface Arg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}
interface Rule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: Arg[];
  includes?: Filter;
  excludes?: Filter;
}
interface Filter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}
interface Profile {
  defaultAction: string;
  defaultErrnoRet?: number;
  syscalls: Rule[];
}

const docker = JSON.parse(
  readFileSync(new URL('../../fixtures/seccomp/docker-default.json', import.meta.url), 'utf8'),
) as Profile;
/** Docker's names for process.arch values (runtime.GOARCH). */
const GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};
const KERNEL = '6.1.0';

/** The rules of Docker's profile that apply to a container with `caps` on `arch`, as moby's setupSeccomp picks them. */
function dockerRules(arch: string, caps: readonly string[]): Rule[] {
  const goarch = GOARCH[arch]!;
  const included = (f: Filter = {}): boolean =>
    (f.caps ?? []).every((c) => caps.includes(c)) &&
    (!f.arches || f.arches.includes(goarch)) &&
    (!f.minKernel || f.minKernel <= KERNEL);
  const excluded = (f: Filter = {}): boolean =>
    (f.caps ?? []).some((c) => caps.includes(c)) || (f.arches ?? []).includes(goarch);
  return docker.syscalls.filter((r) => included(r.includes) && !excluded(r.excludes));
}

const allowedWithoutArgs = (rules: Rule[]): Set<string> =>
  new Set(rules.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names));
const ours = (arch: string): Rule[] => (seccompProfile(arch, KERNEL) as unknown as Profile).syscalls;
/** A rule's argument tests, as comparable strings (valueTwo 0 is what an absent one means). */
const argsOf = (rules: Rule[], name: string): string[] =>
  rules
    .filter((r) => r.names.includes(name) && r.action === 'SCMP_ACT_ALLOW')
    .map((r) => JSON.stringify((r.args ?? []).map((a) => [a.index, a.value, a.valueTwo ?? 0, a.op])))
    .sort();

/** What vmatrix allows and Docker's profile does not, each with the reason. Kept empty: add one only with a reason. */
const EXCEPTIONS: Record<string, string> = {};

describe("the seccomp filter beside Docker's default profile", { tags: ['safety', 'untrusted'] }, () => {
  it('denies by default with EPERM, as Docker does', () => {
    const p = seccompProfile('x64', KERNEL) as unknown as Profile;
    expect([p.defaultAction, p.defaultErrnoRet]).toEqual([docker.defaultAction, docker.defaultErrnoRet ?? 1]);
  });

  for (const arch of Object.keys(GOARCH)) {
    it(`allows on ${arch} without conditions only what Docker allows a container with the default capabilities`, () => {
      const theirs = allowedWithoutArgs(dockerRules(arch, DEFAULT_CAPS));
      const extra = [...allowedWithoutArgs(ours(arch))].filter((n) => !theirs.has(n) && !(n in EXCEPTIONS));
      expect(extra).toEqual([]);
      // Docker's list is the base: the calls real programs need are there.
      for (const n of [
        'rseq',
        'statx',
        'faccessat2',
        'close_range',
        'epoll_pwait2',
        'futex_waitv',
        'landlock_create_ruleset',
        'memfd_secret',
        'chroot',
      ])
        expect(allowedWithoutArgs(ours(arch))).toContain(n);
    });

    it(`tests socket, personality and clone arguments on ${arch} exactly as Docker does`, () => {
      const theirs = dockerRules(arch, DEFAULT_CAPS);
      for (const name of ['socket', 'personality', 'clone'])
        expect(argsOf(ours(arch), name), name).toEqual(argsOf(theirs, name));
      expect(ours(arch).find((r) => r.names.includes('clone3'))).toEqual({
        names: ['clone3'],
        action: 'SCMP_ACT_ERRNO',
        errnoRet: 38,
      });
    });
  }

  it('refuses AF_ALG and AF_VSOCK sockets and every personality but the five Docker allows', () => {
    const socket = ours('x64').filter((r) => r.names.includes('socket'));
    const allows = (family: number): boolean =>
      socket.some((r) =>
        r.args!.every((a) =>
          a.op === 'SCMP_CMP_LT' ? family < a.value : a.op === 'SCMP_CMP_GT' ? family > a.value : family === a.value,
        ),
      );
    expect([AF_ALG, AF_VSOCK].map(allows)).toEqual([false, false]);
    expect([1, 2, 10, 16, 17, 39, 41, 44].every(allows)).toBe(true); // unix, inet, inet6, netlink, packet, nfc, ...
    expect(argsOf(ours('x64'), 'personality')).toEqual(
      PERSONALITIES.map((v) => JSON.stringify([[0, v, 0, 'SCMP_CMP_EQ']])).sort(),
    );
  });

  it('refuses the calls that reach other processes or kernel state no namespace isolates', () => {
    const allowed = new Set(
      ours('x64')
        .filter((r) => r.action === 'SCMP_ACT_ALLOW')
        .flatMap((r) => r.names),
    );
    const refused = [
      'fanotify_init',
      'kcmp',
      'pidfd_getfd',
      'process_madvise',
      'unshare',
      'setns',
      'mount',
      'umount2',
      'pivot_root',
      'move_mount',
      'open_tree',
      'fsopen',
      'init_module',
      'finit_module',
      'kexec_load',
      'reboot',
      'swapon',
      'acct',
      'quotactl',
      'settimeofday',
      'clock_settime',
      'adjtimex',
      'clock_adjtime',
      'syslog',
      'add_key',
      'request_key',
      'keyctl',
      'bpf',
      'perf_event_open',
      'userfaultfd',
      'io_uring_setup',
      'io_uring_enter',
      'io_uring_register',
      'open_by_handle_at',
      'lookup_dcookie',
      'iopl',
      'ioperm',
      'vm86',
      'uselib',
      'ustat',
      'sysfs',
      '_sysctl',
      'sethostname',
      'setdomainname',
      'vhangup',
      'mbind',
      'set_mempolicy',
    ];
    expect(refused.filter((n) => allowed.has(n))).toEqual([]);
  });

  it('allows ptrace only on kernels where a traced process cannot get past seccomp (4.8+), as Docker', () => {
    expect(allowedWithoutArgs(ours('x64'))).toContain('ptrace');
    expect(allowedWithoutArgs((seccompProfile('x64', '4.4.0') as unknown as Profile).syscalls)).not.toContain('ptrace');
  });

  it('covers the i386 and x32 ABIs of an x86-64 host, and the 32-bit ABI of arm64 and s390x', () => {
    expect((seccompProfile('x64') as { architectures: string[] }).architectures).toEqual([
      'SCMP_ARCH_X86_64',
      'SCMP_ARCH_X86',
      'SCMP_ARCH_X32',
    ]);
    expect((seccompProfile('arm64') as { architectures: string[] }).architectures).toEqual([
      'SCMP_ARCH_AARCH64',
      'SCMP_ARCH_ARM',
    ]);
    expect((seccompProfile('s390x') as { architectures: string[] }).architectures).toEqual([
      'SCMP_ARCH_S390X',
      'SCMP_ARCH_S390',
    ]);
  });
});
