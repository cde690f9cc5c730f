// The fixture of the cell benchmarks: a busybox root made from the host's static busybox (so a program in the
// cell and on the host is the same binary file) and the OCI runtime vmatrix picks on this host.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDist } from './dist.mjs';
import { sink } from './exec.mjs';

let counter = 0;

/** Builds the root in a fresh temp dir; `dispose()` removes it. Throws when the host cannot run cells. */
export async function busyboxFixture(name) {
  const vps = await importDist('vps/index.js');
  const { buildBusyboxRoot } = await importDist('images/busybox.js');
  const tmp = await mkdtemp(join(process.env.VMATRIX_BENCH_DIR ?? tmpdir(), `vmx-bench-${name}-`));
  const dispose = () => rm(tmp, { recursive: true, force: true });
  try {
    const root = join(tmp, 'rootfs');
    await buildBusyboxRoot(root);
    return { tmp, root, runtime: await vps.detectRuntime(), vps, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/**
 * setup() and teardown() of a case on a busybox fixture of its own. `set(fx)` hands the fixture (undefined once
 * it is removed) to the case; `ready(fx, c, beforeRemoval)` finishes it (a store, a project, a bare runtime)
 * and passes `beforeRemoval` what must be undone before the fixture is removed. Any failure removes the fixture
 * and is the reason the case is skipped.
 */
export function fixtureSteps(name, set, ready) {
  let fx;
  let undo;
  async function teardown() {
    // Undo first: never remove the fixture through a mounted overlay, so it is kept when the undo fails.
    await undo?.();
    undo = undefined;
    await fx?.dispose();
    fx = undefined;
    set(undefined);
  }
  return {
    async setup() {
      try {
        fx = await busyboxFixture(name);
        set(fx);
        // Registered as soon as it is made, so that a later step's failure undoes it too.
        await ready(fx, this, (fn) => {
          undo = fn;
        });
      } catch (e) {
        await teardown();
        return `no cell fixture: ${e.message}`;
      }
    },
    teardown,
  };
}

/** A unique cell or container id: it names a cgroup, so two runs must never share one. */
export const benchId = () => `vmx-bench-${process.pid}-${++counter}`;

/** Runs `args` in a vmatrix cell on the fixture's root (no network, output to `stdout`), as `vmatrix test` would. */
export async function runInCell(fx, dir, args, stdout = sink()) {
  const r = await fx.vps.runCell(fx.runtime, {
    id: benchId(),
    hostname: 'bench',
    lowerdirs: [fx.root],
    dir: join(dir, 'cell'),
    args,
    env: {},
    cwd: '/',
    network: 'none',
    stdout,
    stderr: process.stderr,
  });
  if (r.exitCode !== 0) throw new Error(`runCell ${args.join(' ')}: exit ${r.exitCode ?? r.signal}`);
}
