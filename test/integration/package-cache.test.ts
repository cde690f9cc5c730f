import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTarballReleases, tarballCatalog } from '../fixtures/catalog.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { RunResult } from '../../src/results/types.js';

// docs/images.md "Package caches", on a real Debian 12 root and the Debian archive: a layer of [make] fills
// the store's apt cache; a layer of [make, hello] then downloads hello alone and, starting from a copy of the
// [make] layer, installs hello alone; two layers built at once both succeed; no layer holds a .deb or an
// index; no test step sees the cache; prune removes it.

let work: string;
let project: string;
let env: Record<string, string>;
let first: CliResult;

const test = (...flags: string[]): Promise<CliResult> => runCli(['test', ...flags], { cwd: project, env });
const results = async (): Promise<RunResult> =>
  JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;

/** The setup logs a run wrote, from its "building setup layer …, log: PATH" lines. */
const setupLogs = (r: CliResult): Promise<string[]> =>
  Promise.all(
    [...r.stderr.matchAll(/building setup layer \S+ \(.*\), log: (.+)$/gm)].map((m) =>
      readFile(resolve(project, m[1]!), 'utf8'),
    ),
  );

/** The packages apt downloaded: `Get:N URL SUITE/COMPONENT ARCH NAME ARCH VERSION [SIZE]` (indexes have fewer). */
const downloaded = (log: string): string[] =>
  [...log.matchAll(/^Get:\d+ \S+ \S+ \S+ (\S+) \S+ \S+ \[/gm)].map((m) => m[1]!).sort();

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  // Regular files and links only: the whiteouts (char devices) of an upper dir are what the clean removed.
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() || e.isSymbolicLink()) out.push(join(e.parentPath, e.name).slice(dir.length));
  return out;
}

async function layerFiles(): Promise<string[]> {
  const ids = new Set((await results()).cells.map((c) => c.layerId!));
  return (await Promise.all([...ids].map((id) => filesUnder(join(env.VMATRIX_HOME!, 'layers', id, 'diff'))))).flat();
}

const setPackages = (packages: string): Promise<void> =>
  readFile(join(project, 'vmatrix.yml'), 'utf8').then((y) =>
    writeFile(join(project, 'vmatrix.yml'), y.replace(/^packages: .*$/m, `packages: ${packages}`)),
  );

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-pkgcache-'));
  env = {
    VMATRIX_HOME: join(work, 'store'),
    VMATRIX_CATALOG: await tarballCatalog(join(work, 'catalog'), await debianTarballReleases(['12'])),
  };
  project = await gitProject('package-cache');
  first = await test();
}, 1_800_000);

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('the apt cache of setup layers, on Debian 12', { tags: ['isolation'] }, () => {
  it('fills the cache with the first layer, keeps .debs and indexes out of it, and no test step sees it', async () => {
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const [log] = await setupLogs(first);
    expect(downloaded(log!)).toContain('make');
    const caches = await readdir(join(env.VMATRIX_HOME!, 'caches'));
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatch(/^apt-debian-12-[a-z0-9]+-[0-9a-f]{16}$/);
    const data = join(env.VMATRIX_HOME!, 'caches', caches[0]!, 'data');
    expect((await readdir(join(data, 'archives'))).some((f) => /^make_.*\.deb$/.test(f))).toBe(true);
    expect((await readdir(join(data, 'lists'))).some((f) => f.endsWith('_InRelease'))).toBe(true);
    const files = await layerFiles();
    expect(files.filter((f) => f.endsWith('.deb') || /^\/var\/lib\/apt\/lists\/./.test(f))).toEqual([]);
    const run = join(env.VMATRIX_HOME!, 'layers', (await results()).cells[0]!.layerId!, 'diff/run');
    expect(await readdir(run).catch(() => [])).not.toContain('vmatrix-cache'); // not even the mount point
    // The test steps said it: no /run/vmatrix-cache, no .deb in apt's own archives.
    expect((await results()).cells.map((c) => c.status)).toEqual(['passed']);
  });

  it('builds a layer of one more package by downloading that package alone, the indexes checked, not fetched again', async () => {
    const firstLayer = (await results()).cells[0]!.layerId!;
    await setPackages('[make, hello]');
    const second = await test();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const [log] = await setupLogs(second);
    expect(downloaded(log!)).toEqual(['hello']);
    // It started from a copy of the [make] layer (layers/base.ts), so dpkg unpacked hello alone; the new layer
    // is whole by itself (make's files are in it too) and only records where it started.
    expect(second.stderr).toContain(`; starting from layer ${firstLayer}), log: `);
    expect([...log!.matchAll(/^Unpacking (\S+) /gm)].map((m) => m[1])).toEqual(['hello']);
    const layer = (await results()).cells[0]!.layerId!;
    const meta = JSON.parse(await readFile(join(env.VMATRIX_HOME!, 'layers', layer, 'layer.json'), 'utf8')) as {
      startedFrom?: string;
      parent?: string;
    };
    expect(meta).toMatchObject({ startedFrom: firstLayer });
    expect(meta.parent).toBeUndefined();
    const diff = join(env.VMATRIX_HOME!, 'layers', layer, 'diff');
    expect(await readdir(join(diff, 'usr/bin'))).toEqual(expect.arrayContaining(['hello', 'make']));
    // The indexes were checked against the (re-fetched or unchanged) InRelease and none was downloaded again.
    expect(log).toMatch(/^(?:Hit|Get):\d+ \S+ bookworm InRelease/m);
    expect(log).not.toMatch(/^Get:\d+ .* Packages/m);
    expect((await layerFiles()).filter((f) => f.endsWith('.deb'))).toEqual([]);
  });

  it('builds two layers at once, both passing, one of them through the cache', async () => {
    await setPackages('[make, "${{ matrix.extra }}"]');
    const yml = await readFile(join(project, 'vmatrix.yml'), 'utf8');
    await writeFile(join(project, 'vmatrix.yml'), `${yml}matrix:\n  extra: [tree, pv]\n`);
    const both = await test('--jobs', '2');
    expect(both.code, both.stdout + both.stderr).toBe(0);
    expect((await results()).cells.map((c) => c.status)).toEqual(['passed', 'passed']);
    const logs = await setupLogs(both);
    expect(logs).toHaveLength(2);
    // The one that held the cache fetched its new package only; the other may have waited for nothing.
    expect(logs.some((l) => ['pv', 'tree'].includes(downloaded(l).join(' ')))).toBe(true);
  });

  it('is removed by image prune --older-than 0s', async () => {
    const pruned = await runCli(['image', 'prune', '--older-than', '0s'], { env });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/^removed package cache apt-debian-12-\S+ \(\S+ \S?B, last used \d{4}-/m);
    expect(await readdir(join(env.VMATRIX_HOME!, 'caches'))).toEqual([]);
  });
});
