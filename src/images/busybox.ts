import { copyFile, mkdir, readFile, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { execOrThrow, which } from '../util/exec.js';
import { envError } from '../util/errors.js';

// A tiny root made from the host's statically linked busybox: a few MB, built in milliseconds, enough for a
// shell, coreutils and networking tools. It is the fast image of tests and of the demo.

const DIRS = [
  'bin',
  'sbin',
  'usr/bin',
  'usr/sbin',
  'etc',
  'root',
  'tmp',
  'proc',
  'sys',
  'dev',
  'var/tmp',
  'src',
  'home',
];

export async function findStaticBusybox(): Promise<string> {
  const path = await which('busybox');
  if (!path) {
    throw envError('NO_BUSYBOX', 'busybox is not installed on this host', {
      hint: 'install it: apt-get install busybox-static',
    });
  }
  // A dynamically linked ELF names its interpreter (PT_INTERP) near the start of the file.
  const head = (await readFile(path)).subarray(0, 4096).toString('latin1');
  if (head.includes('/ld-linux') || head.includes('/ld-musl')) {
    throw envError('BUSYBOX_NOT_STATIC', `${path} is dynamically linked, so it cannot run inside an empty root`, {
      hint: 'install the static build: apt-get install busybox-static',
    });
  }
  return path;
}

/** Builds a busybox root in `dir` (which must be empty or absent). */
export async function buildBusyboxRoot(dir: string): Promise<void> {
  const busybox = await findStaticBusybox();
  for (const d of DIRS) await mkdir(join(dir, d), { recursive: true });
  await chmod(join(dir, 'tmp'), 0o1777);
  await copyFile(busybox, join(dir, 'bin/busybox'));
  await chmod(join(dir, 'bin/busybox'), 0o755);
  const applets = (await execOrThrow(busybox, ['--list-full'])).split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet === 'bin/busybox') continue;
    const depth = applet.split('/').length - 1;
    await symlink(`${'../'.repeat(depth)}bin/busybox`, join(dir, applet)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
  await writeFile(
    join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  await writeFile(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  await writeFile(join(dir, 'etc/os-release'), 'NAME="BusyBox"\nID=busybox\nPRETTY_NAME="BusyBox (vmatrix)"\n');
}
