import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { access, chmod, lstat, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { envError, usageError, type VmError } from '../util/errors.js';
import { execCapture } from '../util/exec.js';
import { findProgram } from './launcher.js';
import { IDMAP_SIZE, rootlessMode } from '../util/user-namespace.js';
import { storeRoot } from '../store/home.js';
import { findSubidRange } from './userns.js';

// vmatrix without root. An ordinary user's vmatrix runs its commands inside a user namespace it owns, made
// by util-linux's unshare (through the setuid newuidmap/newgidmap of Debian's uidmap for the ranges of
// /etc/subuid and /etc/subgid):
//
//   namespace id 0         = the user
//   namespace ids 1..65536 = the user's first 65536 subordinate ids
//
// plus a private mount namespace. Inside, vmatrix is root of that namespace, so the code root runs is the
// code that runs: overlay mounts, image extraction, runc (which sees it is in a user namespace and manages
// cgroups as rootless), the outbound network of setup cells. Cells get a user namespace of their own inside
// it, cell ids 0..65535 = namespace ids 1..65536 (userns.ts), so root in a cell is the user's first
// subordinate id, never the user: a cell that escapes owns none of the user's files. Without subordinate
// ids (or without newuidmap), the namespace maps the user alone: cells then run in it without a user
// namespace of their own (root in a cell is the user), and roots whose files belong to other users
// (apt's _apt) cannot be built; `vmatrix doctor` prints the usermod line that fixes it.
//
// Whether vmatrix runs in such a namespace is read from /proc/self/uid_map, never from the environment: a
// variable cannot make root's cells map to namespace ids.

/** The commands that need the namespace: those that make cells, or read and remove what cells own. */
const INSIDE = new Set(['test', 'run', 'shell', 'image', 'ps', 'kill', 'bisect']);

export interface UserIds {
  uid: number;
  name: string;
  /** The first id of the user's ranges in /etc/subuid and /etc/subgid, when both have IDMAP_SIZE ids. */
  subuid?: number;
  subgid?: number;
  /** newuidmap and newgidmap, when installed. */
  newuidmap?: string;
  newgidmap?: string;
}

export async function userIds(etc = '/etc'): Promise<UserIds> {
  const uid = process.getuid?.() ?? 0;
  let name = String(uid);
  try {
    name = userInfo().username;
  } catch {
    // A uid without a passwd entry: /etc/subuid may still name it by number.
  }
  const [subuid, subgid, newuidmap, newgidmap] = await Promise.all([
    readFile(join(etc, 'subuid'), 'utf8').catch(() => ''),
    readFile(join(etc, 'subgid'), 'utf8').catch(() => ''),
    findProgram('newuidmap'),
    findProgram('newgidmap'),
  ]);
  const names = [name, String(uid)];
  return {
    uid,
    name,
    subuid: findSubidRange(subuid, names),
    subgid: findSubidRange(subgid, names),
    ...(newuidmap && { newuidmap }),
    ...(newgidmap && { newgidmap }),
  };
}

/** Whether the namespace gets the user's subordinate ids, or why not (doctor; the run's header). */
export function subidProblem(ids: UserIds, free = 100000): { why: string; fix: string } | undefined {
  if (ids.subuid !== undefined && ids.subgid !== undefined && ids.newuidmap && ids.newgidmap) return undefined;
  if (ids.subuid === undefined || ids.subgid === undefined) {
    const file = ids.subuid === undefined ? '/etc/subuid' : '/etc/subgid';
    return {
      why: `${file} gives ${ids.name} no range of ${IDMAP_SIZE} subordinate ids`,
      fix:
        `as root: usermod --add-subuids ${free}-${free + IDMAP_SIZE - 1} --add-subgids ` +
        `${free}-${free + IDMAP_SIZE - 1} ${ids.name}`,
    };
  }
  return { why: 'newuidmap and newgidmap are not installed', fix: 'as root: apt-get install uidmap' };
}

/**
 * Why this host refuses an ordinary user a user namespace, with the setting and its fix; undefined when it
 * allows one. `sys` is /proc/sys (a directory of the same shape in tests).
 */
export async function usernsRefusal(sys = process.env.VMATRIX_SYSCTL_DIR || '/proc/sys'): Promise<VmError | undefined> {
  const read = (p: string): Promise<string | undefined> =>
    readFile(join(sys, p), 'utf8').then(
      (t) => t.trim(),
      () => undefined,
    );
  const [clone, max, apparmor] = await Promise.all([
    read('kernel/unprivileged_userns_clone'),
    read('user/max_user_namespaces'),
    read('kernel/apparmor_restrict_unprivileged_userns'),
  ]);
  const how = 'vmatrix without root runs cells in a user namespace the user owns';
  if (clone === '0') {
    return envError(
      'USERNS_FORBIDDEN',
      `this host forbids user namespaces to ordinary users (kernel.unprivileged_userns_clone = 0), and ${how}`,
      {
        hint:
          'as root: sysctl -w kernel.unprivileged_userns_clone=1, and put kernel.unprivileged_userns_clone=1 in ' +
          '/etc/sysctl.d/90-vmatrix.conf to keep it; or run vmatrix as root',
      },
    );
  }
  if (max === '0') {
    return envError(
      'USERNS_FORBIDDEN',
      `this host allows no user namespaces (user.max_user_namespaces = 0), and ${how}`,
      {
        hint:
          'as root: sysctl -w user.max_user_namespaces=15000, and put it in /etc/sysctl.d/90-vmatrix.conf to keep ' +
          'it; or run vmatrix as root',
      },
    );
  }
  if (apparmor === '1') {
    return envError(
      'USERNS_FORBIDDEN',
      'AppArmor restricts user namespaces to programs with a profile that allows them ' +
        `(kernel.apparmor_restrict_unprivileged_userns = 1), and ${how}`,
      {
        hint:
          "as root, give util-linux's unshare, which makes the namespace for vmatrix, a profile that allows it: " +
          "printf 'abi <abi/4.0>,\\ninclude <tunables/global>\\nprofile vmatrix-unshare /usr/bin/unshare " +
          "flags=(unconfined) {\\n  userns,\\n}\\n' > /etc/apparmor.d/vmatrix-unshare && apparmor_parser -r " +
          '/etc/apparmor.d/vmatrix-unshare (or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 for every ' +
          'program); or run vmatrix as root',
      },
    );
  }
  return undefined;
}

/** Whether `argv` runs a command that needs the namespace (never for --help or --version). */
export function needsNamespace(argv: string[]): boolean {
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v')) return false;
  const command = argv.find((a) => !a.startsWith('-'));
  return command !== undefined && INSIDE.has(command);
}

/** The store of an ordinary user: $VMATRIX_HOME, else $XDG_DATA_HOME/vmatrix (store/home.ts). */
export function userStore(env: NodeJS.ProcessEnv): string {
  return storeRoot(env, undefined);
}

/**
 * Where a rootless vmatrix mounts each cell's private tmpfs (layout.ts CELL_MOUNT): $VMATRIX_RUNTIME_DIR,
 * else /tmp/vmatrix-<uid>. Not $XDG_RUNTIME_DIR: the cell's own user namespace (the user's subordinate ids)
 * must be able to walk the path to its root, and XDG_RUNTIME_DIR is 0700 to them. A directory of that name
 * that is not the user's own (made by another user first, or a link) is refused.
 */
export async function runtimeDir(env: NodeJS.ProcessEnv, uid: number): Promise<string> {
  const dir = env.VMATRIX_RUNTIME_DIR || `/tmp/vmatrix-${uid}`;
  await mkdir(dir, { mode: 0o711 }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  const st = await lstat(dir);
  if (!st.isDirectory() || st.uid !== uid) {
    throw envError(
      'RUNTIME_DIR_NOT_YOURS',
      `${dir} is ${st.isDirectory() ? `a directory of uid ${st.uid}` : 'not a directory'}, not yours: vmatrix ` +
        'mounts its cells there',
      { hint: 'remove it, or set VMATRIX_RUNTIME_DIR to an empty directory of yours that others may traverse' },
    );
  }
  if ((st.mode & 0o7777) !== 0o711) await chmod(dir, 0o711);
  return dir;
}

function print(err: VmError): void {
  process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
}

/**
 * For an ordinary user's command that needs it, runs this same vmatrix command inside the user namespace
 * and resolves with its exit code; undefined when this process should run the command itself (root, a
 * process already inside, a command that needs no namespace).
 */
export async function enterUserNamespace(argv: string[], env = process.env): Promise<number | undefined> {
  const uid = process.getuid?.() ?? 0;
  if (uid === 0 || !needsNamespace(argv)) return undefined;
  const refusal = await usernsRefusal();
  if (refusal) {
    print(refusal);
    return refusal.exit;
  }
  const [ids, unshare] = await Promise.all([userIds(), findProgram('unshare')]);
  if (!unshare) {
    print(envError('NO_UTIL_LINUX', 'unshare is not installed', { hint: 'apt-get install util-linux' }));
    return 3;
  }
  let cells: string;
  try {
    cells = await runtimeDir(env, uid);
  } catch (e) {
    if ((e as VmError).exit === undefined) throw e;
    print(e as VmError);
    return 3;
  }
  const maps =
    subidProblem(ids) === undefined
      ? [`--map-users=${ids.subuid},1,${IDMAP_SIZE}`, `--map-groups=${ids.subgid},1,${IDMAP_SIZE}`]
      : [];
  // The process inside holds one end of a socket pair (fd 3) whose other end only this process has: when
  // this process dies, even of SIGKILL, the one inside sees it close and ends itself (watchParent). A
  // parent-death signal would not do: the kernel clears it when unshare's exec gives node the namespace's
  // capabilities.
  const child = spawn(
    unshare,
    [
      '--map-root-user',
      ...maps,
      '--mount',
      '--propagation',
      'private',
      '--',
      process.execPath,
      ...process.execArgv,
      process.argv[1],
      ...argv,
    ],
    {
      stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
      env: {
        ...env,
        VMATRIX_HOME: userStore(env),
        VMATRIX_CELL_MOUNT: cells,
        VMATRIX_PARENT_FD: '3',
      },
    },
  );
  // Signals sent to this process are passed on. SIGINT only when the process inside has not had one of its
  // own: Ctrl-C in a terminal reaches both (one process group), and a second SIGINT would mean "stop now" to
  // it; the process inside says on the socket when it gets one (watchParent).
  const forward = (s: NodeJS.Signals) => () => child.kill(s);
  for (const s of ['SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.on(s, forward(s));
  let interrupted = 0;
  child.stdio[3]?.on('data', (d: Buffer) => {
    if (d.includes('INT')) interrupted = Date.now();
  });
  process.on('SIGINT', () => {
    setTimeout(() => {
      if (Date.now() - interrupted > INT_WINDOW_MS) child.kill('SIGINT');
    }, INT_WINDOW_MS / 2).unref();
  });
  return await new Promise<number>((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`error: cannot start ${unshare}: ${e.message}\n`);
      resolve(3);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0)));
  });
}

