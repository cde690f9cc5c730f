import { access, readFile } from 'node:fs/promises';
import { execCapture, which } from '../util/exec.js';
import { messageOf } from '../util/errors.js';
import {
  addRootSubids,
  CGROUP_LIMITS,
  OUTBOUND_PACKAGES,
  outboundTools,
  setupNetwork,
  cgroupSupport,
  chooseUserns,
  detectRuntime,
  freeSubidStart,
  explainMissing,
  LIMIT_KEYS,
  seccompWanted,
  type CgroupLimit,
  type CgroupSupport,
  runtimeHasSeccomp,
  noTunError,
  rootlessOverlay,
  subidProblem,
  tunUsable,
  userIds,
  usernsRefusal,
  type UserIds,
} from '../vps/index.js';
import { hostDebianMirror } from '../images/index.js';
import { archChecks } from './arches.js';
import type { CheckResult } from './types.js';

export type { CheckResult } from './types.js';

// `vmatrix doctor`: every host prerequisite as a check that says what is wrong and the exact command that
// fixes it. Checks are data (name, probe, packages); `--fix` installs the packages of the failed ones.

type CheckOutcome = { ok: boolean; detail: string; fix?: string; warn?: boolean };

interface Check {
  name: string;
  packages?: string[];
  run(): CheckOutcome | Promise<CheckOutcome>;
  repair?: () => Promise<string>;
}

const program = (name: string, pkg: string, why: string): Check => ({
  name: `${name} (${why})`,
  packages: [pkg],
  run: async () => {
    const path = await which(name);
    return path ? { ok: true, detail: path } : { ok: false, detail: `${name} not found on PATH` };
  },
});

