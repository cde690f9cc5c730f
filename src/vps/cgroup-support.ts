import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { envError } from '../util/errors.js';
import { cgroupMounts, type CgroupMount } from './cgroups.js';
import { rootlessMode } from '../util/user-namespace.js';
import { cgroupLayout, type CgroupLayout } from './runtime.js';
import type { CellResources } from './types.js';

// Which of resources.{memory,cpus,pids} this host's cgroups can apply. runc does not ignore a limit it
// cannot apply, it fails to start the cell; so a run that asks for one checks first, and says what is missing.

export type CgroupLimit = 'memory' | 'cpu' | 'pids';
export const CGROUP_LIMITS: readonly CgroupLimit[] = ['memory', 'cpu', 'pids'];

export interface CgroupSupport {
  layout: CgroupLayout;
  /** The limits cells can get on this host. */
  limits: CgroupLimit[];
  /** Whether swap is limited along with memory: cgroup v1 needs swap accounting (memory.memsw.*) for that. */
  swapLimit: boolean;
  /** vmatrix runs rootless (rootless.ts): cells get no cgroup of their own, so no limit applies. */
  rootless?: boolean;
}

/**
 * On cgroup v1, and on hybrid hosts (where runc sets limits through v1), a limit needs a mounted v1 hierarchy
 * of its controller; on v2 the controller must be listed in the root's cgroup.controllers (the runtime then
 * enables it in cgroup.subtree_control on the way down to the cell).
 */
export function supportedLimits(layout: CgroupLayout, mounts: CgroupMount[], v2Controllers: string): CgroupLimit[] {
  if (layout === 'v2') {
    const listed = v2Controllers.trim().split(/\s+/);
    return CGROUP_LIMITS.filter((c) => listed.includes(c));
  }
  return CGROUP_LIMITS.filter((c) => mounts.some((m) => m.version === 1 && m.options.includes(c)));
}

/** The limits `r` asks for that `limits` lacks. */
export function missingLimits(r: CellResources, limits: readonly CgroupLimit[]): CgroupLimit[] {
  const wanted: CgroupLimit[] = [];
  if (r.memoryBytes !== undefined) wanted.push('memory');
  if (r.cpus !== undefined) wanted.push('cpu');
  if (r.pids !== undefined) wanted.push('pids');
  return wanted.filter((c) => !limits.includes(c));
}

let support: Promise<CgroupSupport> | undefined;

/** What this host's cgroups can limit; probed once per process. */
export function cgroupSupport(): Promise<CgroupSupport> {
  support ??= (async () => {
    const layout = await cgroupLayout();
    const mounts = await cgroupMounts();
    const v2 = mounts.find((m) => m.version === 2);
    const v2Controllers =
      layout === 'v2' && v2 ? await readFile(join(v2.point, 'cgroup.controllers'), 'utf8').catch(() => '') : '';
    const memory = mounts.find((m) => m.version === 1 && m.options.includes('memory'));
    const memsw =
      memory !== undefined &&
      (await access(join(memory.point, 'memory.memsw.limit_in_bytes')).then(
        () => true,
        () => false,
      ));
    // Rootless, runc could limit a cell only inside a cgroup v2 subtree delegated to the user (systemd's
    // user@.service), through the user's systemd; vmatrix does not drive that yet, so no limit applies.
    if ((await rootlessMode()) !== undefined) return { layout, limits: [], swapLimit: false, rootless: true };
    return { layout, limits: supportedLimits(layout, mounts, v2Controllers), swapLimit: layout === 'v2' || memsw };
  })();
  return support;
}

/** The resources: key each controller applies. */
export const LIMIT_KEYS: Record<CgroupLimit, string> = { memory: 'memory', cpu: 'cpus', pids: 'pids' };

/** Why the `missing` limits cannot be applied, and how to make them possible, in the host's terms. */
export function explainMissing(
  layout: CgroupLayout,
  missing: readonly CgroupLimit[],
  rootless = false,
): { why: string; fix: string } {
  const names = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} or ${missing.at(-1)}` : missing.join('');
  if (rootless) {
    return {
      why: `vmatrix runs without root, and a cell of an ordinary user gets no cgroup of its own for ${names}`,
      fix: 'run vmatrix as root for limits (a CI runner), or run without resources: on this machine',
    };
  }
  if (layout === 'v2') {
    return {
      why: `no ${names} controller in /sys/fs/cgroup/cgroup.controllers`,
      fix:
        'use a kernel with the controller, not disabled on its command line (cgroup_disable=); inside a ' +
        'container, one that delegates it',
    };
  }
  const mounts = missing.map(
    (c) => `mkdir -p /sys/fs/cgroup/${c} && mount -t cgroup -o ${c} cgroup /sys/fs/cgroup/${c}`,
  );
  return { why: `no cgroup v1 hierarchy of the ${names} controller is mounted`, fix: mounts.join('; ') };
}

/** Throws, naming what is missing, when this host cannot apply every limit of `r`. */
export async function requireLimits(r: CellResources): Promise<void> {
  const { layout, limits, rootless } = await cgroupSupport();
  const missing = missingLimits(r, limits);
  if (missing.length === 0) return;
  const { why, fix } = explainMissing(layout, missing, rootless);
  throw envError(
    'CGROUP_LIMITS_UNAVAILABLE',
    `resources: this host cannot apply ${missing.map((c) => LIMIT_KEYS[c]).join(' and ')}: ${why}`,
    {
      hint:
        `remove it from resources: in vmatrix.yml, or make it possible (${fix}); \`vmatrix doctor\` shows what ` +
        `the host can limit`,
    },
  );
}