/**
 * Inside the namespace: ends this process with SIGKILL, as if it had got the signal itself, once the
 * process that made the namespace is gone (its end of fd VMATRIX_PARENT_FD closes). Its cells follow it
 * through their own parent-death signals (launcher.ts), and its mounts go with its mount namespace.
 */
export async function watchParent(env = process.env): Promise<void> {
  const fd = Number(env.VMATRIX_PARENT_FD);
  if (!Number.isInteger(fd) || fd < 3 || process.getuid?.() !== 0 || (await rootlessMode()) === undefined) return;
  delete env.VMATRIX_PARENT_FD;
  const socket = new Socket({ fd, readable: true, writable: true });
  const die = () => process.kill(process.pid, 'SIGKILL');
  socket.on('end', die);
  socket.on('close', die);
  socket.on('error', die);
  socket.resume();
  socket.unref();
  // Tell the process outside that a SIGINT arrived here, so that it does not pass one on as well. A command
  // that has no SIGINT handler of its own then ends of it, as it would without this listener.
  const onInterrupt = () => {
    socket.write('INT\n');
    if (process.listenerCount('SIGINT') === 1) {
      process.off('SIGINT', onInterrupt);
      process.kill(process.pid, 'SIGINT');
    }
  };
  process.prependListener('SIGINT', onInterrupt);
}

