// The peers of a vmatrix cell: the tools people use instead for a throwaway copy-on-write root, each running
// `true` in the same busybox root as the cell case's other variants (test/bench/cells.mjs), in the same run.
// scripts/setup-bench.sh installs them. Each peer's `prepare(fx, ctx)` returns its variant, `run(dir)`, or
// the exact reason it cannot run here (a missing program, or the error its first run gave), which the case
// reports in place of the peer's figures.
import { spawn } from 'node:child_process';
import { access, mkdir, readFile, symlink, unlink, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { benchId } from './busybox.mjs';

const NOT_INSTALLED = 'not installed: run scripts/setup-bench.sh';

/** The program's path on $PATH (and the sbin dirs, where a non-login root shell may lack them), or undefined. */
async function which(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      await access(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this dir
    }
  }
  return undefined;
}

/**
 * Runs a peer to completion. Its stdout is dropped; its stderr is kept (the last 4 KiB) for the error of a
 * failed run, and not shown: some peers warn on every run (systemd-nspawn, below), which would bury the bench's
 * own output.
 */
function exec(cmd, args, { input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4096);
    });
    child.on('error', reject);
    if (input) input(child.stdin);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const last = err.trim().split('\n').filter(Boolean).at(-1) ?? '';
      reject(new Error(`${cmd.split('/').at(-1)} exited ${code ?? signal}: ${last}`));
    });
  });
}

/** The peer's first run, on a dir of its own: its error is the reason the peer is skipped. */
async function firstRun(run, dir) {
  // The first run is also the peer's warm-up (page cache, lxc's and podman's own state), like vmatrix's in the
  // case's fixture.
  await mkdir(dir, { recursive: true });
  try {
    await run(dir);
  } catch (e) {
    return e.message;
  }
  return run;
}