const CHECKS: Check[] = [
  {
    name: 'privileges',
    run: async () => {
      if (process.getuid?.() === 0) return { ok: true, detail: 'running as root' };
      const refusal = await usernsRefusal();
      if (refusal) return { ok: false, detail: refusal.message, fix: refusal.hint ?? '' };
      return {
        ok: true,
        detail:
          'without root: test, run, shell, image, ps and kill run in a user namespace of yours (root stays for CI ' +
          'runners, which get resource limits)',
      };
    },
  },
  {
    name: 'overlayfs',
    run: async () =>
      (await readFile('/proc/filesystems', 'utf8')).includes('\toverlay\n')
        ? { ok: true, detail: 'the kernel supports overlay mounts' }
        : { ok: false, detail: 'the kernel has no overlay filesystem loaded', fix: 'modprobe overlay' },
  },
  {
    name: 'namespaces',
    run: async () => {
      const kinds = ['mnt', 'pid', 'net', 'uts', 'ipc', 'cgroup', 'user'];
      const missing: string[] = [];
      for (const k of kinds) await access(`/proc/self/ns/${k}`).catch(() => missing.push(k));
      return missing.length
        ? {
            ok: false,
            detail: `missing: ${missing.join(', ')}`,
            fix: 'use a kernel built with CONFIG_NAMESPACES and the missing kinds',
          }
        : { ok: true, detail: kinds.join(' ') };
    },
  },
  {
    name: 'OCI runtime',
    packages: ['runc'],
    run: async () => {
      try {
        const r = await detectRuntime();
        return { ok: true, detail: `${r.name} ${r.version}: ${r.reason}` };
      } catch (e) {
        return { ok: false, detail: messageOf(e) };
      }
    },
  },
  {
    name: 'user namespace',
    run: async () => {
      if (process.getuid?.() !== 0) {
        const files = await Promise.all(['/etc/subuid', '/etc/subgid'].map((f) => readFile(f, 'utf8').catch(() => '')));
        return rootlessIds(await userIds(), freeSubidStart(files));
      }
      const c = await chooseUserns();
      if (c.map)
        return {
          ok: true,
          detail:
            `${c.reason}; ids 0-${c.map.size - 1} of a cell are host ids ` +
            `${c.map.uid}-${c.map.uid + c.map.size - 1}`,
        };
      return {
        ok: false,
        warn: true,
        detail: `${c.reason}.`,
        fix:
          'vmatrix doctor --fix adds a range for root to /etc/subuid and /etc/subgid (or by hand: usermod ' +
          '--add-subuids START-END --add-subgids START-END root, with 65536 ids no other user has)',
      };
    },
    repair: async () => {
      const line = await addRootSubids();
      return line ? `added ${line} to /etc/subuid and /etc/subgid` : 'root already has subordinate ids';
    },
  },
  {
    name: 'overlay without root',
    run: async () => {
      if (process.getuid?.() === 0) return { ok: true, detail: 'not needed: running as root' };
      try {
        return (await rootlessOverlay()) === 'fuse'
          ? { ok: true, detail: 'fuse-overlayfs: this kernel does not mount overlayfs in a user namespace' }
          : { ok: true, detail: "the kernel's overlayfs, in your user namespace (userxattr)" };
      } catch (e) {
        const err = e as Error & { hint?: string };
        return { ok: false, detail: err.message, fix: err.hint };
      }
    },
  },
  {
    name: 'seccomp',
    run: async () => {
      let wanted: boolean;
      try {
        wanted = seccompWanted();
      } catch (e) {
        return { ok: false, detail: messageOf(e), fix: 'unset VMATRIX_SECCOMP, or set it to off' };
      }
      if (!wanted)
        return {
          ok: true,
          warn: true,
          detail:
            'turned off with VMATRIX_SECCOMP=off: a cell can make namespaces of its own and reach mount, keyring ' +
            'and BPF code',
        };
      const runtime = await detectRuntime().catch(() => undefined);
      if (!runtime) return { ok: false, detail: 'no OCI runtime to apply the filter (see above)' };
      const enabled = await runtimeHasSeccomp(runtime);
      if (enabled === false)
        return {
          ok: false,
          detail: `${runtime.name} was built without seccomp: cells cannot start with a filter`,
          fix: "install a runtime built with libseccomp (Debian's runc and crun are), or set VMATRIX_SECCOMP=off",
        };
      return {
        ok: true,
        detail:
          `cells get a filter: no namespaces, mounts, modules, keyrings, BPF or ` +
          `io_uring${enabled === undefined ? ` (${runtime.name} does not say whether it supports seccomp)` : ''}`,
      };
    },
  },
  {
    name: 'cgroup limits',
    run: async () =>
      describeLimits(
        process.getuid?.() === 0
          ? await cgroupSupport()
          : { layout: 'v1', limits: [], swapLimit: false, rootless: true },
      ),
  },
  {
    name: 'AppArmor and user namespaces',
    run: async () => {
      const v = (
        await readFile('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8').catch(() => '')
      ).trim();
      if (v !== '1') return { ok: true, detail: 'no AppArmor restriction on user namespaces' };
      if (process.getuid?.() !== 0) {
        const refusal = await usernsRefusal();
        return { ok: false, detail: refusal?.message ?? 'AppArmor restricts user namespaces', fix: refusal?.hint };
      }
      return {
        ok: true,
        detail:
          'AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later). vmatrix runs as root, which ' +
          'the restriction does not cover, so cells are not affected; without root, vmatrix needs a profile ' +
          '(run vmatrix doctor as that user for it)',
      };
    },
  },
  {
    name: 'setup network (slirp4netns, nftables)',
    packages: ['slirp4netns', 'nftables', 'iproute2'],
    run: async () => {
      let mode: 'outbound' | 'host';
      try {
        mode = setupNetwork();
      } catch (e) {
        return { ok: false, detail: messageOf(e), fix: 'unset VMATRIX_SETUP_NETWORK, or set it to host' };
      }
      if (mode === 'host')
        return {
          ok: true,
          warn: true,
          detail:
            "VMATRIX_SETUP_NETWORK=host: setup steps get the host's own network, its loopback services, addresses " +
            'and cloud metadata included',
        };
      const { tools, missing } = await outboundTools();
      if (tools && process.getuid?.() !== 0 && !(await tunUsable())) {
        const e = noTunError() as Error & { hint?: string };
        return { ok: false, detail: e.message, fix: e.hint };
      }
      if (tools)
        return {
          ok: true,
          detail:
            `setup steps reach the outside world through ${tools.slirp4netns}, never the host's loopback, ` +
            `addresses or 169.254.0.0/16`,
        };
      return {
        ok: false,
        detail:
          `${missing.join(', ')} not found: setup steps (packages:, setup:) refuse to run, rather than get ` +
          `the host's network`,
        fix:
          `apt-get install ${[...new Set(missing.map((m) => OUTBOUND_PACKAGES[m] ?? m))].join(' ')}; or, to ` +
          `give setup the host's network, VMATRIX_SETUP_NETWORK=host`,
      };
    },
  },
  program('unshare', 'util-linux', "ties each cell to vmatrix's lifetime"),
  program('setpriv', 'util-linux', "ties each cell to vmatrix's lifetime"),
  program('git', 'git', 'project snapshots'),
  program('mmdebstrap', 'mmdebstrap', 'builds Debian images'),
  program('busybox', 'busybox-static', 'the busybox image'),
  program('xz', 'xz-utils', '.tar.xz images'),
  program('zstd', 'zstd', '.tar.zst images'),
  program('bzip2', 'bzip2', '.tar.bz2 images'),
  program('gpgv', 'gpgv', 'checks upstream signatures over checksum lists (Ubuntu base tarballs)'),
  program('setfattr', 'attr', 'file capabilities in images'),
  program('getfattr', 'attr', 'file capabilities of images given to a user namespace'),
  {
    name: 'Debian mirror',
    run: async () => {
      try {
        return { ok: true, detail: `${await hostDebianMirror()} (from the host's apt sources)` };
      } catch (e) {
        return {
          ok: false,
          detail: messageOf(e),
          fix: 'add a deb line to /etc/apt/sources.list, or set VMATRIX_DEBIAN_MIRROR',
        };
      }
    },
  },
];

