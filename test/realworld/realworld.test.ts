import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { debianTarballCatalog } from '../fixtures/catalog.js';
import { testCacheDir } from '../fixtures/debian-roots.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProjectFrom } from '../helpers/project.js';
import type { RunResult } from '../../src/results/types.js';
import { distrosOf, documentedFragments, quickStart, withDistros, withTest, type Yaml } from './examples.js';

// Real third-party projects that nobody wrote for vmatrix (test/realworld/projects/README.md), each run
// as a newcomer would: `vmatrix init` in the checkout, then `vmatrix test` on the file it wrote, untouched,
// on the Debian releases it names (the catalog's other families have no mirror this machine reaches; the
// generic starter's placeholder test command is replaced, as its comment asks);
// then on the Debian releases among 11, 12 and 13 that it does not name, with only its `distros:` line
// edited. The C library also runs the README's quick start verbatim, and every fragment of a vmatrix.yml
// that README.md and docs/ show. The store is shared by the whole suite and kept in the test cache, so each
// setup layer (the packages a template names, per release) is built once.

const DEBIAN = ['debian-11', 'debian-12', 'debian-13'];
const SHUNIT2_DASH = /shunit2:ERROR.* testIssue84\(\) returned non-zero return code/;

interface Project {
  name: string;
  kind: string;
  /** The file `vmatrix init` tells the kind from; none for a generic project. */
  marker?: string;
  /** The command that replaces the generic starter's placeholder `test:`, as its comment asks. */
  test?: string;
  /** Cells that fail on a release the project does not support, with a line their log must hold. */
  unsupported?: Record<string, RegExp>;
}

const PROJECTS: Project[] = [
  { name: 'cjson', kind: 'c-cmake', marker: 'CMakeLists.txt' },
  { name: 'inih', kind: 'c-meson', marker: 'meson.build' },
  { name: 'bzip2', kind: 'make', marker: 'Makefile' },
  { name: 'six', kind: 'python', marker: 'setup.py' },
  { name: 'mime', kind: 'node', marker: 'package.json' },
  // go.mod says go 1.13, but cmpopts' tests import net/netip (Go 1.18): Debian 11's Go 1.15 cannot build them.
  { name: 'go-cmp', kind: 'go', marker: 'go.mod', unsupported: { 'debian-11': /package net\/netip is not in GOROOT/ } },
  { name: 'fnv', kind: 'rust', marker: 'Cargo.toml' },
  // Its test of issue 84 runs "${SHELL:-sh}" and expects bash's verdict on a syntax error; a cell, like
  // Docker or cron, has no SHELL, so it runs sh: dash on Debian, ash on busybox (docs/troubleshooting.md).
  {
    name: 'shunit2',
    kind: 'generic',
    test: './test_runner',
    unsupported: Object.fromEntries([...DEBIAN, 'busybox'].map((d) => [d, SHUNIT2_DASH])),
  },
];

const vendored = (name: string): string => fileURLToPath(new URL(`projects/${name}`, import.meta.url));

let env: Record<string, string>;
const made: string[] = [];

beforeAll(async () => {
  const cache = testCacheDir();
  env = {
    VMATRIX_HOME: join(cache, 'realworld-store'),
    VMATRIX_CATALOG: await debianTarballCatalog(join(cache, 'realworld-catalog')),
  };
}, 1_800_000);

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function checkout(name: string): Promise<string> {
  const dir = await gitProjectFrom(vendored(name), { all: true });
  made.push(dir);
  return dir;
}

async function results(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}

