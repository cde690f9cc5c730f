import { access, constants, mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { envError } from '../util/errors.js';
import { which } from '../util/exec.js';
import { CELL_MOUNT, CELL_STATE, type CellPaths } from './layout.js';
import type { Runtime } from './types.js';

// How a cell is started. Node spawns
//   setpriv --pdeathsig KILL -- unshare --mount --propagation private --pid --fork --kill-child --mount-proc -- sh -c
// SCRIPT
// The private mount namespace scopes every mount of the cell: they vanish when its last process exits.
// The PID namespace has the runtime as its init: when that init dies, the kernel kills everything in the
// namespace, the container included. setpriv's pdeathsig ties unshare to vmatrix, --kill-child ties the
// init to unshare, so `kill -9 vmatrix` tears the whole cell down. Paths reach the script as "$1".., never
// as script text.
// Everything the container mounts lives on the tmpfs at CELL_MOUNT (see layout.ts).

// $1 setup log, $2 layers' parent, $3 layers, $4 upper, $5 work, $6 source lower ('' for none), $7 source
// upper, $8 source work, $9 hosts file, $10 resolv.conf ('' for none), $11 owner of the cell's root (uid:gid),
// $12 the host's added CA certificates ('' for none: host-ca.ts), $13 '1' when fd 4 is a network namespace to
// join ('2': and fd 5 the user namespace owning it),
// $14 how overlays are mounted without root: 'userxattr' (a user namespace's root cannot write trusted.*
// attributes, without which overlayfs refuses to rename a directory of a lower layer), 'fuse' (fuse-overlayfs,
// where the kernel does not mount overlayfs in a user namespace; allow_other lets the cell's own user
// namespace, a child of this one, in), '' as root.
const PRELUDE = [
  'set -eu',
  // The mount steps' errors go to the setup log, so that a broken host is told apart from a failing test.
  // (stderr is saved on fd 9: fd 3 is the cell's control channel, when it has one.)
  'exec 9>&2 2>>"$1"',
  `m=${CELL_MOUNT}`,
  'mount -t tmpfs -o size=4m,mode=0711 vmatrix-cell "$m"',
  // One mkdir for all (every exec costs a cell about a millisecond); only root in this namespace sees them.
  'mkdir "$m/state" "$m/root" "$m/src"',
  'x=${14}',
  // fuse-overlayfs warns on stderr at every mount (an option it ignores): its words reach the log only when it fails.
  'ovl() {',
  '  if [ "$x" != fuse ]; then mount -t overlay "$1" -o "$2${x:+,$x}" "$3"; return; fi',
  '  fuse-overlayfs -o "$2,allow_other" "$3" 2>"$m/ovl.err" || { cat "$m/ovl.err" >&2; return 1; }',
  '}',
  // Layers are named relative to their common parent: the whole option string must fit in one page.
  'cd "$2"',
  'ovl vmatrix-root "lowerdir=$3,upperdir=$4,workdir=$5" "$m/root"',
  'cd /',
  'if [ -n "$6" ]; then ovl vmatrix-src "lowerdir=$6,upperdir=$7,workdir=$8" "$m/src"; fi',
  // Copies, made with shell builtins: the cell never holds an inode of the host's /etc, and its root may
  // write its own /etc/hosts.
  'copy() { while IFS= read -r l || [ -n "$l" ]; do printf \'%s\\n\' "$l"; done < "$1" > "$2"; }',
  'copy "$9" "$m/hosts"',
  'if [ -n "${10}" ]; then copy "${10}" "$m/resolv.conf"; fi',
  'if [ -n "${12}" ]; then copy "${12}" "$m/host-ca.crt"; fi',
  'if [ "${11}" != 0:0 ]; then chown "${11}" "$m/hosts"; fi',
  // An outbound cell's network namespace arrives as fd 4 (the host's /proc is not this namespace's): bound
  // here, in this private mount namespace, it goes away with the cell.
  'if [ -n "${13}" ]; then : > "$m/netns"; mount --bind /proc/self/fd/4 "$m/netns"; exec 4<&-; fi',
  // A group's cells also share the user namespace that owns their network namespace: it arrives as fd 5.
  'if [ "${13}" = 2 ]; then : > "$m/userns"; mount --bind /proc/self/fd/5 "$m/userns"; exec 5<&-; fi',
];

const SCRIPT = [...PRELUDE, 'shift 14', 'exec "$@" 2>&9 9>&-'].join('\n');

// A system cell (LaunchSpec.boot). After the prelude: $1 the console log, $2 the container id, $3 the bundle,
// $4 the steps' process (exec.json), $5 the readiness poll's, $6 where the last poll's output goes, $7 the init's
// stop signal, $8 the grace period (s), $9 '1' when the steps get fd 3, $10 the boot timeout (s), $11 the log
// process ('' for none), $12 where a failing cell's init log goes ('' for nowhere), $13 setarch ('' for none),
// $14 the runtime, $15 '1' for --rootless, $16 its state dir, $17 its log. The init runs under script(1): its
// console must be a terminal (systemd writes nowhere else) and script records it. Steps and polls are exec'd
// into the running cell from here, inside the cell's mount and PID namespaces, where the runtime's state is.
// What happens is said on fd 3: vmatrix-booted, vmatrix-boot-timeout, vmatrix-init-exited STATUS.
const BOOT = [
  'shift 14',
  'exec 2>&9 9>&-',
  'log=$1 id=$2 b=$3 px=$4 pr=$5 ro=$6 sig=$7 grace=$8 ctl=$9 limit=${10} pl=${11} jl=${12}',
  'VMX_A=${13} VMX_R=${14} VMX_RL=${15} VMX_S=${16} VMX_L=${17} VMX_B=$b VMX_ID=$id',
  'export VMX_A VMX_R VMX_RL VMX_S VMX_L VMX_B VMX_ID',
  // The runtime; a poll's errors (early ones fail: "container does not exist") go to a log of their own.
  'rt() { ${VMX_A:+"$VMX_A" linux32} "$VMX_R" ${VMX_RL:+--rootless true} --root "$VMX_S" --log "$lg" ' +
    '--log-format json "$@"; }',
  'lg=$VMX_L',
  'script -qfec \'exec ${VMX_A:+"$VMX_A" linux32} "$VMX_R" ${VMX_RL:+--rootless true} --root "$VMX_S" --log "$VMX_L" ' +
    '--log-format json run --keep --bundle "$VMX_B" "$VMX_ID"\' "$log" </dev/null >/dev/null 2>&1 3>&- &',
  'p=$!',
  // A failing cell's init log (the journal), then the init's own shutdown, then its end.
  'journal() {',
  '  if [ -n "$pl" ] && [ -n "$jl" ]; then rt exec --process "$pl" "$id" >"$jl" 2>&1 </dev/null 3>&- || true; fi',
  '}',
  'halt() {',
  '  rt kill "$id" "$sig" 2>/dev/null || true',
  '  ( sleep "$grace"; rt kill "$id" KILL 2>/dev/null ) </dev/null >/dev/null 2>&1 3>&- &',
  '  w=$!; wait "$p" || true; kill "$w" 2>/dev/null || true',
  '}',
  'end=$(( $(date +%s) + limit ))',
  'while :; do',
  '  if ! kill -0 "$p" 2>/dev/null; then s=0; wait "$p" || s=$?; echo "vmatrix-init-exited $s" >&3; exit 125; fi',
  '  lg=$VMX_L.polls',
  '  if rt exec --process "$pr" "$id" >"$ro" 2>&1 </dev/null 3>&-; then lg=$VMX_L; break; fi',
  '  lg=$VMX_L',
  '  if [ "$(date +%s)" -ge "$end" ]; then echo vmatrix-boot-timeout >&3; journal; halt; exit 125; fi',
  '  sleep 0.2',
  'done',
  'echo vmatrix-booted >&3',
  's=0',
  'if [ -n "$ctl" ]; then rt exec --preserve-fds 1 --process "$px" "$id" || s=$?',
  'else rt exec --process "$px" "$id" 3>&- || s=$?; fi',
  'if [ "$s" -ne 0 ]; then journal; fi',
  'halt',
  'exit "$s"',
].join('\n');

const BOOT_SCRIPT = [...PRELUDE, BOOT].join('\n');

const MAX_OPTIONS = 4000;
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/**
 * `shell` runs the launcher script: busybox's sh where the static busybox is installed, since it runs
 * mount, mkdir and chown as built-in applets instead of starting util-linux's and coreutils' programs
 * (about 3 ms less per cell); /bin/sh elsewhere.
 */
export interface LauncherTools {
  setpriv: string;
  unshare: string;
  shell: string[];
  /** util-linux's setarch, for cells that run with the 32-bit personality (`LaunchSpec.linux32`). */
  setarch?: string;
  /** util-linux's script, which gives a system cell's init a terminal and records it (`LaunchSpec.boot`). */
  script?: string;
}

/** What the launcher needs of a cell besides its paths. */
export interface LaunchSpec {
  id: string;
  lowerdirs: string[];
  /** The project snapshot to mount copy-on-write, if any. */
  sourceLower?: string;
  withResolv: boolean;
  /** Copy the host's added CA certificates in (paths.hostCa). */
  withHostCa?: boolean;
  /** Host ids of the cell's root: it owns the cell's /etc/hosts. */
  owner: { uid: number; gid: number };
  /** Pass fd 3 (the control channel) through to the command. */
  control?: boolean;
  /** fd 4 is the network namespace to join (outbound.ts), bound at CELL_NETNS. */
  withNetns?: boolean;
  /** With withNetns: fd 5 is the user namespace owning it, bound at CELL_USERNS. */
  withUserns?: boolean;
  /**
   * Run the runtime with the 32-bit personality (`setarch linux32`), which its container inherits: an i386
   * cell on an amd64 kernel then sees i686 in uname, as an i386 machine would show.
   */
  linux32?: boolean;
  /** A system cell: the init runs as the container's process, and the command is exec'd into it once it is up. */
  boot?: {
    consoleLog: string;
    stopSignal: number;
    graceSec: number;
    timeoutSec: number;
    /** The init's log, printed for a failing cell into `journal` (with the log process in the bundle). */
    journal?: string;
  };
}

/** Finds a host program on PATH, then in the sbin dirs a non-login root shell may lack. */
export async function findProgram(name: string): Promise<string | undefined> {
  const onPath = await which(name);
  if (onPath) return onPath;
  for (const dir of SBIN) {
    if (
      await access(join(dir, name), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return join(dir, name);
  }
  return undefined;
}

let tools: Promise<LauncherTools> | undefined;

export function launcherTools(): Promise<LauncherTools> {
  tools ??= (async () => {
    const [setpriv, unshare, busybox, setarch, script] = await Promise.all([
      findProgram('setpriv'),
      findProgram('unshare'),
      findProgram('busybox'),
      findProgram('setarch'),
      findProgram('script'),
    ]);
    if (!setpriv || !unshare) {
      tools = undefined;
      throw envError('NO_UTIL_LINUX', `${setpriv ? 'unshare' : 'setpriv'} is not installed on this host`, {
        hint: 'apt-get install util-linux',
      });
    }
    // The mount point of every cell's private tmpfs (see CELL_MOUNT); on the host it stays empty.
    await mkdir(CELL_MOUNT, { recursive: true, mode: 0o711 });
    return {
      setpriv,
      unshare,
      shell: busybox ? [busybox, 'sh'] : ['/bin/sh'],
      ...(setarch && { setarch }),
      ...(script && { script }),
    };
  })();
  return tools;
}

/** The common parent of the layers, and each layer relative to it, joined as overlayfs wants them. */
export function relativeLowerdirs(lowerdirs: string[]): { base: string; lower: string } {
  const parents = lowerdirs.map((p) => dirname(p).split(sep));
  const common: string[] = [];
  for (let i = 0; parents.every((p) => i < p.length && p[i] === parents[0][i]); i++) common.push(parents[0][i]);
  const base = common.join(sep) || sep;
  return { base, lower: lowerdirs.map((p) => relative(base, p)).join(':') };
}

/** argv of the launcher, from setpriv to the runtime's own arguments. */
export function launcherArgv(t: LauncherTools, runtime: Runtime, spec: LaunchSpec, paths: CellPaths): string[] {
  const { id, lowerdirs } = spec;
  const { base, lower } = relativeLowerdirs(lowerdirs);
  if (`lowerdir=${lower},upperdir=${paths.upper},workdir=${paths.work}`.length > MAX_OPTIONS) {
    throw envError('TOO_MANY_LAYERS', `cell ${id}: ${lowerdirs.length} layers do not fit in one overlayfs mount`, {
      hint: 'merge setup steps into fewer layers, or move the store to a shorter path',
    });
  }
  const owner = `${spec.owner.uid}:${spec.owner.gid}`;
  const source = spec.sourceLower ? [spec.sourceLower, paths.srcUpper, paths.srcWork] : ['', '', ''];
  const positional = [
    paths.setupLog,
    base,
    lower,
    paths.upper,
    paths.work,
    ...source,
    paths.hosts,
    spec.withResolv ? paths.resolv : '',
    owner,
    spec.withHostCa ? paths.hostCa : '',
    spec.withUserns ? '2' : spec.withNetns ? '1' : '',
    runtime.overlay ?? '',
  ];
  if (spec.linux32 && !t.setarch) {
    throw envError('NO_SETARCH', `cell ${id}: setarch is not installed, and a 32-bit cell needs it`, {
      hint: 'apt-get install util-linux',
    });
  }
  if (spec.boot && !t.script) {
    throw envError('NO_SCRIPT', `cell ${id}: a system cell's console is recorded by script(1), which this host lacks`, {
      hint: 'apt-get install bsdutils',
    });
  }
  if (spec.boot) {
    const b = spec.boot;
    const boot = [
      b.consoleLog,
      id,
      paths.bundle,
      paths.execProcess,
      paths.readyProcess,
      paths.readyOut,
      String(b.stopSignal),
      String(b.graceSec),
      spec.control ? '1' : '',
      String(b.timeoutSec),
      b.journal ? paths.logProcess : '',
      b.journal ?? '',
      spec.linux32 ? t.setarch! : '',
      runtime.path,
      runtime.rootless ? '1' : '',
      CELL_STATE,
      paths.runtimeLog,
    ];
    return [...unshareArgv(t), BOOT_SCRIPT, 'vmatrix-cell', ...positional, ...boot];
  }
  // --keep: the runtime leaves the cell's cgroups to us, so that we can read its OOM count before removing them.
  const runtimeArgv = [
    ...(spec.linux32 ? [t.setarch!, 'linux32'] : []),
    runtime.path,
    ...(runtime.rootless ? ['--rootless', 'true'] : []),
    '--root',
    CELL_STATE,
    '--log',
    paths.runtimeLog,
    '--log-format',
    'json',
    'run',
    '--keep',
    ...(spec.control ? ['--preserve-fds', '1'] : []),
    '--bundle',
    paths.bundle,
    id,
  ];
  return [...unshareArgv(t), SCRIPT, 'vmatrix-cell', ...positional, ...runtimeArgv];
}

/** setpriv and unshare, up to the shell's `-c`: the script and its arguments follow. */
function unshareArgv(t: LauncherTools): string[] {
  return [
    t.setpriv,
    '--pdeathsig',
    'KILL',
    '--',
    t.unshare,
    '--mount',
    '--propagation',
    'private',
    '--pid',
    '--fork',
    '--kill-child',
    '--mount-proc',
    '--',
    ...t.shell,
    '-c',
  ];
}
