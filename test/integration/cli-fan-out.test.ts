import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { summarise } from '../../src/results/summary.js';
import type { CellResult, RunResult } from '../../src/results/types.js';
import { runCli } from '../helpers/cli.js';

// The fan-out flags as a user meets them: mistakes are usage errors (exit 2) that say what to do,
// and vmatrix report --merge joins results files. Nothing here starts a cell.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmx-fan-'));
  await writeFile(
    join(dir, 'vmatrix.yml'),
    'distros: [busybox]\nmatrix:\n  mode: [fast, slow, broken]\ntest: sh ./check.sh ${{ matrix.mode }}\n',
  );
});

describe('vmatrix test --cell / --shard', () => {
  it('rejects an unknown cell with the closest id', async () => {
    const r = await runCli(['test', '--cell', 'busybox/mode=slwo'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --cell busybox/mode=slwo: no such cell in the matrix (3 cells)');
    expect(r.stderr).toContain('hint: did you mean "busybox/mode=slow"?');
  });

  it('rejects a malformed shard, and --cell with --only', async () => {
    const r = await runCli(['test', '--shard', '4/3'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--shard 4/3: expected i/N');
    expect((await runCli(['test', '--cell', 'busybox/mode=fast', '--only', 'mode=slow'], { cwd: dir })).code).toBe(2);
  });
});

describe('vmatrix matrix --format', () => {
  it('prints a GitHub matrix, a GitLab parallel:matrix, or shards of either', async () => {
    const github = await runCli(['matrix', '--format', 'github'], { cwd: dir });
    expect(github.code).toBe(0);
    expect(github.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(github.stdout).include.map((j: { cell: string }) => j.cell)).toEqual([
      'busybox/mode=fast',
      'busybox/mode=slow',
      'busybox/mode=broken',
    ]);
    expect(parse((await runCli(['matrix', '--format', 'gitlab', '--shards', '2'], { cwd: dir })).stdout)).toEqual({
      parallel: { matrix: [{ VMATRIX_SHARD: ['1/2', '2/2'] }] },
    });
    const more = await runCli(['matrix', '--format', 'github', '--shards', '5'], { cwd: dir });
    expect(JSON.parse(more.stdout)).toEqual({ shard: ['1/3', '2/3', '3/3'] });
    expect(more.stderr).toContain('5 shards for 3 cells: 3 shards, so that none is empty');
  });

  it("refuses a matrix past GitHub's 256 jobs, pointing to --shards", async () => {
    const big = await mkdtemp(join(tmpdir(), 'vmx-fan-'));
    await writeFile(
      join(big, 'vmatrix.yml'),
      `distros: [busybox]\nmatrix:\n  a: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}]\n  b: [${Array.from({ length: 13 }, (_, i) => i).join(', ')}]\ntest: 'true'\n`,
    );
    const r = await runCli(['matrix', '--format', 'github'], { cwd: big });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('260 cells are more than the 256 jobs GitHub Actions runs from one matrix');
    expect(r.stderr).toContain('--shards N');
    expect(
      JSON.parse((await runCli(['matrix', '--format', 'github', '--shards', '20'], { cwd: big })).stdout).shard,
    ).toHaveLength(20);
    expect((await runCli(['matrix', '--shards', '2'], { cwd: big })).code).toBe(2);
  });
});

describe('vmatrix report', () => {
  const ids = ['busybox/mode=fast', 'busybox/mode=slow', 'busybox/mode=broken'];
  const cell = (id: string): CellResult => ({
    id,
    slug: id.replace(/\W/g, '-'),
    distro: 'busybox',
    axes: {},
    status: id.endsWith('broken') ? 'failed' : 'passed',
    exitCode: id.endsWith('broken') ? 2 : 0,
    durationMs: 1200,
    phases: { image: 0, setup: 0, test: 1200 },
    logPath: 'log.txt',
  });
  async function results(name: string, cellIds: string[], shard?: string): Promise<string> {
    const cells = cellIds.map(cell);
    const r: RunResult = {
      version: 1,
      runId: name,
      project: '/builds/x/proj',
      config: 'vmatrix.yml',
      runtime: 'runc',
      startedAt: '2030-01-01T00:00:00.000Z',
      finishedAt: '2030-01-01T00:00:05.000Z',
      durationMs: 5000,
      jobs: 2,
      cells,
      summary: summarise(cells),
      matrix: { configHash: 'h', cells: ids, ...(shard && { shard, split: 'matrix-order' }) },
    };
    const file = join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(r));
    return file;
  }

  it('merges shards into one results.json, prints the cells and exits 1 for the failed one', async () => {
    const parts = [await results('s2', [ids[1]!], '2/2'), await results('s1', [ids[0]!, ids[2]!], '1/2')];
    const out = join(dir, 'merged.json');
    const r = await runCli(['report', '--merge', ...parts, '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^PASS +1\.2s {2}busybox\/mode=fast\nPASS +1\.2s {2}busybox\/mode=slow\nFAIL +1\.2s {2}busybox\/mode=broken {2}\(test exited 2\)\n\n3 cells: 2 passed, 1 failed in 5\.0s \(2 runs merged\)\n$/,
    );
    const merged = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    expect(merged.cells.map((c) => c.id)).toEqual(ids);
    expect(merged.mergedFrom).toEqual(['s1', 's2']);
  });

  it('refuses overlapping parts and a lone shard, and asks for --merge before joining files', async () => {
    const overlap = await runCli([
      'report',
      '--merge',
      await results('a', [ids[0]!]),
      await results('b', [ids[0]!, ids[1]!]),
    ]);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toContain(`cell ${ids[0]} is in both`);
    const lone = await runCli(['report', '--merge', await results('c', [ids[1]!], '2/2')]);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain('shard 1/2 of 2 is missing');
    const two = await runCli(['report', await results('d', [ids[0]!]), await results('e', [ids[1]!])]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('hint: to join them into one, add --merge');
  });

  it('lists the cells no part ran', async () => {
    const r = await runCli(['report', '--merge', await results('f', [ids[0]!])]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('not run: 2 cells of the matrix: busybox/mode=slow busybox/mode=broken');
  });
});
