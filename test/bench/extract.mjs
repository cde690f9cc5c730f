// Safe extraction of a real Debian root vs GNU tar on the same archive. Neither syncs: the store's
// `sync -f` before its rename is a separate, fixed cost (measure it with the cell or store benchmarks).
// The cached root is zstd; the gzip and xz cases recompress it once, in their setup, into the scratch dir.
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { importDist } from './dist.mjs';
import { run } from './exec.mjs';
import { vmatrix } from './project.mjs';

const cache = process.env.VMATRIX_TEST_CACHE ?? '/var/cache/vmatrix-test';

// tar's flag for each format, and how the zstd tarball is recompressed to it: gzip's and xz's fastest levels
// (decompression, the part measured, hardly depends on the level); one xz thread makes one block, as a
// distro's tarball has, so neither side can decompress it with more than one thread.
const FORMATS = {
  zstd: { tar: '--zstd' },
  gzip: { tar: '-z', ext: 'gz', compress: 'gzip -1' },
  xz: { tar: '-J', ext: 'xz', compress: 'xz -T1 -1' },
};

/** Where a case's tarball is: the cached zstd root, or its recompression into `scratch` (made once). */
async function tarballFor(release, format, scratch) {
  const source = join(cache, `debian-${release}.tar.zst`);
  const { ext, compress } = FORMATS[format];
  if (!ext) return source;
  const tarball = join(scratch, `debian-${release}.tar.${ext}`);
  if (!existsSync(tarball)) await run('sh', ['-c', `zstd -dc "$1" | ${compress} > "$2"`, 'sh', source, tarball]);
  return tarball;
}

function extractCase(release, format) {
  const source = join(cache, `debian-${release}.tar.zst`);
  const { tar, ext, compress } = FORMATS[format];
  let tarball = source;
  let archive;
  return {
    name: `extract debian-${release}${ext ? ` ${format}` : ''}`,
    description:
      `${ext ? `the root of ${source}, recompressed with \`${compress}\`` : source}: vmatrix extractTar(decompress(file))` +
      ` vs tar ${tar} -xpf --numeric-owner --xattrs, no sync`,
    baseline: 'GNU tar',
    target: 1.0,
    // gzip and xz rounds take 3.5–8 s a side here: fewer of them keep the suite under 10 minutes.
    rounds: ext ? 3 : 5,
    async setup(scratch) {
      if (!existsSync(source))
        return `${source} is missing (npx vitest run test/integration/archive-debian.test.ts builds it)`;
      archive = await importDist('archive/index.js');
      if (!ext) return;
      tarball = await tarballFor(release, format, scratch);
    },
    variants: {
      vmatrix: async (dir) => {
        await archive.extractTar(await archive.decompress(createReadStream(tarball)), dir);
      },
      'GNU tar': (dir) =>
        run('tar', [tar, '-x', '-p', '--numeric-owner', '--xattrs', '--xattrs-include=*', '-f', tarball, '-C', dir]),
    },
  };
}

export const extractCases = ['zstd', 'gzip', 'xz'].map((format) => extractCase('12', format));

// The same extraction as users see it: `vmatrix image import FILE --as NAME` as a whole command (Node's start,
// the sha256 of the file, which names the image, the extraction, image.json, `sync -f` and the rename into
// the store) vs GNU tar's whole command on the same file. Each round imports into a new, empty store. Each
// side starts with nothing dirty in the page cache (a `sync`, not timed): vmatrix's `sync -f` (safety rule 26)
// would otherwise also write out what tar extracted just before it and never synced, which made the zstd
// case's vmatrix times range from 1.6 to 5.1 s in one run.
function importCase(release, format) {
  const source = join(cache, `debian-${release}.tar.zst`);
  const { tar, ext, compress } = FORMATS[format];
  let tarball = source;
  return {
    name: `import debian-${release}${ext ? ` ${format}` : ''}`,
    description:
      `${ext ? `the root of ${source}, recompressed with \`${compress}\`` : source}: the whole command ` +
      `\`vmatrix image import FILE --as NAME\` (new store, its sync -f included) vs \`tar ${tar} -xpf FILE ` +
      `--numeric-owner --xattrs\``,
    baseline: 'GNU tar',
    target: 1.0,
    rounds: ext ? 3 : 5,
    wall: false, // the call's time includes the untimed sync before it
    async setup(scratch) {
      if (!existsSync(source))
        return `${source} is missing (npx vitest run test/integration/archive-debian.test.ts builds it)`;
      tarball = await tarballFor(release, format, scratch);
    },
    variants: {
      vmatrix: (dir) =>
        afterSync(() => vmatrix(['image', 'import', tarball, '--as', 'bench'], { cwd: dir, home: join(dir, 'home') })),
      'GNU tar': (dir) =>
        afterSync(() =>
          run('tar', [tar, '-x', '-p', '--numeric-owner', '--xattrs', '--xattrs-include=*', '-f', tarball, '-C', dir]),
        ),
    },
  };
}

/** The time of `fn` alone, after a `sync` that leaves nothing dirty for it to write out. */
async function afterSync(fn) {
  await run('sync', []);
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

export const importCases = ['zstd', 'gzip', 'xz'].map((format) => importCase('12', format));
