// The life of a cell running `true` in a busybox root: vmatrix's runCell (overlay root, OCI bundle, namespaces,
// runtime, cleanup) vs the bare OCI runtime running a prepared bundle on an overlay of the same root that was
// mounted beforehand (with `<runtime> spec`'s default config, and with the config vmatrix writes), vs the floor, `unshare` + `chroot` on that overlay, and vs the peers people use instead
// (LXC, schroot, systemd-nspawn, podman, crun: test/bench/peers.mjs), each where it can run on this host.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchId, fixtureSteps, runInCell } from './busybox.mjs';
import { importDist } from './dist.mjs';
import { run as runProgram } from './exec.mjs';
import { preparePeers } from './peers.mjs';

/** The copy-on-write root the baselines get for free: mounted once, before any of them is timed. */
async function mountOverlay(fx) {
  const dirs = ['upper', 'work', 'merged'].map((d) => join(fx.tmp, d));
  for (const d of dirs) await mkdir(d);
  const [upper, work, target] = dirs;
  execFileSync('mount', [
    '-t',
    'overlay',
    'vmx-bench',
    '-o',
    `lowerdir=${fx.root},upperdir=${upper},workdir=${work}`,
    target,
  ]);
  return target;
}

/** `<runtime> spec`'s default container (its namespaces, mounts, masked paths), running /bin/true on the overlay. */
async function prepareBundle(fx, merged) {
  const dir = join(fx.tmp, 'bundle');
  await mkdir(dir);
  execFileSync(fx.runtime.path, ['spec', '--bundle', dir]);
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  config.process.terminal = false;
  config.process.args = ['/bin/true'];
  config.root = { path: merged, readonly: false };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

/**
 * A second bundle on the same overlay with the OCI spec vmatrix writes for this cell (its seccomp allow-list,
 * capabilities, masked paths, mounts, rlimits), so that the gap to the bare runtime splits into what the spec
 * costs the runtime and what vmatrix's launcher and Node side add.
 */
async function prepareSpecBundle(fx, merged) {
  const { buildOciConfig } = await importDist('vps/oci-spec.js');
  const { seccompWanted } = await importDist('vps/seccomp.js');
  const { cellNofile } = await importDist('vps/limits.js');
  const dir = join(fx.tmp, 'bundle-spec');
  await mkdir(dir);
  const hosts = join(dir, 'hosts');
  await writeFile(hosts, '127.0.0.1 localhost bench\n');
  const spec = { id: 'bench', hostname: 'bench', lowerdirs: [fx.root], dir, args: ['/bin/true'], env: {}, cwd: '/' };
  const host = { nofile: await cellNofile(), swapLimit: false, seccomp: seccompWanted(), hostCa: false, netns: false };
  const config = buildOciConfig({ ...spec, network: 'none' }, host);
  config.root = { path: merged, readonly: false };
  // In a cell the launcher copies /etc/hosts onto its tmpfs; here the bundle holds the copy.
  for (const m of config.mounts) if (m.destination === '/etc/hosts') m.source = hosts;
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

/**
 * The bare runtime on a busybox fixture: `run(dir)` runs `true` in a container of a prepared bundle on an
 * overlay of the fixture's root mounted beforehand; `unmount()` before the fixture is removed.
 */
export async function bareRuntime(fx) {
  const merged = await mountOverlay(fx);
  let mounted = true;
  const unmount = () => {
    if (mounted) execFileSync('umount', [merged]);
    mounted = false;
  };
  try {
    const bundle = await prepareBundle(fx, merged);
    const specBundle = await prepareSpecBundle(fx, merged);
    const runBundle = (dir, b) =>
      runProgram(fx.runtime.path, ['--root', join(dir, 'state'), 'run', '--bundle', b, benchId()]);
    return {
      merged,
      bundle,
      run: (dir) => runBundle(dir, bundle),
      runSpec: (dir) => runBundle(dir, specBundle),
      unmount,
    };
  } catch (e) {
    unmount();
    throw e;
  }
}

let fx;
let bare;

const cellCase = {
  name: 'cell busybox true',
  description:
    'vmatrix runCell vs `<runtime> run` of a prepared bundle on a pre-mounted overlay of the same root' +
    " vs the same with vmatrix's OCI spec (its seccomp allow-list above all)" +
    ' vs `unshare -mpf --mount-proc chroot <overlay> /bin/true`',
  baseline: 'bare runtime',
  target: 1.2,
  // Issue 17: within 1.2× the bare runtime, and 1.5× LXC's lxc-execute, the fastest engine on this host.
  targets: { 'lxc-execute (directory root)': 1.5 },
  // A round of vmatrix and the bare runtime takes ~0.1 s: many rounds make the medians of these short, noisy
  // runs stable. The peers add ~2 s a round here, most of it schroot's and podman's.
  rounds: 30,
  ...fixtureSteps(
    'cells',
    (f) => {
      fx = f;
    },
    async (f, c, beforeRemoval) => {
      // Undone in reverse order: the peers' files (schroot's chroot definition), then the overlay.
      const undos = [];
      beforeRemoval(async () => {
        for (const fn of undos.reverse()) await fn();
      });
      bare = await bareRuntime(f);
      undos.push(bare.unmount);
      c.description += ` (${f.runtime.name} ${f.runtime.version}), and vs each peer running \`true\` in the same root`;
      const { variants, unavailable } = await preparePeers(f, { bundle: bare.bundle, undo: (fn) => undos.push(fn) });
      Object.assign(c.variants, variants);
      c.unavailable = unavailable;
    },
  ),
  variants: {
    'vmatrix runCell': (dir) => runInCell(fx, dir, ['/bin/true']),
    'bare runtime': (dir) => bare.run(dir),
    "bare runtime, vmatrix's spec": (dir) => bare.runSpec(dir),
    'unshare+chroot': () => runProgram('unshare', ['-mpf', '--mount-proc', 'chroot', bare.merged, '/bin/true']),
  },
};

export const cellCases = [cellCase];
