import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../../src/matrix/expand.js';
import { lastFullRun } from '../../../src/results/files.js';
import { chooseCells, durationsOf } from '../../../src/plan/select.js';
import { summarise } from '../../../src/results/summary.js';
import type { CellResult, CellStatus, RunResult } from '../../../src/results/types.js';

const all = expandMatrix({ distros: ['busybox'], matrix: { n: [1, 2, 3, 4, 5, 6] }, include: [], exclude: [] });
const ids = all.map((c) => c.id);

function result(runId: string, cells: Array<[string, number, CellStatus?]>, shard?: string): RunResult {
  const results: CellResult[] = cells.map(([id, durationMs, status = 'passed']) => ({
    id,
    slug: id,
    distro: 'busybox',
    axes: {},
    status,
    exitCode: 0,
    durationMs,
    phases: { image: 0, setup: 0, test: durationMs },
    logPath: 'l',
  }));
  return {
    version: 1,
    runId,
    project: '/p',
    config: 'vmatrix.yml',
    runtime: 'runc',
    startedAt: '',
    finishedAt: '',
    durationMs: 1,
    jobs: 1,
    cells: results,
    summary: summarise(results),
    matrix: { configHash: 'h', cells: ids, ...(shard && { shard, split: 'matrix-order' }) },
  };
}

async function project(runs: RunResult[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-select-'));
  for (const r of runs) {
    await mkdir(join(dir, '.vmatrix/runs', r.runId), { recursive: true });
    await writeFile(join(dir, '.vmatrix/runs', r.runId, 'results.json'), JSON.stringify(r));
  }
  return dir;
}

/** The first cell is by far the slowest, the rest take 10 s each. */
const full = result(
  '20300101-000000-aaaa',
  ids.map((id, i) => [id, i === 0 ? 600_000 : 10_000]),
);

describe('lastFullRun', () => {
  it('finds the newest run of the whole matrix, passing over shards, partial runs and the latest link', async () => {
    const dir = await project([
      full,
      result(
        '20300101-000100-bbbb',
        [
          [ids[1]!, 1],
          [ids[3]!, 1],
        ],
        '1/3',
      ),
      result('20300101-000200-cccc', [[ids[2]!, 1]]),
      { ...result('20300101-000300-dddd', []), matrix: undefined },
    ]);
    await symlink('20300101-000300-dddd', join(dir, '.vmatrix/runs/latest'));
    expect((await lastFullRun(dir))?.result.runId).toBe(full.runId);
  });

  it('passes over a newer run whose results.json is a FIFO, a device or a link, without blocking on it', async () => {
    const dir = await project([full]);
    for (const [id, make] of [
      ['20990101-000000-fifo', (f: string) => execFileSync('mkfifo', [f])],
      ['20990101-000100-zero', (f: string) => execFileSync('mknod', [f, 'c', '1', '5'])],
    ] as const) {
      await mkdir(join(dir, '.vmatrix/runs', id));
      make(join(dir, '.vmatrix/runs', id, 'results.json'));
    }
    await mkdir(join(dir, '.vmatrix/runs/20990101-000200-link'));
    await symlink(
      join(dir, '.vmatrix/runs', full.runId, 'results.json'),
      join(dir, '.vmatrix/runs/20990101-000200-link/results.json'),
    );
    expect((await lastFullRun(dir))?.file).toBe(join(dir, '.vmatrix/runs', full.runId, 'results.json'));
  });

  it('finds nothing in a project that never ran', async () => {
    expect(await lastFullRun(await mkdtemp(join(tmpdir(), 'vmx-select-')))).toBeUndefined();
  });
});

describe('chooseCells', () => {
  it("splits by the last full run's durations, the same for every shard even after other shards ran", async () => {
    const dir = await project([full]);
    const before = await Promise.all(
      [1, 2, 3].map((i) => chooseCells(all, dir, { shard: `${i}/3`, durations: 'last-full-run' })),
    );
    // The slowest cell gets a shard to itself; the other five share the two others.
    expect(before.map((s) => s.cells.length)).toEqual([1, 3, 2]);
    expect(before[0]!.cells.map((c) => c.id)).toEqual([ids[0]]);
    expect(new Set(before.flatMap((s) => s.cells.map((c) => c.id)))).toEqual(new Set(ids));
    expect(before[0]!.note).toBe(
      `shard 1/3: 1 of 6 cells, balanced by the durations in .vmatrix/runs/${full.runId}/results.json`,
    );
    const afterShard1 = await project([full, result('20300101-000100-bbbb', [[ids[0]!, 1]], '1/3')]);
    const again = await Promise.all(
      [1, 2, 3].map((i) => chooseCells(all, afterShard1, { shard: `${i}/3`, durations: 'last-full-run' })),
    );
    expect(again.map((s) => s.cells)).toEqual(before.map((s) => s.cells));
    expect(new Set(again.map((s) => s.split)).size).toBe(1);
  });

  it('deals round-robin when no run is known, and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-select-'));
    const s = await chooseCells(all, dir, { shard: '2/4', durations: 'last-full-run' });
    expect(s.cells.map((c) => c.id)).toEqual([ids[1], ids[5]]);
    expect(s).toMatchObject({ shard: '2/4', split: 'matrix-order', durations: undefined });
    expect(s.note).toContain('dealt in matrix order');
  });

  it('reads --durations from any results.json, and fails on one that is missing', async () => {
    const dir = await project([full]);
    const file = join(dir, '.vmatrix/runs', full.runId, 'results.json');
    const s = await chooseCells(all, await mkdtemp(join(tmpdir(), 'vmx-select-')), {
      shard: '1/2',
      durations: { file },
    });
    expect(s.cells.map((c) => c.id)).toEqual([ids[0]]);
    await expect(chooseCells(all, dir, { durations: { file: join(dir, 'nope.json') } })).rejects.toThrow(
      /nope\.json: cannot read it/,
    );
  });

  it('applies --only before the split, and --cell alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-select-'));
    expect((await chooseCells(all, dir, { only: ['n=1', 'n=2', 'n=3'], shard: '2/2' })).cells.map((c) => c.id)).toEqual(
      [ids[1]],
    );
    expect((await chooseCells(all, dir, { cellIds: [ids[4]!] })).cells.map((c) => c.id)).toEqual([ids[4]]);
    await expect(chooseCells(all, dir, { only: ['n=9'] })).rejects.toThrow(/--only n=9 matches none of the 6 cells/);
  });

  it('gives a shard beyond the cells no cells, without failing', async () => {
    const s = await chooseCells(all.slice(0, 2), await mkdtemp(join(tmpdir(), 'vmx-select-')), { shard: '3/3' });
    expect(s.cells).toEqual([]);
  });
});

describe('durationsOf', () => {
  it("keeps the cells that ran to an end: errors and cancellations say nothing of a cell's speed", () => {
    const r = result('r', [
      ['a', 5, 'passed'],
      ['b', 6, 'failed'],
      ['c', 7, 'timed-out'],
      ['d', 1, 'error'],
      ['e', 2, 'cancelled'],
    ]);
    expect(durationsOf(r)).toEqual(
      new Map([
        ['a', 5],
        ['b', 6],
        ['c', 7],
      ]),
    );
  });
});
