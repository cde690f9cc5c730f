// The package cache of setup layers (docs/images.md "Package caches") on a real Debian 12 root and the host's
// Debian mirror, as a user meets it: the setup phase of the layer of `cmake, gcc, make` plus one package, built
// after the layer of `cmake, gcc, make` (the cache holds its downloads, and the new layer starts from a copy of
// it: layers/base.ts), vs the first build of `cmake, gcc, make` with the cache empty. The recipe's env never
// changes (env is part of the cache's key: a project's env reaches apt, APT_CONFIG); the layers of `cmake, gcc,
// make` are forced with `--rebuild` (which never starts from another layer), and each round adds a package of
// its own, so its layer is new. Both sides run the same `apt-get update`, which with cached indexes only asks
// the mirror what changed. Besides the time, each side reports what apt fetched from the mirror.
// The root is the test cache's debian-12.tar.zst (test/fixtures/debian-roots.ts builds it) when there is one,
// else the built-in catalog's debian-12, built once by the setup.
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchedKiB } from './apt-log.mjs';
import { benchProject, vmatrixTest } from './project.mjs';

// Small packages of bookworm that depend on little more than libc: one of them is "the added package" in each
// round, a different one each time so that neither it nor its layer is in the store yet.
const EXTRA = ['hello', 'tree', 'pv', 'bc', 'dc', 'ed', 'time', 'units', 'moreutils', 'ncdu'];

const yml = (packages) => `distros: [debian-12]
packages: [${packages.join(', ')}]
test: command -v make
`;

let fx;
let rounds = 0;

async function catalogOf(dir) {
  const tarball = join(process.env.VMATRIX_TEST_CACHE ?? '/var/cache/vmatrix-test', 'debian-12.tar.zst');
  if (!existsSync(tarball)) return undefined;
  const sha256 = createHash('sha256')
    .update(await readFile(tarball))
    .digest('hex');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'debian.yml'),
    `family: debian\ndescription: Debian (bench)\npackageManager: apt\nshell: /bin/sh\narch: amd64\nreleases:\n` +
      `  - name: debian-12\n    release: "12"\n    description: Debian 12 (test tarball)\n    sources:\n` +
      `      - { kind: tarball, url: "${pathToFileURL(tarball).href}", sha256: ${sha256} }\n`,
  );
  return dir;
}

async function runFetchedKiB() {
  const dir = join(fx.project, '.vmatrix/runs/latest/setup');
  const logs = await readdir(dir);
  if (logs.length !== 1) throw new Error(`package cache: expected one setup log in ${dir}, found ${logs.length}`);
  return fetchedKiB(await readFile(join(dir, logs[0]), 'utf8'));
}

/**
 * The setup phase of a layer of `packages` that `vmatrix test` builds; `fresh`: with the package caches removed
 * first; `rebuild`: forced with --rebuild, from the image.
 */
async function setupPhase(packages, { fresh = false, rebuild = false } = {}) {
  if (fresh) await rm(join(fx.home, 'caches'), { recursive: true, force: true });
  await writeFile(join(fx.project, 'vmatrix.yml'), yml(packages));
  const { result } = await vmatrixTest(fx.project, fx.home, rebuild ? ['--rebuild'] : []);
  const [cell] = result.cells;
  if (result.cells.length !== 1 || cell.status !== 'passed' || cell.setupCached)
    throw new Error(`package cache: ${JSON.stringify(result.cells.map((c) => [c.id, c.status, c.setupCached]))}`);
  return { ms: cell.phases.setup, run: result.durationMs, fetchedKiB: await runFetchedKiB() };
}

export const packageCacheCases = [
  {
    name: 'package cache',
    description:
      'results.json phases.setup of `vmatrix test` on Debian 12: a new layer of cmake, gcc, make and one more package' +
      ' with the apt cache warm vs the first layer of cmake, gcc, make with the cache empty (the Debian archive' +
      " from the host's apt sources); fetchedKiB: what apt fetched from the mirror, from its `Fetched` lines",
    baseline: 'first build',
    target: 0.35,
    rounds: 3,
    wall: false, // the image is built once, in the setup
    async setup(scratch) {
      const dir = join(scratch, 'package-cache');
      const previous = process.env.VMATRIX_CATALOG;
      const catalog = await catalogOf(join(dir, 'catalog'));
      fx = { home: join(dir, 'store'), project: join(dir, 'project'), previous };
      if (catalog) process.env.VMATRIX_CATALOG = catalog;
      await benchProject(fx.project, { 'vmatrix.yml': yml(['make']) });
      try {
        await vmatrixTest(fx.project, fx.home); // the image, and a first fill of the cache's indexes
      } catch (e) {
        return `no Debian 12 root: ${e.message.split('\n')[0]}`;
      }
    },
    async teardown() {
      if (fx?.previous === undefined) delete process.env.VMATRIX_CATALOG;
      else process.env.VMATRIX_CATALOG = fx.previous;
    },
    variants: {
      rebuild: async () => {
        // The layer before: its downloads fill the cache (the first-build variant empties it, and the rounds
        // alternate which side runs first), and the new layer starts from it.
        await setupPhase(['cmake', 'gcc', 'make'], { rebuild: true });
        if (rounds >= EXTRA.length)
          throw new Error(`package cache: at most ${EXTRA.length} rounds (one new package each)`);
        return setupPhase(['cmake', 'gcc', 'make', EXTRA[rounds++]]);
      },
      'first build': () => setupPhase(['cmake', 'gcc', 'make'], { fresh: true, rebuild: true }),
    },
  },
];