/** `vmatrix test` in `dir`; its results, and a line for the suite's log with the run's and the slowest cell's time. */
async function test(dir: string, label: string, args: string[] = []): Promise<{ cli: CliResult; r: RunResult }> {
  const started = Date.now();
  // A starter that gives test steps the host's network needs the operator's flag, as `vmatrix init` says.
  const hostNetwork = /^network: host\b/m.test(await readFile(join(dir, 'vmatrix.yml'), 'utf8').catch(() => ''));
  const cli = await runCli(['test', '--jobs', '2', ...(hostNetwork ? ['--allow-host-network'] : []), ...args], {
    cwd: dir,
    env,
  });
  expect(cli.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // never a stack trace
  const r = await results(dir);
  const slowest = [...r.cells].sort((a, b) => b.durationMs - a.durationMs)[0];
  console.log(
    `[realworld] ${label}: exit ${cli.code}, ${r.cells.length} cells, ${((Date.now() - started) / 1000).toFixed(1)} s; slowest cell ${slowest?.id} ${((slowest?.durationMs ?? 0) / 1000).toFixed(1)} s`,
  );
  return { cli, r };
}

async function expectOutcome(dir: string, run: { cli: CliResult; r: RunResult }, p: Project): Promise<void> {
  const why = `${run.cli.stdout}\n${run.cli.stderr}`;
  expect(run.r.cells.length, why).toBeGreaterThan(0);
  for (const cell of run.r.cells) {
    const known = p.unsupported?.[cell.distro];
    if (known) {
      expect(cell.status, `${cell.id}\n${why}`).toBe('failed');
      expect(await readFile(join(dir, cell.logPath), 'utf8')).toMatch(known);
    } else {
      expect(cell.status, `${cell.id}\n${why}`).toBe('passed');
    }
  }
  expect(run.cli.code, why).toBe(run.r.cells.every((c) => c.status === 'passed') ? 0 : 1);
}

describe.each(PROJECTS)('$name ($kind), as `vmatrix init` configures it', { tags: ['realworld'] }, (p) => {
  let dir: string;
  let written: string;

  beforeAll(async () => {
    dir = await checkout(p.name);
  });

  it(`init detects a ${p.kind} project and writes its starter`, async () => {
    const init = await runCli(['init'], { cwd: dir, env });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(
      `for a ${p.kind} project (${p.marker ? `from ${p.marker}` : 'no file told the kind'})`,
    );
    written = await readFile(join(dir, 'vmatrix.yml'), 'utf8');
    const template = await readFile(
      fileURLToPath(new URL(`../../templates/init/${p.kind}.yml`, import.meta.url)),
      'utf8',
    );
    expect(written.endsWith(template)).toBe(true);
    if (p.test) {
      written = withTest(written, p.test);
      await writeFile(join(dir, 'vmatrix.yml'), written);
    }
  });

  it(`passes, ${p.test ? 'with only its placeholder test command replaced' : 'unedited'}, on every Debian release the file names`, async () => {
    const named = distrosOf(written).filter((d) => d.startsWith('debian-'));
    expect(named.length).toBeGreaterThan(0);
    const run = await test(
      dir,
      `${p.name} init config`,
      named.flatMap((d) => ['--distro', d]),
    );
    expect(new Set(run.r.cells.map((c) => c.distro))).toEqual(new Set(named));
    await expectOutcome(dir, run, p);
  }, 3_600_000);

  it('runs on the other Debian releases with only `distros:` edited', async () => {
    const others = DEBIAN.filter((d) => !distrosOf(written).includes(d));
    expect(others.length).toBeGreaterThan(0);
    await writeFile(join(dir, 'vmatrix.yml'), withDistros(written, others));
    const run = await test(dir, `${p.name} on ${others.join(', ')}`);
    expect(new Set(run.r.cells.map((c) => c.distro))).toEqual(new Set(others));
    await expectOutcome(dir, run, p);
  }, 3_600_000);
});

describe('shUnit2 as docs/troubleshooting.md says', { tags: ['realworld'] }, () => {
  it('passes on Debian once its environment names the shell its tests expect: env: { SHELL: /bin/bash }', async () => {
    const shunit2 = PROJECTS.find((p) => p.name === 'shunit2')!;
    const dir = await checkout(shunit2.name);
    expect((await runCli(['init'], { cwd: dir, env })).code).toBe(0);
    const written = withTest(await readFile(join(dir, 'vmatrix.yml'), 'utf8'), shunit2.test!);
    await writeFile(join(dir, 'vmatrix.yml'), stringify({ ...(parse(written) as Yaml), env: { SHELL: '/bin/bash' } }));
    const run = await test(dir, 'shunit2 with SHELL=/bin/bash', ['--distro', 'debian-12']);
    await expectOutcome(dir, run, { ...shunit2, unsupported: {} });
  }, 600_000);
});

describe('a shell project on busybox', { tags: ['realworld'] }, () => {
  it('the generic starter, its packages overridden away (busybox has no package manager), runs it (no bash there: issue 84 fails)', async () => {
    const shunit2 = PROJECTS.find((p) => p.name === 'shunit2')!;
    const dir = await checkout(shunit2.name);
    expect((await runCli(['init'], { cwd: dir, env })).code).toBe(0);
    const written = withTest(await readFile(join(dir, 'vmatrix.yml'), 'utf8'), shunit2.test!);
    // As docs/config.md shows: `overrides: { busybox: { packages: [] } }`.
    const config = { ...(parse(withDistros(written, ['busybox'])) as Yaml), overrides: { busybox: { packages: [] } } };
    await writeFile(join(dir, 'vmatrix.yml'), stringify(config));
    const run = await test(dir, 'shunit2 on busybox');
    expect(run.r.cells.map((c) => c.distro)).toEqual(['busybox']);
    await expectOutcome(dir, run, shunit2);
  }, 600_000);
});

describe('the documented configs, on a real CMake project', { tags: ['realworld'] }, () => {
  const cjson = PROJECTS[0]!;
  let dir: string;
  let quick: string;

  beforeAll(async () => {
    dir = await checkout(cjson.name);
    quick = await quickStart();
  });

  it('the quick start, verbatim, passes on its 6 cells', async () => {
    expect(distrosOf(quick)).toEqual(DEBIAN);
    await writeFile(join(dir, 'vmatrix.yml'), quick);
    const run = await test(dir, 'cjson quick start');
    expect(run.r.cells).toHaveLength(6);
    await expectOutcome(dir, run, cjson);
  }, 3_600_000);

  it('every documented fragment of a vmatrix.yml, on top of the quick start, passes', async () => {
    const fragments = await documentedFragments();
    // docs/config.md shows test steps and artifacts as fragments; both must be found, or the reader drifted.
    expect(fragments.map((f) => Object.keys(f).join(','))).toEqual(expect.arrayContaining(['test', 'artifacts']));
    for (const [i, fragment] of fragments.entries()) {
      const config: Yaml = { ...(parse(quick) as Yaml), ...fragment };
      await writeFile(join(dir, 'vmatrix.yml'), stringify(config));
      const run = await test(dir, `cjson documented fragment ${i + 1} (${Object.keys(fragment).join(', ')})`, [
        '--distro',
        'debian-12',
      ]);
      await expectOutcome(dir, run, cjson);
    }
  }, 3_600_000);
});
