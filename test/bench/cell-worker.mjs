// A process that runs busybox `true` cells on request, for the rootless case (rootless.mjs): it prints
// "ready", then for each line on stdin runs one cell with vmatrix's runCell, as `vmatrix test` runs a test
// cell (the runtime's user namespace, the root given its ids), and prints the cell's life in ms. Started as
// an ordinary account it first enters that account's user namespace the way vmatrix does (enterUserNamespace
// runs this same script again inside it).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { importDist } from './dist.mjs';
import { sink } from './exec.mjs';

const { enterUserNamespace } = await importDist('vps/rootless.js');
const inside = await enterUserNamespace(['run']);
if (inside !== undefined) process.exit(inside);

const vps = await importDist('vps/index.js');
const { buildBusyboxRoot } = await importDist('images/busybox.js');
const runtime = await vps.cellRuntime();
const tmp = await mkdtemp(join(process.env.VMATRIX_BENCH_DIR, 'cell-worker-'));
const root = join(tmp, 'rootfs');
await buildBusyboxRoot(root);
const map = runtime.userns.map;
// The busybox root is root's alone: giving it the cells' ids is one chown.
if (map) execFileSync('chown', ['-hR', `${map.uid}:${map.gid}`, root]);
let n = 0;
process.stdout.write('ready\n');
for await (const _line of createInterface({ input: process.stdin })) {
  const started = performance.now();
  const r = await vps.runCell(runtime, {
    id: `vmx-bench-${process.pid}-${++n}`,
    hostname: 'bench',
    lowerdirs: [root],
    dir: join(tmp, `cell-${n}`),
    args: ['/bin/true'],
    env: {},
    cwd: '/',
    network: 'none',
    ...(map && { userns: map }),
    stdout: sink(),
    stderr: process.stderr,
  });
  if (r.exitCode !== 0) throw new Error(`runCell: exit ${r.exitCode ?? r.signal}`);
  process.stdout.write(`${performance.now() - started}\n`);
}
await rm(tmp, { recursive: true, force: true });
