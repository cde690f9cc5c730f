import { join } from 'node:path';

// Where everything of one cell lives inside its scratch dir. One place, so that runCell, the launcher script
// and the sweep agree, and so that removing `dir` removes all of it.
export interface CellPaths {
  dir: string;
  bundle: string;
  config: string;
  hosts: string;
  resolv: string;
  /** The host's added CA certificates, for cells with a network (host-ca.ts). */
  hostCa: string;
  upper: string;
  work: string;
  srcUpper: string;
  srcWork: string;
  /** The runtime's own log (--log): how we tell "runc failed" from "the test failed". */
  runtimeLog: string;
  /** stderr of the mount steps of the launcher script. */
  setupLog: string;
  marker: string;
  /** The launcher's pid: how another vmatrix kills a cell that has no cgroup of its own (rootless). */
  launcher: string;
  /** A system cell: the process its steps run as, and its readiness poll's (the runtime's exec --process). */
  execProcess: string;
  readyProcess: string;
  /** A system cell's log process (its init's log, for a failing cell). */
  logProcess: string;
  /** What the last readiness poll printed. */
  readyOut: string;
}

export function cellPaths(dir: string, upper?: string, srcUpper?: string): CellPaths {
  return {
    dir,
    bundle: join(dir, 'bundle'),
    config: join(dir, 'bundle', 'config.json'),
    hosts: join(dir, 'bundle', 'hosts'),
    resolv: join(dir, 'bundle', 'resolv.conf'),
    hostCa: join(dir, 'bundle', 'host-ca.crt'),
    upper: upper ?? join(dir, 'upper'),
    work: join(dir, 'work'),
    srcUpper: srcUpper ?? join(dir, 'src-upper'),
    srcWork: join(dir, 'src-work'),
    runtimeLog: join(dir, 'runtime.log'),
    setupLog: join(dir, 'setup.log'),
    marker: join(dir, 'cell.json'),
    launcher: join(dir, 'launcher.pid'),
    execProcess: join(dir, 'bundle', 'exec.json'),
    readyProcess: join(dir, 'bundle', 'ready.json'),
    logProcess: join(dir, 'bundle', 'log.json'),
    readyOut: join(dir, 'ready.out'),
  };
}

// Everything the container mounts lives on a tmpfs at CELL_MOUNT, mounted in that private namespace only
// (the host sees an empty directory): the root and source overlays, the runtime's state, /etc/hosts. Every
// cell has its own, so all use the same paths; and the path is one a user namespace's root may traverse,
// which the store's own directories (0700, perhaps under /root) are not. A rootless vmatrix has no /run to
// write: the process that made its user namespace names a directory of the user's (rootless.ts runtimeDir).
export const CELL_MOUNT = process.env.VMATRIX_CELL_MOUNT || '/run/vmatrix';
export const CELL_ROOTFS = `${CELL_MOUNT}/root`;
export const CELL_SOURCE = `${CELL_MOUNT}/src`;
export const CELL_HOSTS = `${CELL_MOUNT}/hosts`;
export const CELL_RESOLV = `${CELL_MOUNT}/resolv.conf`;
export const CELL_HOST_CA = `${CELL_MOUNT}/host-ca.crt`;
/** An outbound cell's network namespace (outbound.ts), bound by the launcher. */
export const CELL_NETNS = `${CELL_MOUNT}/netns`;
/** The user namespace of a group's cells (vps/group-net.ts), bound by the launcher. */
export const CELL_USERNS = `${CELL_MOUNT}/userns`;
export const CELL_STATE = `${CELL_MOUNT}/state`;
