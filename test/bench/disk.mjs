// What a cell costs the store's disk beyond what it wrote: runs of 1 and of 1 + EXTRA busybox cells that each
// write 1 MiB and then sleep; while they sleep, the store (VMATRIX_HOME: images, layers, sources, cells) is
// measured with `du -x` (the cells' mounted roots are other filesystems, not counted). Per extra cell:
// (store with 1 + EXTRA cells − store with 1) ÷ EXTRA − 1 MiB, against the 1 MiB the cell wrote.
import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureSteps } from './busybox.mjs';
import { benchProject, vmatrixTest } from './project.mjs';

const EXTRA = 4;
const BLOB = 'vmx-bench-blob';
// The blob is written under another name and renamed, so that a file of that name is always complete.
const YML = (n) => `distros: [busybox]
matrix:
  n: [${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]
test: dd if=/dev/urandom of=/tmp/part bs=1024 count=1024 2>/dev/null && mv /tmp/part /tmp/${BLOB} && sleep 3
`;

let fx;

const du = (dir) => Number(execFileSync('du', ['-sxB1', dir], { encoding: 'utf8' }).split('\t')[0]);

async function blobs(dir) {
  try {
    return (await readdir(dir, { recursive: true })).filter((p) => p.endsWith(BLOB)).length;
  } catch {
    return 0; // a cell dir went away while it was read: the next poll sees the rest
  }
}

/** The store's size once all n cells of a run have written their blob (polled every 50 ms), in bytes. */
async function storeDuringRun(n) {
  let size;
  let ended = false;
  const poll = async () => {
    while (size === undefined && !ended) {
      if ((await blobs(join(fx.home, 'cells'))) === n) size = du(fx.home);
      else await new Promise((r) => setTimeout(r, 50));
    }
  };
  const polled = poll();
  try {
    await vmatrixTest(fx.project, fx.home, ['--config', `${n}.yml`, '--jobs', String(n), '--offline']);
  } finally {
    ended = true;
    await polled;
  }
  if (size === undefined) throw new Error(`disk: the ${n} cells were never seen running together`);
  return size;
}

const diskCase = {
  name: 'disk per cell',
  description:
    `store bytes (du -x of VMATRIX_HOME while the cells run) per extra busybox cell beyond the 1 MiB it wrote:` +
    ` (runs of ${1 + EXTRA} vs 1 cells) ÷ ${EXTRA} − 1 MiB, vs the 1 MiB`,
  baseline: 'what the cell wrote',
  unit: 'KiB',
  target: 1.0,
  rounds: 3,
  ...fixtureSteps(
    'disk',
    (f) => {
      fx = f;
    },
    async (f) => {
      f.home = join(f.tmp, 'store');
      f.project = await benchProject(join(f.tmp, 'project'), { '1.yml': YML(1), [`${1 + EXTRA}.yml`]: YML(1 + EXTRA) });
      await vmatrixTest(f.project, f.home, ['--config', '1.yml']); // the image, built once
    },
  ),
  variants: {
    'store per extra cell': async () => {
      const one = await storeDuringRun(1);
      const more = await storeDuringRun(1 + EXTRA);
      return (more - one) / EXTRA / 1024 - 1024;
    },
    'what the cell wrote': () => 1024,
  },
};

export const diskCases = [diskCase];
