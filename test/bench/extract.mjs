// Safe extraction of a real Debian root vs GNU tar on the same archive. Neither syncs: the store's
// `sync -f` before its rename is a separate, fixed cost (measure it with the cell or store benchmarks).
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { importDist } from './dist.mjs';
import { run } from './exec.mjs';

const cache = process.env.VMATRIX_TEST_CACHE ?? '/var/cache/vmatrix-test';

function extractCase(release) {
  const tarball = join(cache, `debian-${release}.tar.zst`);
  let archive;
  return {
    name: `extract debian-${release}`,
    description: `${tarball}: vmatrix extractTar(decompress(file)) vs tar --zstd -xpf --numeric-owner --xattrs, no sync`,
    baseline: 'GNU tar',
    target: 1.0,
    async setup() {
      if (!existsSync(tarball)) return `${tarball} is missing (npx vitest run test/integration/archive-debian.test.ts builds it)`;
      archive = await importDist('archive/index.js');
    },
    variants: {
      vmatrix: async (dir) => { await archive.extractTar(await archive.decompress(createReadStream(tarball)), dir); },
      'GNU tar': (dir) => run('tar', ['--zstd', '-x', '-p', '--numeric-owner', '--xattrs', '--xattrs-include=*', '-f', tarball, '-C', dir]),
    },
  };
}

export const extractCases = [extractCase('12')];
