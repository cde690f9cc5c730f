// Cells without root (issue 19), two cases. `rootless cell`: the life of one busybox `true` cell in vmatrix's
// runCell (overlay root, bundle, runtime, cleanup) run by an ordinary account inside its user namespace (the
// cell in a nested one of its subordinate ids, overlays with userxattr, runc told it is rootless) vs the same
// as root (the cell in a user namespace of root's subordinate ids): a worker process each (cell-worker.mjs),
// timing the cell alone. `rootless call`: the whole call of `vmatrix run busybox -- true` as the account vs
// as root, both through runuser, each with a store of its own where the image was built beforehand; it adds
// what a rootless command pays once, entering the namespace (a second Node start). The account is made here
// if missing, with a range of subordinate ids, as the rootless tests make theirs.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as runProgram } from './exec.mjs';

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');
const USER = 'vmatrix-rootless';
const RANGE = 65536;

const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' });

/** The account, with a range of subordinate ids after every range the files have. */
async function ensureAccount() {
  try {
    sh('id', ['-u', USER]);
  } catch {
    sh('useradd', ['--create-home', '--shell', '/bin/sh', USER]);
  }
  const files = await Promise.all(['/etc/subuid', '/etc/subgid'].map((f) => readFile(f, 'utf8').catch(() => '')));
  if (files.every((t) => t.split('\n').some((l) => l.startsWith(`${USER}:`) && Number(l.split(':')[2]) >= RANGE)))
    return;
  let end = 1_000_000;
  for (const l of files.join('\n').split('\n')) {
    const [, s, n] = l.split(':').map(Number);
    if (Number.isSafeInteger(s) && Number.isSafeInteger(n)) end = Math.max(end, s + n);
  }
  const start = Math.ceil(end / RANGE) * RANGE;
  sh('usermod', [
    '--add-subuids',
    `${start}-${start + RANGE - 1}`,
    '--add-subgids',
    `${start}-${start + RANGE - 1}`,
    USER,
  ]);
}

/** argv of `vmatrix run busybox -- true` as `user` through runuser, with a clean environment and `store`. */
function argvAs(user, store) {
  const home = sh('sh', ['-c', `getent passwd ${user} | cut -d: -f6`]).trim();
  return [
    '-u',
    user,
    '--',
    'env',
    '-i',
    `HOME=${home}`,
    'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    `VMATRIX_HOME=${store}`,
    process.execPath,
    cli,
    'run',
    'busybox',
    '--',
    'true',
  ];
}

let stores;
let workers = {};

/** A cell worker as `user`: `cell()` runs one cell and resolves with its life in ms. */
async function startWorker(user, scratch) {
  const home = sh('sh', ['-c', `getent passwd ${user} | cut -d: -f6`]).trim();
  const worker = resolve(dirname(fileURLToPath(import.meta.url)), 'cell-worker.mjs');
  const env = [
    'env',
    '-i',
    `HOME=${home}`,
    'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    `VMATRIX_BENCH_DIR=${scratch}`,
  ];
  const child = spawn('runuser', ['-u', user, '--', ...env, process.execPath, worker], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: '/',
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the cell worker of ${user} ended`);
    return value;
  };
  if ((await next()) !== 'ready') throw new Error(`the cell worker of ${user} did not start`);
  return {
    cell: async () => {
      child.stdin.write('\n');
      return Number(await next());
    },
    stop: () => {
      child.stdin.end();
      return new Promise((r) => child.on('close', r));
    },
  };
}

export const rootlessCases = [
  {
    name: 'rootless cell',
    description:
      "a busybox `true` cell's life in runCell as an ordinary account, in its user namespace, vs as root (each " +
      'cell in a user namespace of subordinate ids)',
    baseline: 'root',
    // Issue 19: a rootless cell's life within 1.3× a root cell's.
    target: 1.3,
    rounds: 30,
    setup: async (scratch) => {
      await ensureAccount();
      await chmod(scratch, 0o755);
      try {
        // The account's worker writes its cells under a directory of its own.
        const own = join(scratch, USER);
        await mkdir(own);
        sh('chown', [USER, own]);
        workers = { rootless: await startWorker(USER, own), root: await startWorker('root', scratch) };
      } catch (e) {
        await Promise.all(Object.values(workers).map((w) => w.stop()));
        return `no cell worker: ${e.message}`;
      }
      return undefined;
    },
    teardown: async () => {
      await Promise.all(Object.values(workers).map((w) => w.stop()));
      workers = {};
    },
    variants: {
      rootless: () => workers.rootless.cell(),
      root: () => workers.root.cell(),
    },
  },
  {
    name: 'rootless call',
    description:
      '`vmatrix run busybox -- true`, the whole call, as an ordinary account with subordinate ids vs as root, ' +
      'both through runuser, the image built beforehand',
    baseline: 'root',
    rounds: 20,
    setup: async (scratch) => {
      await ensureAccount();
      const dir = join(scratch, 'rootless');
      await mkdir(dir);
      await chmod(scratch, 0o755);
      await chmod(dir, 0o755);
      stores = { root: join(dir, 'root-store'), user: join(dir, 'user-store') };
      await mkdir(stores.user);
      sh('chown', [USER, stores.user]);
      // The image, built once in each store, untimed; a failure here says why the case cannot run.
      for (const [user, store] of [
        ['root', stores.root],
        [USER, stores.user],
      ]) {
        try {
          execFileSync('runuser', argvAs(user, store), { stdio: 'pipe', cwd: '/' });
        } catch (e) {
          return `vmatrix run as ${user} failed: ${String(e.stderr ?? e.message)
            .trim()
            .split('\n')
            .pop()}`;
        }
      }
      return undefined;
    },
    variants: {
      rootless: () => runProgram('runuser', argvAs(USER, stores.user), { cwd: '/' }),
      root: () => runProgram('runuser', argvAs('root', stores.root), { cwd: '/' }),
    },
  },
];
