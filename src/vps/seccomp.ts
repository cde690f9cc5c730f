// The cell's seccomp filter: an allow-list with a default deny, at least as strict as Docker's default profile
// for a container with Docker's default capabilities (which are the cell's, oci-spec.ts). Everything not listed
// fails with EPERM, as if the cell lacked the privilege. The names come from Docker's profile
// (seccomp-syscalls.ts), which is maintained for what real programs need; a system call newer than the
// host's libseccomp gets ENOSYS from the runtime, so C libraries fall back to an older one.
//
// The point is the kernel's attack surface for unprivileged users: without this filter a cell could make a
// user namespace of its own, be root with every capability there, and reach mount, keyring and BPF code
// written for privileged callers.
//
// Not closed: i386 `socketcall(SYS_SOCKET)`. Its arguments are in memory, where seccomp cannot check the
// family, and libseccomp turns every `socket` rule on SCMP_ARCH_X86 into an allowed socketcall(SYS_SOCKET)
// whatever the family (abi_rule_add rewrites the family test into `a0 == SYS_SOCKET`); a rule refusing it
// conflicts with that one (EEXIST) and the runtime would not start. Docker's profile has the same gap. An
// i386 process can make AF_VSOCK or AF_ALG sockets that way, unless the host runs without the i386 ABI
// (`ia32_emulation=off`). Refusing all of SCMP_ARCH_X86 would close it, and stop every i386 program.
// `VMATRIX_SECCOMP=off` turns the filter off.

import { release } from 'node:os';
import { usageError } from '../util/errors.js';
import { ALLOWED_SYSCALLS, ARCH_SYSCALLS } from './seccomp-syscalls.js';

const EPERM = 1;
const ENOSYS = 38;
/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET: clone may make no namespace. */
const CLONE_NAMESPACES = 0x7e020000;
/** Address families a cell may not open: AF_ALG (the kernel's crypto API) and AF_VSOCK (the hypervisor). */
export const AF_ALG = 38;
export const AF_VSOCK = 40;
/** The personality(2) values Docker allows: Linux, Linux with UNAME26, Linux32, Linux32 with UNAME26, and the query. */
export const PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

type Rule = Record<string, unknown>;
const allow = (names: string[], args?: Rule[]): Rule => ({ names, action: 'SCMP_ACT_ALLOW', ...(args && { args }) });

/** libseccomp's names of the architectures a process of this one can make system calls as. */
function architectures(arch: string): string[] {
  switch (arch) {
    case 'x64':
      return ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
    case 'arm64':
      return ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'];
    case 'ppc64':
      return ['SCMP_ARCH_PPC64LE'];
    case 's390x':
      return ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'];
    case 'riscv64':
      return ['SCMP_ARCH_RISCV64'];
    default:
      return [];
  }
}

/** Whether ptrace can be allowed: before Linux 4.8 a traced process could get past seccomp (Docker's minKernel). */
export function ptraceSafe(kernel: string): boolean {
  const [major = 0, minor = 0] = kernel.split('.').map((n) => Number.parseInt(n, 10));
  return major > 4 || (major === 4 && minor >= 8);
}

/** linux.seccomp of the OCI spec. The runtime skips names its libseccomp does not know for an architecture. */
export function seccompProfile(arch: string = process.arch, kernel: string = release()): Record<string, unknown> {
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    architectures: architectures(arch),
    syscalls: [
      // chroot needs CAP_SYS_CHROOT, which cells hold (Docker allows it then).
      allow([
        ...ALLOWED_SYSCALLS,
        ...(ARCH_SYSCALLS[arch] ?? []),
        'chroot',
        ...(ptraceSafe(kernel) ? ['ptrace', 'process_vm_readv', 'process_vm_writev'] : []),
      ]),
      // Any family but AF_ALG and AF_VSOCK, as Docker's profile.
      allow(['socket'], [{ index: 0, value: AF_ALG, op: 'SCMP_CMP_LT' }]),
      allow(['socket'], [{ index: 0, value: AF_ALG + 1, op: 'SCMP_CMP_EQ' }]),
      allow(['socket'], [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_GT' }]),
      ...PERSONALITIES.map((value) => allow(['personality'], [{ index: 0, value, op: 'SCMP_CMP_EQ' }])),
      // clone making no namespace. Its flags are the first argument everywhere but s390, where the first two are
      // swapped.
      allow(
        ['clone'],
        [{ index: arch === 's390x' ? 1 : 0, value: CLONE_NAMESPACES, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
      ),
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
  throw usageError('BAD_SECCOMP', `VMATRIX_SECCOMP="${value}": expected on or off`, {
    hint: 'unset it for the filter (the default), or set VMATRIX_SECCOMP=off to run cells without one',
  });
}

/** For the run's header: what the cells' filter is. */
export function seccompReason(env: NodeJS.ProcessEnv = process.env): string {
  return seccompWanted(env)
    ? 'seccomp filter: no namespaces, mounts, modules, keyrings, BPF or io_uring'
    : 'no seccomp filter (VMATRIX_SECCOMP=off)';
}
