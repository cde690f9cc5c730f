// The cell's seccomp filter: every system call is allowed except those that reach kernel state no
// namespace isolates, or that hand a process without capabilities new ones. It follows what Docker's
// default profile refuses to a container without CAP_SYS_ADMIN: the rest of Docker's profile only repeats
// what the capabilities a cell lacks already deny. A deny-list rather than Docker's allow-list, so that a
// new system call a test suite uses is not refused by an old vmatrix.
//
// The point is user namespaces: without this filter, a cell could make a user namespace of its own, be
// root with every capability there, and reach mount, keyring and BPF code written for privileged
// callers, the kernel's largest attack surface for unprivileged users. `VMATRIX_SECCOMP=off` turns it off.

import { usageError } from '../util/errors.js';

const EPERM = 1;
const ENOSYS = 38;
const CLONE_NEWUSER = 0x10000000;

/** Refused with EPERM, as if the cell lacked the privilege (which it does). */
export const DENIED_SYSCALLS = [
  // New namespaces and joining others: unshare(CLONE_NEWUSER) is the way in (clone is filtered below).
  'unshare', 'setns',
  // Mounting, in any namespace the cell could make.
  'mount', 'umount', 'umount2', 'pivot_root', 'move_mount', 'open_tree', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr',
  // The kernel itself: modules, kexec, reboot, swap, the clock, accounting, quotas, the log.
  'init_module', 'finit_module', 'delete_module', 'create_module', 'get_kernel_syms', 'query_module',
  'kexec_load', 'kexec_file_load', 'reboot', 'swapon', 'swapoff', 'acct', 'quotactl', 'quotactl_fd',
  'settimeofday', 'stime', 'clock_settime', 'clock_adjtime', 'adjtimex', 'syslog',
  // Keyrings are not namespaced; BPF, perf and userfaultfd have been the kernel's way in again and again;
  // io_uring bypasses this very filter for the calls it carries out.
  'add_key', 'request_key', 'keyctl', 'bpf', 'perf_event_open', 'userfaultfd',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  // Files by handle skip every path check (the 2014 "shocker" escape); long-gone or x86-only oddities.
  'open_by_handle_at', 'lookup_dcookie', 'nfsservctl', 'uselib', 'ustat', 'sysfs', '_sysctl', 'vm86', 'vm86old', 'iopl', 'ioperm',
];

/** libseccomp's names of the architectures a process of this one can make system calls as. */
function architectures(arch: string): string[] {
  switch (arch) {
    case 'x64': return ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
    case 'arm64': return ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'];
    case 'ppc64': return ['SCMP_ARCH_PPC64LE'];
    case 's390x': return ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'];
    case 'riscv64': return ['SCMP_ARCH_RISCV64'];
    default: return [];
  }
}

/** linux.seccomp of the OCI spec. The runtime skips names its libseccomp does not know for an architecture. */
export function seccompProfile(arch: string = process.arch): Record<string, unknown> {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: architectures(arch),
    syscalls: [
      { names: DENIED_SYSCALLS, action: 'SCMP_ACT_ERRNO', errnoRet: EPERM },
      // clone with CLONE_NEWUSER is unshare by another name. Its flags are the first argument on every
      // architecture above but s390, where clone's first two arguments are swapped.
      { names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [{ index: arch === 's390x' ? 1 : 0, value: CLONE_NEWUSER, valueTwo: CLONE_NEWUSER, op: 'SCMP_CMP_MASKED_EQ' }] },
      // clone3 passes its flags in memory, which seccomp cannot read: "not implemented" makes the C
      // libraries fall back to clone, which is filtered.
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
    ],
  };
}

/** Whether cells get the filter: yes, unless VMATRIX_SECCOMP=off (or 0); any other value is a mistake. */
export function seccompWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.VMATRIX_SECCOMP?.trim() ?? '';
  if (['', 'on', '1'].includes(value)) return true;
  if (['off', '0'].includes(value)) return false;
  throw usageError('BAD_SECCOMP', `VMATRIX_SECCOMP="${value}": expected on or off`, { hint: 'unset it for the filter (the default), or set VMATRIX_SECCOMP=off to run cells without one' });
}

/** For the run's header: what the cells' filter is. */
export function seccompReason(env: NodeJS.ProcessEnv = process.env): string {
  return seccompWanted(env) ? 'seccomp filter: no namespaces, mounts, modules, keyrings, BPF or io_uring' : 'no seccomp filter (VMATRIX_SECCOMP=off)';
}
