// The inventory of a cell's root (issue 21), read on the host after the cell, as a run will for each cell:
// - `inventory`: runCell of `true` in a plain cell of Debian 12, then readPackageInventory of the same layers
//   (dpkg's status, libc6, the compilers), vs the plain cell alone. The read's own time is a series apart.
// The root is boot.mjs's (Debian 12 minbase with systemd-sysv and busybox, built once by mmdebstrap into the
// test cache); cells run without a user namespace, the same for both variants.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { systemdRoot } from './boot.mjs';
import { benchId } from './busybox.mjs';
import { importDist } from './dist.mjs';
import { sink } from './exec.mjs';

let fx;

async function setup() {
  try {
    const vps = await importDist('vps/index.js');
    const { readPackageInventory } = await importDist('inventory/index.js');
    const root = await systemdRoot();
    const tmp = await mkdtemp(join(process.env.VMATRIX_BENCH_DIR ?? '/tmp', 'vmx-bench-inventory-'));
    const runtime = { ...(await vps.detectRuntime()), userns: { reason: 'bench: no user namespace' } };
    fx = { vps, readPackageInventory, root, tmp, runtime, lowerdirs: [root] };
  } catch (e) {
    return `no Debian 12 root: ${e.message}`;
  }
}

async function teardown() {
  if (fx) await rm(fx.tmp, { recursive: true, force: true });
  fx = undefined;
}

async function cell(dir) {
  const r = await fx.vps.runCell(fx.runtime, {
    id: benchId(),
    hostname: 'bench',
    lowerdirs: fx.lowerdirs,
    dir: join(dir, `cell-${benchId()}`),
    args: ['/bin/true'],
    env: {},
    cwd: '/',
    network: 'none',
    stdout: sink(),
    stderr: process.stderr,
  });
  if (r.exitCode !== 0) throw new Error(`cell: ${JSON.stringify(r)}`);
}

/** The read alone, in ms; a read that found nothing would measure nothing, so it must find libc6. */
async function inventory() {
  const started = performance.now();
  const inv = await fx.readPackageInventory(fx.lowerdirs, 'apt');
  const ms = performance.now() - started;
  if (inv.libc?.from !== 'libc6' || inv.packagesNote) throw new Error(`inventory: ${JSON.stringify(inv)}`);
  return ms;
}

export const inventoryCases = [
  {
    name: 'inventory',
    description:
      "runCell of `true` in a plain Debian 12 cell, then readPackageInventory of its layers (dpkg's status, " +
      'libc6, compilers) on the host, vs the plain cell alone; the read alone noted apart',
    baseline: 'plain cell',
    // Issue 21 bounds the inventory at 150 ms a cell; a plain cell here lives ~110 ms, so 1.10 (~11 ms) holds it to
    // a tenth of that. The first cell of each image and layer in a run pays this read; the others reuse it.
    target: 1.1,
    rounds: 10,
    setup,
    teardown,
    variants: {
      'cell + inventory': async (dir) => {
        await cell(dir);
        return { 'inventory read': await inventory() };
      },
      'plain cell': (dir) => cell(dir).then(() => undefined),
    },
  },
];