/** The host's hard limit of a resource, from proc(5)'s /proc/self/limits ("Max open files  1024  4096  files"). */
async function hardLimit(label) {
  const line = (await readFile('/proc/self/limits', 'utf8')).split('\n').find((l) => l.startsWith(label));
  const hard = line?.slice(label.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === 'unlimited' ? undefined : Number(hard);
}

/**
 * The peers, in the order the case runs them. `fx` is the busybox fixture (its `root`, its `tmp` dir, the
 * runtime vmatrix picked); `ctx` has the prepared OCI bundle of the bare-runtime variant (`bundle`) and
 * `undo(fn)`, which registers what must be undone before the fixture is removed.
 */
export const peers = {
  /**
   * lxc-execute(1) on a directory root: LXC's application container, lxc-init as PID 1 running the command.
   * No copy-on-write layer (the root is used in place), no network (lxc.net.0.type = empty, lxc.container.conf(5)).
   */
  async 'lxc-execute (directory root)'(fx) {
    const lxc = await which('lxc-execute');
    if (!lxc) return NOT_INSTALLED;
    const path = join(fx.tmp, 'lxc-exec');
    await mkdir(path);
    const conf = join(path, 'bench.conf');
    await writeFile(conf, `lxc.rootfs.path = dir:${fx.root}\nlxc.uts.name = bench\nlxc.net.0.type = empty\n`);
    const run = () => exec(lxc, ['-n', benchId(), '-P', path, '-f', conf, '--', '/bin/true']);
    return firstRun(run, join(fx.tmp, 'lxc-exec-probe'));
  },

  /**
   * lxc-copy(1) -e: an ephemeral overlay copy of a container, started in the foreground (-F) and destroyed when
   * its init exits; here the init is /bin/true (lxc.init.cmd). lxc-copy insists that the original's rootfs path
   * contain the container's name ("Original rootfs path … does not include container name"), hence the symlink.
   * lxc-copy returns 0 whatever the init's exit status: its run is known to work from its debug log, not here.
   */
  async 'lxc-copy -e (overlay copy)'(fx) {
    const lxc = await which('lxc-copy');
    if (!lxc) return NOT_INSTALLED;
    const path = join(fx.tmp, 'lxc-copy');
    const base = join(path, 'vmx-bench-base');
    await mkdir(base, { recursive: true });
    await symlink(fx.root, join(base, 'rootfs'));
    await writeFile(
      join(base, 'config'),
      `lxc.rootfs.path = dir:${join(base, 'rootfs')}\nlxc.uts.name = bench\nlxc.net.0.type = empty\n` +
        'lxc.init.cmd = /bin/true\n',
    );
    const run = () => exec(lxc, ['-P', path, '-n', 'vmx-bench-base', '-N', benchId(), '-e', '-F', '-q']);
    return firstRun(run, join(fx.tmp, 'lxc-copy-probe'));
  },

  /**
   * A schroot(1) session with union-type=overlay (schroot.conf(5)), begun, run and ended by one
   * `schroot -c NAME -- /bin/true`, as sbuild's engine. The chroot's definition is a file of ours in
   * /etc/schroot/chroot.d, named after this process so it cannot clash with the host's, removed at the end.
   * The "minimal" profile: the fewest mounts and copied files of the profiles Debian ships.
   */
  async 'schroot session (union-type=overlay)'(fx, ctx) {
    const schroot = await which('schroot');
    if (!schroot) return NOT_INSTALLED;
    const name = `vmx-bench-${process.pid}`;
    const overlays = join(fx.tmp, 'schroot-overlay');
    await mkdir(overlays);
    const file = join('/etc/schroot/chroot.d', name);
    await writeFile(
      file,
      `# written by vmatrix's benchmark (test/bench/peers.mjs), process ${process.pid}; removed when it ends\n` +
        `[${name}]\ntype=directory\ndirectory=${fx.root}\nunion-type=overlay\n` +
        `union-overlay-directory=${overlays}\nusers=root\nroot-users=root\nprofile=minimal\n`,
      { flag: 'wx' },
    );
    ctx.undo(() => unlink(file));
    const run = () => exec(schroot, ['-c', name, '-d', '/', '--', '/bin/true']);
    return firstRun(run, join(fx.tmp, 'schroot-probe'));
  },

  /**
   * systemd-nspawn(1) --overlay=ROOT:UPPER:/ (any filesystem; --ephemeral makes a full copy off btrfs). Without
   * systemd as PID 1 there is no system bus: --register=no (no machined) and --keep-unit (no scope unit), or
   * nspawn stops with "Failed to open system bus".
   */
  async 'systemd-nspawn --overlay'(fx) {
    const nspawn = await which('systemd-nspawn');
    if (!nspawn) return NOT_INSTALLED;
    const run = async (dir) => {
      const upper = join(dir, 'upper');
      await mkdir(upper);
      await exec(nspawn, [
        '-q',
        '--register=no',
        '--keep-unit',
        '-D',
        fx.root,
        `--overlay=${fx.root}:${upper}:/`,
        '/bin/true',
      ]);
    };
    return firstRun(run, join(fx.tmp, 'nspawn-probe'));
  },

  /**
   * Rootful podman(1) with runc as its runtime, from an image `podman import`ed from the same root, in a
   * storage of its own (--root/--runroot, removed with the fixture), no network. cgroupfs and a file for
   * events: without systemd as PID 1 there is no systemd cgroup manager nor journal. podman's default
   * rlimits (nofile 1048576, nproc 4194304) exceed this host's hard limits and runc fails with "error setting
   * rlimit type 7: operation not permitted": the container gets the host's own (nproc capped, see below).
   */
  async 'podman run --rm (runc)'(fx) {
    const podman = await which('podman');
    const runc = await which('runc');
    if (!podman || !runc) return NOT_INSTALLED;
    const store = join(fx.tmp, 'podman');
    const global = [
      '--root',
      join(store, 'root'),
      '--runroot',
      join(store, 'run'),
      '--runtime',
      runc,
      '--cgroup-manager',
      'cgroupfs',
      '--events-backend',
      'file',
    ];
    const image = `localhost/vmx-bench-busybox:${process.pid}`;
    try {
      await exec(podman, [...global, 'import', '-q', '-', image], {
        input: (stdin) => {
          const tar = spawn('tar', ['-C', fx.root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
          tar.stdout.pipe(stdin);
        },
      });
    } catch (e) {
      return e.message;
    }
    const nofile = (await hardLimit('Max open files')) ?? 1024;
    // nproc is counted per user across the host; runc's setrlimit of the host's own hard nproc still fails
    // here, 4096 is far more than `true` needs.
    const limits = ['--ulimit', `nofile=${Math.min(1024, nofile)}:${nofile}`, '--ulimit', 'nproc=4096:4096'];
    const run = () => exec(podman, [...global, 'run', '--rm', '--network', 'none', ...limits, image, '/bin/true']);
    return firstRun(run, join(fx.tmp, 'podman-probe'));
  },

  /** crun(1) run of the bare-runtime variant's bundle: the other OCI runtime, where vmatrix picked runc. */
  async 'bare crun'(fx, ctx) {
    if (fx.runtime.name === 'crun') return 'vmatrix picked crun on this host: the bare-runtime variant is crun';
    const crun = await which('crun');
    if (!crun) return NOT_INSTALLED;
    const run = (dir) => exec(crun, ['--root', join(dir, 'state'), 'run', '--bundle', ctx.bundle, benchId()]);
    return firstRun(run, join(fx.tmp, 'crun-probe'));
  },
};

/**
 * Prepares every peer: returns the variants that can run here (name → run) and, for the others, why not.
 * A peer whose preparation throws is reported with the error, like one whose first run fails.
 */
export async function preparePeers(fx, ctx) {
  const variants = {};
  const unavailable = {};
  for (const [name, prepare] of Object.entries(peers)) {
    let got;
    try {
      got = await prepare(fx, ctx);
    } catch (e) {
      got = e.message;
    }
    if (typeof got === 'string') unavailable[name] = got;
    else variants[name] = got;
  }
  return { variants, unavailable };
}