/** How long after a SIGINT the process outside waits to hear that the one inside had it too. */
const INT_WINDOW_MS = 400;

/** How a rootless vmatrix's cells get their copy-on-write roots. */
export type RootlessOverlay = 'userxattr' | 'fuse';

/**
 * The kernel's overlayfs where it mounts in a user namespace (Linux 5.11 and later, or a kernel patched for
 * it, as Debian's and Ubuntu's), with `userxattr`; else fuse-overlayfs. VMATRIX_OVERLAY=kernel|fuse chooses.
 * Asked once per process by mounting a throwaway overlay in a mount namespace of its own.
 */
export async function rootlessOverlay(env = process.env): Promise<RootlessOverlay> {
  const wanted = env.VMATRIX_OVERLAY?.trim();
  if (wanted && wanted !== 'kernel' && wanted !== 'fuse')
    throw usageError('BAD_OVERLAY', `VMATRIX_OVERLAY=${wanted}: unknown value`, { hint: 'use kernel or fuse' });
  if (wanted === 'fuse' || (wanted !== 'kernel' && !(await kernelOverlayWorks()))) {
    if (!(await findProgram('fuse-overlayfs'))) {
      throw envError(
        'NO_ROOTLESS_OVERLAY',
        'this kernel does not mount overlayfs in a user namespace (it needs Linux 5.11 or later), and ' +
          'fuse-overlayfs, which vmatrix uses without root instead, is not installed',
        { hint: 'as root: apt-get install fuse-overlayfs; or run vmatrix as root' },
      );
    }
    if (
      !(await access('/dev/fuse', constants.R_OK | constants.W_OK).then(
        () => true,
        () => false,
      ))
    ) {
      throw envError('NO_FUSE', 'fuse-overlayfs needs /dev/fuse, which this host keeps from ordinary users', {
        hint: 'as root: chmod 0666 /dev/fuse (as udev sets it on a standard Debian); or run vmatrix as root',
      });
    }
    return 'fuse';
  }
  return 'userxattr';
}

async function kernelOverlayWorks(): Promise<boolean> {
  const unshare = await findProgram('unshare');
  if (!unshare) return false;
  const dir = await mkdtemp(join(tmpdir(), 'vmatrix-overlay-probe-'));
  try {
    for (const d of ['l', 'u', 'w', 'm']) await mkdir(join(dir, d));
    const script = 'mount -t overlay probe -o "lowerdir=$1/l,upperdir=$1/u,workdir=$1/w,userxattr" "$1/m"';
    // Outside vmatrix's namespace (doctor, as the user), a namespace of the user's own id is enough to ask.
    const user = process.getuid?.() === 0 ? [] : ['--map-root-user'];
    const r = await execCapture(unshare, [...user, '--mount', '--', 'sh', '-c', script, 'sh', dir]);
    return r.code === 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