/** Whether an ordinary user's namespace gets subordinate ids for its cells, or the exact line that gives them. */
export function rootlessIds(ids: UserIds, free = 100000): CheckOutcome {
  const problem = subidProblem(ids, free);
  if (!problem)
    return {
      ok: true,
      detail:
        `without root: ids 0-65535 of a cell are your subordinate ids ${ids.subuid}-${ids.subuid! + 65535} ` +
        `(gids from ${ids.subgid}); your own files are never a cell's`,
    };
  return {
    ok: false,
    warn: true,
    detail:
      `${problem.why}: cells run with your id alone (root in a cell is you), which runs busybox and simple ` +
      `roots but not images whose files belong to other users (apt's _apt)`,
    fix: problem.fix,
  };
}

/**
 * Which of resources: memory, cpus and pids the host can apply; a missing one is a warning, since cells run without it.
 */
export function describeLimits(s: CgroupSupport): { ok: boolean; detail: string; fix?: string; warn?: boolean } {
  const keys = (limits: readonly CgroupLimit[]): string => limits.map((c) => LIMIT_KEYS[c]).join(', ');
  const swap =
    s.limits.includes('memory') && !s.swapLimit
      ? '; swap is not limited with memory (no swap accounting: memory.memsw.* is missing)'
      : '';
  const missing = CGROUP_LIMITS.filter((c) => !s.limits.includes(c));
  if (missing.length === 0)
    return {
      ok: true,
      detail:
        `resources: ${keys(s.limits)} can be applied (cgroup ` +
        `${s.layout === 'v2' ? 'v2' : 'v1 hierarchies'})${swap}`,
    };
  const { why, fix } = explainMissing(s.layout, missing, s.rootless);
  const can = s.limits.length > 0 ? `${keys(s.limits)} can be applied${swap}; ` : '';
  return {
    ok: false,
    warn: true,
    detail: `resources: ${can}${keys(missing)} cannot (${why}): a vmatrix.yml that sets it fails with exit 3`,
    fix,
  };
}

export async function runDoctor(): Promise<CheckResult[]> {
  const [checks, arches] = await Promise.all([
    Promise.all(
      CHECKS.map(async (c) => ({ name: c.name, packages: c.packages, repair: c.repair, ...(await c.run()) })),
    ),
    archChecks(),
  ]);
  return [...checks, ...arches];
}

/** The command that installs the packages of the failed checks with the host's package manager. */
export async function fixCommand(results: CheckResult[]): Promise<string[] | undefined> {
  const packages = [...new Set(results.filter((r) => !r.ok).flatMap((r) => r.packages ?? []))];
  if (packages.length === 0) return undefined;
  if (await which('apt-get')) return ['apt-get', 'install', '-y', ...packages];
  return undefined;
}

export async function applyFix(command: string[]): Promise<boolean> {
  const r = await execCapture(command[0], command.slice(1), {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  process.stderr.write(r.stdout.split('\n').slice(-5).join('\n') + r.stderr);
  return r.code === 0;
}
