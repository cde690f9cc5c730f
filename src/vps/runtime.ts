import { statfs } from 'node:fs/promises';
import { envError, usageError } from '../util/errors.js';
import { execCapture } from '../util/exec.js';
import { findProgram } from './launcher.js';
import type { Runtime } from './types.js';
import { seccompWanted } from './seccomp.js';
import { rootlessMode } from '../util/user-namespace.js';
import { rootlessOverlay } from './rootless.js';
import { chooseUserns, failClosed } from './userns.js';

// Which OCI runtime runs the cells. crun is faster and the reference for cgroup v2; on a hybrid v1/v2 host
// it refuses to start containers, so there runc is the one that works.

export type CgroupLayout = 'v2' | 'hybrid' | 'v1';

const CGROUP2_SUPER_MAGIC = 0x63677270;
const NAMES = ['runc', 'crun'] as const;
type RuntimeName = (typeof NAMES)[number];

export async function cgroupLayout(root = '/sys/fs/cgroup'): Promise<CgroupLayout> {
  if ((await statfs(root)).type === CGROUP2_SUPER_MAGIC) return 'v2';
  const unified = await statfs(`${root}/unified`).catch(() => undefined);
  return unified?.type === CGROUP2_SUPER_MAGIC ? 'hybrid' : 'v1';
}

export async function detectRuntime(prefer?: string): Promise<Runtime> {
  if (prefer !== undefined && !NAMES.includes(prefer as RuntimeName)) {
    throw usageError('UNKNOWN_RUNTIME', `unknown runtime "${prefer}"`, {
      hint: 'use --runtime runc or --runtime crun',
    });
  }
  seccompWanted(); // a bad VMATRIX_SECCOMP stops the run before any work
  const layout = await cgroupLayout();
  const [runc, crun] = await Promise.all([findProgram('runc'), findProgram('crun')]);
  const choice = chooseRuntime(layout, { runc, crun }, prefer as RuntimeName | undefined);
  const rootless = await rootlessMode();
  const [version, userns] = await Promise.all([versionOf(choice.path), chooseUserns(process.env, '/etc', rootless)]);
  const overlay = rootless ? await rootlessOverlay() : undefined;
  return { ...choice, version, userns, ...(rootless && { rootless }), ...(overlay && { overlay }) };
}

/** The runtime for running cells: detected, and refused (exit 3) where root has no subordinate ids of its own. */
export async function cellRuntime(prefer?: string): Promise<Runtime> {
  const runtime = await detectRuntime(prefer);
  failClosed(runtime.userns);
  return runtime;
}

/** The installed runtimes, by name. */
export type Found = Record<RuntimeName, string | undefined>;
export type Choice = { name: RuntimeName; path: string; reason: string };

/** The decision alone, from the host's cgroup layout and the installed runtimes. */
export function chooseRuntime(layout: CgroupLayout, found: Found, prefer?: RuntimeName): Choice {
  return prefer ? forced(prefer, layout, found) : automatic(layout, found);
}

function forced(name: RuntimeName, layout: CgroupLayout, found: Found): Choice {
  const path = found[name];
  if (!path) throw envError('NO_RUNTIME', `${name} is not installed on this host`, { hint: `apt-get install ${name}` });
  if (name === 'crun' && layout === 'hybrid') {
    throw envError('RUNTIME_UNUSABLE', "crun does not support this host's hybrid cgroup v1/v2 layout", {
      hint: 'use --runtime runc',
    });
  }
  return { name, path, reason: `${name}: chosen with --runtime` };
}

function automatic(layout: CgroupLayout, found: Found): Choice {
  if (layout === 'v2' && found.crun)
    return { name: 'crun', path: found.crun, reason: 'crun: the host has a pure cgroup v2 hierarchy' };
  if (found.runc) {
    const why =
      layout === 'v2'
        ? 'crun is not installed'
        : layout === 'hybrid'
          ? "crun does not support this host's hybrid cgroup v1/v2 layout"
          : 'the host uses cgroup v1, where runc is the better-tested runtime';
    return { name: 'runc', path: found.runc, reason: `runc: ${why}` };
  }
  if (layout === 'v1' && found.crun) return { name: 'crun', path: found.crun, reason: 'crun: runc is not installed' };
  const what = found.crun
    ? "crun is installed but does not support this host's hybrid cgroup v1/v2 layout"
    : 'no OCI runtime (runc or crun) is installed';
  throw envError('NO_RUNTIME', what, { hint: 'apt-get install runc' });
}

async function versionOf(path: string): Promise<string> {
  const r = await execCapture(path, ['--version']);
  const m = /version\s+(\S+)/.exec(r.stdout);
  if (r.code !== 0 || !m)
    throw envError('RUNTIME_UNUSABLE', `${path} --version failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return m[1];
}

/**
 * Whether the runtime was built with libseccomp, as its `features` (runc 1.1+, crun 1.5+) say; undefined: it does not
 * say.
 */
export async function runtimeHasSeccomp(runtime: Runtime): Promise<boolean | undefined> {
  const r = await execCapture(runtime.path, ['features']);
  return r.code === 0 ? seccompEnabled(r.stdout) : undefined;
}

/** linux.seccomp.enabled of `<runtime> features`; undefined when it does not say. */
export function seccompEnabled(features: string): boolean | undefined {
  try {
    const enabled = (JSON.parse(features) as { linux?: { seccomp?: { enabled?: unknown } } }).linux?.seccomp?.enabled;
    return typeof enabled === 'boolean' ? enabled : undefined;
  } catch {
    return undefined;
  }
}
