import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTarballReleases, tarballCatalog } from '../fixtures/catalog.js';
import { testCacheDir } from '../fixtures/debian-roots.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { CellResult, RunResult } from '../../src/results/types.js';

// docs/config.md "What gets installed": a compiler named in `packages:` compiles, links and runs a hello-world on
// Debian 11, 12 and 13, with the distro's weak dependencies and without them (`install_recommends: false`,
// through an override, on the *-lean copies of the same images). One `vmatrix test` of 9 cells, each on a
// layer that installs exactly `[gcc]` or `[g++]`. The store is kept in the test cache between runs, so
// only the first run on a machine builds the layers; every run still compiles and runs in every cell.

const GLIBC: Record<string, string> = { 'debian-11': '2.31', 'debian-12': '2.36', 'debian-13': '2.41' };

let work: string;
let project: string;
let env: Record<string, string>;
let run: CliResult;
let result: RunResult;

const lean = (c: CellResult): boolean => c.distro.endsWith('-lean');
const log = (c: CellResult): Promise<string> => readFile(join(project, c.logPath), 'utf8');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-toolchains-'));
  const releases = await debianTarballReleases();
  const catalog = await tarballCatalog(join(work, 'catalog'), [
    ...releases,
    ...releases.map((r) => ({ ...r, name: `debian-${r.release}-lean` })),
  ]);
  env = { VMATRIX_HOME: join(testCacheDir(), 'store-toolchains'), VMATRIX_CATALOG: catalog };
  project = await gitProject('toolchains');
  run = await runCli(['test', '--jobs', '2'], { cwd: project, env });
  result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}, 1_800_000);

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('a compiler named in packages, on Debian 11, 12 and 13', () => {
  it('passes every cell: gcc and g++ with recommends, gcc without', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result.cells.map((c) => c.id).sort()).toEqual([
      'debian-11-lean/pkg=gcc',
      'debian-11/pkg=g++',
      'debian-11/pkg=gcc',
      'debian-12-lean/pkg=gcc',
      'debian-12/pkg=g++',
      'debian-12/pkg=gcc',
      'debian-13-lean/pkg=gcc',
      'debian-13/pkg=g++',
      'debian-13/pkg=gcc',
    ]);
    expect(result.cells.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(new Set(result.cells.map((c) => c.layerId)).size).toBe(9);
  });

  it("compiles, links and runs C against each release's own glibc", async () => {
    for (const cell of result.cells) {
      expect(await log(cell), cell.id).toContain(`hello from C, glibc ${GLIBC[cell.distro.replace(/-lean$/, '')]}\n`);
    }
  });

  it('compiles, links and runs C++ where g++ is named', async () => {
    const cxx = result.cells.filter((c) => c.axes.pkg === 'g++');
    expect(cxx).toHaveLength(3);
    for (const cell of cxx) expect(await log(cell), cell.id).toMatch(/^hello from C\+\+, libstdc\+\+ \d{8}$/m);
  });

  it('installs weak dependencies by default and leaves them out with install_recommends: false', async () => {
    for (const cell of result.cells) {
      expect(await log(cell), cell.id).toContain(lean(cell) ? 'recommends: left out\n' : 'recommends: installed\n');
    }
  });

  it('records install_recommends: false in the layers it built that way, and only in those', async () => {
    const ls = await runCli(['image', 'ls', '--layers', '--json'], { env });
    expect(ls.code, ls.stderr).toBe(0);
    const layers = JSON.parse(ls.stdout) as Array<{
      kind: string;
      id: string;
      inputs?: { packages: string[]; installRecommends?: boolean };
    }>;
    for (const cell of result.cells) {
      const layer = layers.find((l) => l.kind === 'layer' && l.id === cell.layerId);
      expect(layer?.inputs, cell.id).toMatchObject({
        packages: cell.axes.pkg === 'gcc' ? ['gcc', 'libc6-dev'] : ['g++'],
      });
      expect(layer?.inputs?.installRecommends, cell.id).toBe(lean(cell) ? false : undefined);
    }
  });
});
