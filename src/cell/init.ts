import type { DistroEntry } from '../catalog/types.js';
import type { PackageManagerName } from '../catalog/index.js';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CellBoot } from '../vps/index.js';
import { exists } from '../util/fs.js';

// The init of a system cell (`boot: true`): what runs as PID 1, which packages bring it (a minbase root has
// none), how vmatrix knows the system is up, how it asks it to stop, and how its log is read for a failing
// cell. One table, by package manager: a distro's family decides its init.

export interface InitSystem {
  kind: 'systemd' | 'openrc' | 'busybox' | 'runit';
  /** Packages (the distro's names) that make `command` exist; installed in the cell's setup layer. */
  packages: string[];
  /** PID 1's argv. */
  command: string[];
  /** The signal (number: runc 1.1 does not know SIGRTMIN+3 by name) that makes the init shut the system down. */
  stopSignal: number;
  /**
   * A shell command run in the booted cell until it exits 0: the system is up. It prints what it saw (the
   * system's state on the first line, what it is waiting for on the next ones), for the log of a boot that does
   * not finish.
   */
  ready: string;
  /** A shell command printing the init's log (the journal), attached to a failing cell's log. */
  log: string;
  /** Variables PID 1 gets, besides PATH. */
  env: Record<string, string>;
}

/** SIGRTMIN+3 on Linux (SIGRTMIN is 34): systemd's "halt". */
const SIGRTMIN_3 = 37;

// --wait blocks until the boot is over, which may be never (a unit that hangs): each poll waits 2 s at most,
// then asks once more without --wait, for what the log of a boot that times out says.
const SYSTEMD_READY =
  's=$(timeout 2 systemctl is-system-running --wait 2>&1) || s=$(systemctl is-system-running 2>&1); echo "$s"; ' +
  'case "$s" in running|degraded) exit 0;; esac; systemctl list-jobs --no-legend --no-pager 2>&1 | head -n 8; exit 1';

function systemd(packages: string[]): InitSystem {
  return {
    kind: 'systemd',
    packages,
    command: ['/sbin/init'],
    stopSignal: SIGRTMIN_3,
    ready: SYSTEMD_READY,
    log: 'journalctl -b --no-pager -o short-monotonic 2>&1 | tail -n 200',
    // systemd-detect-virt says "container-other"; units conditioned on a container behave as in one.
    env: { container: 'vmatrix' },
  };
}

function openrc(packages: string[]): InitSystem {
  return {
    kind: 'openrc',
    packages,
    command: ['/sbin/init'],
    // busybox init (Alpine's PID 1, which runs openrc) halts on SIGUSR1; sysvinit (Gentoo) on SIGTERM... both
    // stop on SIGTERM, after which the grace period ends them.
    stopSignal: 15,
    ready: 'r=$(rc-status -r 2>&1); echo "runlevel: $r"; [ "$r" = default ]',
    log: 'tail -n 200 /var/log/rc.log 2>/dev/null; dmesg 2>/dev/null | tail -n 50; true',
    env: { container: 'vmatrix' },
  };
}

const INITS: Record<PackageManagerName, InitSystem | undefined> = {
  apt: systemd(['systemd-sysv']),
  dnf: systemd(['systemd']),
  zypper: systemd(['systemd', 'systemd-sysvinit']),
  pacman: systemd(['systemd-sysvcompat']),
  apk: openrc(['openrc', 'busybox-openrc']),
  emerge: openrc([]),
  xbps: undefined,
  none: {
    kind: 'busybox',
    packages: [],
    command: ['/sbin/init'],
    stopSignal: 10, // SIGUSR1: busybox init's halt
    ready: 'echo up',
    log: 'true',
    env: {},
  },
};

/** The init a system cell of `distro` boots, or undefined when vmatrix cannot boot that family yet. */
export function initOf(distro: Pick<DistroEntry, 'packageManager'>): InitSystem | undefined {
  return INITS[distro.packageManager];
}

/**
 * Whether the image's systemd mounts a tmpfs on /tmp (Debian 13's tmp.mount, active where it is in
 * /usr/lib/systemd/system and not masked): systemd cannot mount it without CAP_SYS_ADMIN, which would leave
 * the system degraded, so the cell gets it mounted already, as the distro would have it. `layers` newest first.
 */
async function wantsTmpfsTmp(init: InitSystem, layers: readonly string[]): Promise<boolean> {
  if (init.kind !== 'systemd') return false;
  for (const layer of layers) {
    const masked = await readlink(join(layer, 'etc/systemd/system/tmp.mount')).catch(() => undefined);
    if (masked === '/dev/null') return false;
    if (await exists(join(layer, 'usr/lib/systemd/system/tmp.mount'))) return true;
  }
  return false;
}

/**
 * How a cell of `init` on `layers` (newest first) boots (vps' CellBoot): its console and, for a failing cell,
 * its init's log, go to files.
 */
export async function cellBoot(
  init: InitSystem,
  timeoutMs: number,
  layers: readonly string[],
  files: { console: string; journal?: string },
): Promise<CellBoot> {
  return {
    ...((await wantsTmpfsTmp(init, layers)) && { tmpfsTmp: true }),
    init: init.command,
    initEnv: init.env,
    ready: init.ready,
    stopSignal: init.stopSignal,
    timeoutMs,
    consoleLog: files.console,
    ...(files.journal && { log: init.log, journal: files.journal }),
  };
}
