// A cell's life without root (issue 19): the whole call of `vmatrix run busybox -- true` as an ordinary
// account (vmatrix enters a user namespace of the account's ids, the cell gets a nested one; overlays with
// userxattr, runc told it is rootless) vs the same call as root, both started through runuser so that both
// pay the same start, each with a store of its own where the busybox image was built beforehand (untimed).
// The account is made here if missing, with a range of subordinate ids, as the rootless tests make theirs.
import { execFileSync } from 'node:child_process';
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

export const rootlessCases = [
  {
    name: 'rootless cell',
    description:
      '`vmatrix run busybox -- true`, the whole call, as an ordinary account with subordinate ids vs as root, ' +
      'both through runuser, the image built beforehand',
    baseline: 'root',
    target: 1.3,
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
