// The contract between vps/ and its callers (cell/, layers/, pipeline/, session/). Everything a cell needs arrives in
// one CellRunSpec;
// everything it reports leaves in one CellRunResult. A failed command is a result; only a broken host throws.
import type { IdMap, UsernsChoice } from './userns.js';
import type { RootlessMode } from '../util/user-namespace.js';

/** The OCI runtime that executes cells. `reason` says why it was chosen, for `vmatrix doctor` and --debug. */
export interface Runtime {
  name: 'runc' | 'crun';
  path: string;
  version: string;
  reason: string;
  /** Whether cells can get a user namespace on this host, and why (callers pass `userns.map` on to cells). */
  userns: UsernsChoice;
  /**
   * vmatrix runs in a user namespace of an ordinary user's (rootless.ts): the runtime is told so, and
   * manages no cgroup it cannot write.
   */
  rootless?: RootlessMode;
  /** Rootless: the kernel's overlayfs with user.* attributes, or fuse-overlayfs (rootless.ts rootlessOverlay). */
  overlay?: 'userxattr' | 'fuse';
}

export type CellNetwork = 'none' | 'outbound' | 'host';

/** Where a setup cell sees its package cache. Under /run, a tmpfs on most hosts and empty in images. */
export const CELL_PACKAGE_CACHE = '/run/vmatrix-cache';

export interface CellRunSpec {
  /** Unique among all cells on the host (it names the cgroup): `vmx-<run>-<slug>`. [A-Za-z0-9_.-], <= 64 chars. */
  id: string;
  hostname: string;
  /**
   * The arch of the cell's programs (Debian's spelling), when it is not the host's: a 32-bit one whose
   * 64-bit sibling the host is (i386 on amd64, armhf on arm64) runs with the 32-bit personality, so that
   * `uname -m` (and configure scripts) say i686 or armv8l, not the host's machine.
   */
  arch?: string;
  /** Read-only layers, NEWEST FIRST: setup layer diff dirs..., then the image rootfs. */
  lowerdirs: string[];
  /** Per-cell scratch dir; must not exist yet (its parent must). Created here, removed at the end. */
  dir: string;
  /** An overlay upper dir to use and keep (to commit as a setup layer); outside `dir`, on the same filesystem. */
  upper?: string;
  /**
   * A project snapshot mounted copy-on-write at `dest`; writes in the cell never reach `lower`. `layers`
   * (newest first) are stacked above it read-only (a kept cell's writes); `upper` is a writable dir to use
   * and keep, like `upper` above, instead of one inside `dir`.
   */
  source?: { lower: string; dest: string; layers?: string[]; upper?: string };
  /**
   * A package cache (store/caches.ts) bound read-write at CELL_PACKAGE_CACHE: for setup layer builds only,
   * never a test, shell or run cell. `source` is a dir vmatrix made in its store, never a project's path.
   */
  packageCache?: { source: string };
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /**
   * A user namespace mapping cell ids 0..size-1 to host ids from `uid`/`gid`. The layers and the source must
   * then be owned by ids of that range (the caller shifts them); without it, root in the cell is host root.
   */
  userns?: IdMap;
  /** The cell ids the command runs as (default 0:0). A non-root user gets no capabilities. */
  user?: { uid: number; gid: number };
  /**
   * none: a new network namespace with only loopback (up); outbound: a namespace of its own that reaches the
   * outside world but nothing of the host (outbound.ts; setup steps); host: the host's network.
   */
  network: CellNetwork;
  /** Cgroup limits: memory in bytes (swap included), CPU time in CPUs (0.5 = half of one), processes and threads. */
  resources?: CellResources;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Default 'null' (/dev/null). */
  stdin?: 'inherit' | 'null';
  /**
   * An interactive cell: the command gets a pseudo-terminal of its own, which the runtime joins to
   * vmatrix's terminal (raw mode, window size, Ctrl-C to the cell). stdin/stdout/stderr are vmatrix's own.
   */
  terminal?: boolean;
  /**
   * A side channel from the command, apart from its output: each line it writes to fd 3 (a pipe the runtime
   * passes through with --preserve-fds) is given here as it arrives. The command should close fd 3 for
   * anything that may outlive it, or the channel stays open until the cell ends.
   */
  onControl?: (line: string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * A system cell: `boot.init` is PID 1, and `args` run in the booted system (the runtime's exec) once
   * `boot.ready` has exited 0. The cell then stops with the init's own signal and a grace period.
   */
  boot?: CellBoot;
  /**
   * An open network namespace (a group's: a test cell and its services) the cell joins instead of one of its
   * own; `network` must be 'none'. Only loopback is in it.
   */
  joinNetns?: number;
  /**
   * With joinNetns: the user namespace that owns it, which the cell joins instead of making its own (of the same
   * ids, `userns`): the runtime's exec joins a cell's user namespace first, and could not join its network
   * namespace after that were it another's.
   */
  joinUserns?: number;
  /** More names of 127.0.0.1 in the cell's /etc/hosts (its services', in a group's namespace). */
  extraHosts?: string[];
}

/** How a system cell boots (see CellRunSpec.boot). */
export interface CellBoot {
  /** PID 1's argv and the variables it gets. */
  init: string[];
  initEnv: Record<string, string>;
  /** A shell command (run with /bin/sh -c in the cell) polled until it exits 0: the system is up. */
  ready: string;
  /** The signal number that asks the init to shut the system down (37, SIGRTMIN+3, for systemd). */
  stopSignal: number;
  /** How long the system has to come up, from the start; then the cell is killed and the result says so. */
  timeoutMs: number;
  /** How long the init has to shut down before it is killed (default 10 s). */
  graceMs?: number;
  /** Where the init's console goes (a file vmatrix keeps: the run's boot log). */
  consoleLog: string;
  /** A shell command printing the init's log (the journal); with `journal`, run for a failing cell. */
  log?: string;
  /** Where a failing cell's init log goes (a file vmatrix keeps). */
  journal?: string;
  /** Mount a tmpfs on /tmp, which the init would mount itself had it CAP_SYS_ADMIN (init.ts wantsTmpfsTmp). */
  tmpfsTmp?: boolean;
}

export interface CellRunResult {
  /** The process's exit status, or null when it died of a signal. */
  exitCode: number | null;
  /** e.g. 'SIGSEGV' when the process died of a signal (including our SIGKILL on timeout/abort). */
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** The kernel killed a process of the cell because its memory cgroup ran out (its limit, or the host's). */
  oomKilled: boolean;
  /**
   * A system cell: `up` the system came up after `ms` (and `args` ran); else it did not, because it took
   * longer than `boot.timeoutMs` (`timedOut`), or its init exited first (`initExit`), and `ready` is what the last
   * poll printed.
   */
  boot?: { up: boolean; ms: number; timedOut?: boolean; initExit?: number; ready?: string };
}

export interface CellResources {
  memoryBytes?: number;
  cpus?: number;
  pids?: number;
}

/** Written into each cell dir so that a later sweep knows which cgroup a leftover cell used. */
export interface CellMarker {
  id: string;
  pid: number;
  created: string;
}
