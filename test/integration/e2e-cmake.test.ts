import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTarballCatalog } from '../fixtures/catalog.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import { snapshotTree, type NodeFacts } from '../helpers/tree-snapshot.js';
import type { RunResult } from '../../src/results/types.js';

// The first slice end to end: a small CMake library with a build × std matrix across Debian 11, 12 and 13
// (12 cells), one of which fails on purpose (a bug planted for glibc < 2.32 in release C99 builds).

const FAILING = 'debian-11/build=Release,std=99';
let project: string;
let env: Record<string, string>;
let first: CliResult;
let hostBefore: Map<string, NodeFacts>;

/** The checkout as the user sees it: everything but vmatrix's own .vmatrix/ (and the root dir's mtime, which it changes). */
async function checkout(dir: string): Promise<Map<string, NodeFacts>> {
  const tree = await snapshotTree(dir);
  for (const key of [...tree.keys()]) if (key === '.' || key.startsWith('.vmatrix')) tree.delete(key);
  return tree;
}

/** The run's store and catalog: ~2 GB of images and layers, removed with the project at the end. */
let work = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-e2e-'));
  env = { VMATRIX_HOME: join(work, 'store'), VMATRIX_CATALOG: await debianTarballCatalog(join(work, 'catalog')) };
  project = await gitProject('cmake-lib');
  // Ignored host files that must never leak into a cell (the first test step checks for them).
  await mkdir(join(project, 'node_modules/left-pad'), { recursive: true });
  await writeFile(join(project, 'node_modules/left-pad/index.js'), 'module.exports = 1;\n');
  await mkdir(join(project, 'build'));
  await writeFile(join(project, 'build/stale.o'), 'stale\n');
  hostBefore = await checkout(project);
  first = await runCli(['test', '--jobs', '2'], { cwd: project, env });
}, 1_200_000);

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

async function results(): Promise<RunResult> {
  return JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}

describe('vmatrix test on a CMake project across Debian 11, 12 and 13', () => {
  it('exits 1 and reports exactly the planted failure', async () => {
    expect(first.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(first.code, first.stdout + first.stderr).toBe(1);
    const r = await results();
    expect(r.cells).toHaveLength(12);
    expect(r.cells.filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual([FAILING]);
    expect(r.summary).toMatchObject({ total: 12, passed: 11, failed: 1 });
    expect(first.stdout).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d FAIL .*${FAILING.replace(/[/.]/g, '\\$&')}  \\(step ".+" exited \\d+\\)$`, 'm'),
    );
    expect(first.stdout.match(/^\d\d:\d\d:\d\d PASS /gm)).toHaveLength(11);
    expect(first.stdout).toMatch(/12 cells: 11 passed, 1 failed/);
  });

  it('keeps a full log per cell, with the test output', async () => {
    const r = await results();
    for (const cell of r.cells) {
      const log = await readFile(join(project, cell.logPath), 'utf8');
      expect(log).toContain(`# vmatrix cell ${cell.id}`);
      expect(log).toContain('+ cmake --build build');
    }
    const failing = r.cells.find((c) => c.id === FAILING)!;
    expect(await readFile(join(project, failing.logPath), 'utf8')).toContain('get from an empty buffer succeeded');
    expect(failing.logPath).toBe(`.vmatrix/runs/${r.runId}/debian-11/build=Release,std=99/log.txt`);
  });

  it('leaves the host checkout untouched', async () => {
    expect(await checkout(project)).toEqual(hostBefore);
    expect(existsSync(join(project, 'build/CMakeCache.txt'))).toBe(false);
  });

  it('installs packages once per distro and reuses the layer on the next run', async () => {
    const r1 = await results();
    expect(new Set(r1.cells.map((c) => c.layerId)).size).toBe(3);
    expect(first.stderr.match(/building setup layer/g)).toHaveLength(3);
    const second = await runCli(['test', '--jobs', '2', '--only', 'std=11'], { cwd: project, env });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/building setup layer/);
    const r2 = await results();
    expect(r2.runId).not.toBe(r1.runId);
    expect(r2.cells).toHaveLength(6);
    expect(r2.cells.every((c) => c.setupCached === true && c.phases.setup === 0)).toBe(true);
    expect(new Set(r2.cells.map((c) => c.layerId))).toEqual(new Set(r1.cells.map((c) => c.layerId)));
  }, 600_000);
});
