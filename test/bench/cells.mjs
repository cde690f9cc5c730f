// The life of a cell running `true` in a busybox root: vmatrix's runCell (overlay, OCI bundle, runtime,
// cleanup) vs the bare OCI runtime on a prepared bundle vs the floor, unshare + chroot.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { importDist } from './dist.mjs';
import { run } from './extract.mjs';

const sink = () => new Writable({ write: (_c, _e, done) => done() });
let fixture;
let counter = 0;

const cellCase = {
  name: 'cell busybox true',
  description: 'vmatrix runCell vs `<runtime> run` of a prepared bundle vs `unshare -mpf --mount-proc chroot root true`',
  baseline: 'bare runtime',
  async setup() {
    const vps = await importDist('vps/index.js');
    const { buildBusyboxRoot } = await importDist('images/busybox.js');
    const tmp = await mkdtemp(join(process.env.VMATRIX_BENCH_DIR ?? tmpdir(), 'vmx-bench-cells-'));
    try {
      const root = join(tmp, 'rootfs');
      await buildBusyboxRoot(root);
      const runtime = await vps.detectRuntime();
      const bundle = join(tmp, 'bundle');
      await mkdir(bundle);
      execFileSync(runtime.path, ['spec', '--bundle', bundle]);
      const config = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'));
      config.process.terminal = false;
      config.process.args = ['/bin/true'];
      config.root = { path: root, readonly: true };
      await writeFile(join(bundle, 'config.json'), JSON.stringify(config));
      fixture = { tmp, root, runtime, bundle, vps };
      this.description += ` (${runtime.name} ${runtime.version})`;
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      return `no cell fixture: ${e.message}`;
    }
  },
  async teardown() {
    if (fixture) await rm(fixture.tmp, { recursive: true, force: true });
  },
  variants: {
    'vmatrix runCell': async (dir) => {
      const r = await fixture.vps.runCell(fixture.runtime, {
        id: `vmx-bench-${process.pid}-${++counter}`, hostname: 'bench', lowerdirs: [fixture.root], dir: join(dir, 'cell'),
        args: ['/bin/true'], env: {}, cwd: '/', network: 'none', stdout: sink(), stderr: sink(),
      });
      if (r.exitCode !== 0) throw new Error(`runCell: exit ${r.exitCode}`);
    },
    'bare runtime': (dir) => run(fixture.runtime.path, ['--root', join(dir, 'state'), 'run', '--bundle', fixture.bundle, `vmx-bench-${process.pid}-${++counter}`]),
    'unshare+chroot': () => run('unshare', ['-mpf', '--mount-proc', 'chroot', fixture.root, '/bin/true']),
  },
};

export const cellCases = [cellCase];
