import { access, constants } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { envError } from '../util/errors.js';
import { which } from '../util/exec.js';
import type { CellPaths } from './layout.js';
import type { Runtime } from './types.js';

// How a cell is started. Node spawns
//   setpriv --pdeathsig KILL -- unshare --mount --propagation private --pid --fork --kill-child --mount-proc -- sh -c SCRIPT
// The private mount namespace scopes every mount of the cell: they vanish when its last process exits.
// The PID namespace has the runtime as its init: when that init dies, the kernel kills everything in the
// namespace, the container included. setpriv's pdeathsig ties unshare to vmatrix, --kill-child ties the
// init to unshare, so `kill -9 vmatrix` tears the whole cell down. Paths reach the script as "$1".., never
// as script text.
const SCRIPT = [
  'set -eu',
  // The mount steps' errors go to the setup log, so that a broken host is told apart from a failing test.
  'exec 3>&2 2>>"$7"',
  'mount -t tmpfs -o size=4m,mode=0700 vmatrix-state "$1"',
  // Layers are named relative to their common parent: the whole option string must fit in one page.
  'cd "$3"',
  'mount -t overlay vmatrix-root -o "lowerdir=$4,upperdir=$5,workdir=$6" "$2"',
  'cd /',
  'shift 7',
  'exec "$@" 2>&3 3>&-',
].join('\n');

const MAX_OPTIONS = 4000;
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];

export interface LauncherTools { setpriv: string; unshare: string }

/** Finds a host program on PATH, then in the sbin dirs a non-login root shell may lack. */
export async function findProgram(name: string): Promise<string | undefined> {
  const onPath = await which(name);
  if (onPath) return onPath;
  for (const dir of SBIN) {
    if (await access(join(dir, name), constants.X_OK).then(() => true, () => false)) return join(dir, name);
  }
  return undefined;
}

let tools: Promise<LauncherTools> | undefined;

export function launcherTools(): Promise<LauncherTools> {
  tools ??= (async () => {
    const [setpriv, unshare] = await Promise.all([findProgram('setpriv'), findProgram('unshare')]);
    if (!setpriv || !unshare) {
      tools = undefined;
      throw envError('NO_UTIL_LINUX', `${setpriv ? 'unshare' : 'setpriv'} is not installed on this host`, { hint: 'apt-get install util-linux' });
    }
    return { setpriv, unshare };
  })();
  return tools;
}

/** The common parent of the layers, and each layer relative to it, joined as overlayfs wants them. */
export function relativeLowerdirs(lowerdirs: string[]): { base: string; lower: string } {
  const parents = lowerdirs.map((p) => dirname(p).split(sep));
  const common: string[] = [];
  for (let i = 0; parents.every((p) => i < p.length && p[i] === parents[0]![i]); i++) common.push(parents[0]![i]!);
  const base = common.join(sep) || sep;
  return { base, lower: lowerdirs.map((p) => relative(base, p)).join(':') };
}

/** argv of the launcher, from setpriv to the runtime's own arguments. */
export function launcherArgv(t: LauncherTools, runtime: Runtime, id: string, lowerdirs: string[], paths: CellPaths): string[] {
  const { base, lower } = relativeLowerdirs(lowerdirs);
  if (`lowerdir=${lower},upperdir=${paths.upper},workdir=${paths.work}`.length > MAX_OPTIONS) {
    throw envError('TOO_MANY_LAYERS', `cell ${id}: ${lowerdirs.length} layers do not fit in one overlayfs mount`, {
      hint: 'merge setup steps into fewer layers, or move the store to a shorter path',
    });
  }
  const positional = [paths.state, paths.rootfs, base, lower, paths.upper, paths.work, paths.setupLog];
  const runtimeArgv = [runtime.path, '--root', paths.state, '--log', paths.runtimeLog, '--log-format', 'json', 'run', '--bundle', paths.bundle, id];
  return [
    t.setpriv, '--pdeathsig', 'KILL', '--',
    t.unshare, '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc', '--',
    '/bin/sh', '-c', SCRIPT, 'vmatrix-cell', ...positional, ...runtimeArgv,
  ];
}
