// System cells and services (issue 20), each against a plain cell of the same Debian 12 root in the same run:
// - `system cell`: runCell of `true` in a cell whose PID 1 is Debian 12's systemd (boot to `running`, `true`
//   exec'd into it, SIGRTMIN+3 and the shutdown) vs the same `true` in a plain cell; the boot-to-ready time
//   of each round is noted apart.
// - `cell with a service`: a test cell of `true` with one service started before it and stopped after it,
//   the way `vmatrix test` does (the pipeline's startServices: a group network, the service's cell, its
//   readiness), as a `run:` service (busybox httpd, ready when it answers) and as a booted one (systemd, ready
//   when it is up), vs the plain cell.
// The root is Debian 12 minbase with systemd-sysv and busybox, built once by mmdebstrap from the host's
// mirror and kept in the test cache. Cells run without a user namespace (root in a cell is host root), the
// same for every variant.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { importDist } from './dist.mjs';
import { run } from './exec.mjs';
import { benchId } from './busybox.mjs';
import { Writable } from 'node:stream';

const cacheDir = () => process.env.VMATRIX_TEST_CACHE ?? '/var/cache/vmatrix-test';

/** Debian 12 minbase + systemd-sysv + busybox, built once (about a minute). */
export async function systemdRoot() {
  const root = join(cacheDir(), 'bench-debian-12-systemd');
  if (existsSync(root)) return root;
  const { hostDebianMirror } = await importDist('images/apt-mirror.js');
  await mkdir(cacheDir(), { recursive: true });
  const partial = `${root}.partial-${process.pid}`;
  try {
    const args = ['--variant=minbase', '--include=systemd-sysv,busybox', 'bookworm', partial];
    await run('mmdebstrap', [...args, await hostDebianMirror()]);
    await rename(partial, root);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return root;
}

const sink = () => new Writable({ write: (_c, _e, done) => done() });

let fx;

async function setup() {
  try {
    const vps = await importDist('vps/index.js');
    const { initOf, cellBoot } = await importDist('cell/init.js');
    const { startServices } = await importDist('pipeline/services.js');
    const root = await systemdRoot();
    const tmp = await mkdtemp(join(process.env.VMATRIX_BENCH_DIR ?? '/tmp', 'vmx-bench-boot-'));
    const runtime = { ...(await vps.detectRuntime()), userns: { reason: 'bench: no user namespace' } };
    fx = { vps, init: initOf({ packageManager: 'apt' }), cellBoot, startServices, root, tmp, runtime };
  } catch (e) {
    return `no Debian 12 systemd root: ${e.message}`;
  }
}

async function teardown() {
  if (fx) await rm(fx.tmp, { recursive: true, force: true });
  fx = undefined;
}

/** One cell of `true` on the root; `over` adds to its spec (boot, a group's network). */
async function cell(dir, over = {}) {
  const r = await fx.vps.runCell(fx.runtime, {
    id: benchId(),
    hostname: 'bench',
    lowerdirs: [fx.root],
    dir: join(dir, `cell-${benchId()}`),
    args: ['/bin/true'],
    env: {},
    cwd: '/',
    network: 'none',
    stdout: sink(),
    stderr: process.stderr,
    ...over,
  });
  if (r.exitCode !== 0 || (r.boot && !r.boot.up)) throw new Error(`cell: ${JSON.stringify(r)}`);
  return r;
}

function bootSpec(dir) {
  return fx.cellBoot(fx.init, 60_000, [fx.root], { console: join(dir, `console-${benchId()}.log`) });
}

/** A test cell of `true` with one service, started and stopped as `vmatrix test` does. */
async function withService(dir, kind) {
  const ctx = { runtime: fx.runtime, runDir: dir, cellsRoot: dir };
  const plan = {
    name: 'svc',
    distro: { name: 'debian-12', arch: 'amd64', shell: '/bin/sh' },
    recipe: { packages: [], setup: [], env: {} },
    env: {},
    readyTimeoutMs: 60_000,
    ...(kind === 'run'
      ? {
          run: 'busybox httpd -f -p 8081 -h /etc',
          ready: 'busybox wget -q -O /dev/null http://127.0.0.1:8081/debian_version',
        }
      : { boot: { timeoutMs: 60_000, init: fx.init } }),
  };
  const log = sink();
  const group = await fx.startServices(
    ctx,
    { index: 0, slug: `s${benchId()}`, cellDir: 'svc', services: [plan], inputs: [{ image: { rootfs: fx.root } }] },
    log,
  );
  try {
    await cell(dir, { joinNetns: group.netns, joinUserns: group.userns, extraHosts: group.names });
  } finally {
    await group.stop();
  }
}

export const bootCases = [
  {
    name: 'system cell',
    description:
      'runCell of `true` in a cell whose PID 1 is Debian 12 systemd (boot to running, exec, SIGRTMIN+3 shutdown) ' +
      'vs the same `true` in a plain cell of the same root; boot-to-ready noted apart',
    baseline: 'plain cell',
    rounds: 8,
    setup,
    teardown,
    variants: {
      // The whole call's time, and boot-to-ready as a series of its own.
      'system cell': async (dir) => ({ 'boot to ready': (await cell(dir, { boot: await bootSpec(dir) })).boot.ms }),
      'plain cell': (dir) => cell(dir).then(() => undefined),
    },
  },
  {
    name: 'cell with a service',
    description:
      'a test cell of `true` with one service started before it and stopped after it (group network, ' +
      'readiness), as busybox httpd (`run:`) and as a booted systemd (`boot: true`), vs a plain cell',
    baseline: 'plain cell',
    rounds: 6,
    setup,
    teardown,
    variants: {
      'cell + run: service': (dir) => withService(dir, 'run').then(() => undefined),
      'cell + boot: service': (dir) => withService(dir, 'boot').then(() => undefined),
      'plain cell': (dir) => cell(dir).then(() => undefined),
    },
  },
];
