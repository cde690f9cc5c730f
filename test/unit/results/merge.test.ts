import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellsNotRun, mergeResultFiles, mergeResults, type ResultsFile } from '../../../src/results/merge.js';
import { summarise } from '../../../src/results/summary.js';
import type { CellResult, CellStatus, RunResult } from '../../../src/results/types.js';
import { isVmError } from '../../../src/util/errors.js';

const MATRIX = ['d/n=1', 'd/n=2', 'd/n=3', 'd/n=4', 'd/n=5'];
const STATUS: CellStatus[] = ['passed', 'failed', 'passed', 'timed-out', 'passed'];

const cell = (id: string): CellResult => {
  const i = MATRIX.indexOf(id);
  return {
    id,
    slug: id.replace(/\W/g, '-'),
    distro: 'd',
    axes: { n: String(i + 1) },
    status: STATUS[i]!,
    exitCode: STATUS[i] === 'failed' ? 1 : 0,
    durationMs: 1000 * (i + 1),
    phases: { image: 0, setup: 0, test: 1000 * (i + 1) },
    logPath: `.vmatrix/runs/x/${id}/log.txt`,
  };
};

let clock = 0;
function run(ids: string[], over: Partial<RunResult> & { shard?: string; split?: string } = {}): RunResult {
  const { shard, split, ...rest } = over;
  const cells = ids.map(cell);
  clock += 1;
  return {
    version: 1,
    runId: `run-${clock}`,
    project: `/ci/${clock}/proj`,
    config: 'vmatrix.yml',
    runtime: 'runc',
    startedAt: `2030-01-01T00:00:0${clock}.000Z`,
    finishedAt: `2030-01-01T00:01:0${clock}.000Z`,
    durationMs: 60_000 + clock,
    jobs: 2,
    cells,
    summary: summarise(cells),
    matrix: { configHash: 'h1', cells: MATRIX, ...(shard && { shard, split: split ?? 'matrix-order' }) },
    ...rest,
  };
}
const files = (...results: RunResult[]): ResultsFile[] =>
  results.map((result, i) => ({ file: `part${i + 1}/results.json`, result }));
const shards = (): RunResult[] => [
  run(['d/n=1', 'd/n=4'], { shard: '1/3' }),
  run(['d/n=2', 'd/n=5'], { shard: '2/3' }),
  run(['d/n=3'], { shard: '3/3' }),
];

function refusal(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    if (isVmError(e) && e.exit === 2) return e;
    throw e;
  }
  throw new Error('expected a usage error');
}

describe('mergeResults', () => {
  it('joins shards into what one run of the whole matrix holds: every cell once, in matrix order, counted again', () => {
    const single = run(MATRIX);
    const merged = mergeResults(files(...shards().reverse()), 'merged-1');
    expect(merged.cells).toEqual(single.cells);
    expect(merged.summary).toEqual(single.summary);
    expect(merged.summary).toMatchObject({ total: 5, passed: 3, failed: 1, timedOut: 1 });
    expect(merged.matrix).toEqual({ configHash: 'h1', cells: MATRIX });
  });

  it("says what a merge cannot keep: a new id, the parts' ids, the earliest start, the latest end, the longest part, all their jobs", () => {
    const parts = shards();
    const merged = mergeResults(files(parts[2]!, parts[0]!, parts[1]!), 'merged-1');
    expect(merged).toMatchObject({
      runId: 'merged-1',
      mergedFrom: parts.map((p) => p.runId),
      project: parts[0]!.project,
      startedAt: parts[0]!.startedAt,
      finishedAt: parts[2]!.finishedAt,
      durationMs: parts[2]!.durationMs,
      jobs: 6,
      runtime: 'runc',
    });
    expect(merged.matrix?.shard).toBeUndefined();
  });

  it('joins one-cell runs (a CI job per cell) and lists the cells of the matrix that no part ran', () => {
    const merged = mergeResults(files(run(['d/n=5']), run(['d/n=2'])));
    expect(merged.cells.map((c) => c.id)).toEqual(['d/n=2', 'd/n=5']);
    expect(cellsNotRun(merged)).toEqual(['d/n=1', 'd/n=3', 'd/n=4']);
    expect(cellsNotRun(mergeResults(files(...shards())))).toEqual([]);
  });

  it('counts the same run given twice once (runs/*/results.json also matches runs/latest)', () => {
    const parts = shards();
    expect(mergeResults(files(parts[0]!, parts[1]!, parts[2]!, parts[1]!)).cells).toHaveLength(5);
  });

  it('names both runtimes when the parts used different ones', () => {
    const parts = shards();
    parts[1]!.runtime = 'crun';
    expect(mergeResults(files(...parts)).runtime).toBe('runc, crun');
  });

  it('refuses parts that ran the same cell', () => {
    const e = refusal(() => mergeResults(files(run(['d/n=1', 'd/n=2']), run(['d/n=2', 'd/n=3']))));
    expect(e.code).toBe('RESULTS_OVERLAP');
    expect(e.message).toBe(
      'cell d/n=2 is in both part1/results.json and part2/results.json: merged, it would count twice',
    );
  });

  it('refuses results of different configs, projects or commits', () => {
    const other = run(['d/n=2']);
    other.matrix!.configHash = 'h2';
    expect(refusal(() => mergeResults(files(run(['d/n=1']), other))).message).toMatch(/results of different configs/);
    expect(
      refusal(() => mergeResults(files(run(['d/n=1']), run(['d/n=2'], { project: '/ci/other' })))).message,
    ).toMatch(/different projects \(other, proj\)/);
    const source = { repository: 'this repository', ref: 'v1', commit: 'abc' };
    expect(refusal(() => mergeResults(files(run(['d/n=1'], { source }), run(['d/n=2'])))).message).toMatch(
      /different commits \(the working tree, abc\)/,
    );
    expect(mergeResults(files(run(['d/n=1'], { source }), run(['d/n=2'], { source }))).source).toEqual(source);
  });

  it('refuses an incomplete set of shards, naming the missing ones', () => {
    const e = refusal(() => mergeResults(files(shards()[0]!, shards()[2]!)));
    expect(e.code).toBe('SHARDS_MISSING');
    expect(e.message).toMatch(/^shard 2\/3 of 3 is missing/);
  });

  it('refuses shards cut differently (different N, or different durations)', () => {
    const [a, b] = shards();
    expect(refusal(() => mergeResults(files(a!, run(['d/n=2', 'd/n=5'], { shard: '2/2' })))).code).toBe(
      'SHARDS_DO_NOT_MATCH',
    );
    const e = refusal(() =>
      mergeResults(files(a!, { ...b!, matrix: { ...b!.matrix!, split: 'durations:0123456789abcdef' } })),
    );
    expect(e.hint).toContain('same --durations');
  });

  it('refuses results that do not say which matrix they are of', () => {
    const old = run(['d/n=1']);
    delete old.matrix;
    expect(refusal(() => mergeResults(files(old))).code).toBe('RESULTS_WITHOUT_MATRIX');
  });
});

describe('mergeResultFiles', () => {
  it('reads the files, and says which one is not a results.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-merge-'));
    const parts = shards();
    const paths = await Promise.all(
      parts.map(async (p, i) => {
        const path = join(dir, `${i}.json`);
        await writeFile(path, JSON.stringify(p));
        return path;
      }),
    );
    expect((await mergeResultFiles(paths)).cells).toHaveLength(5);
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ version: 1, runId: 'r', cells: [{ id: 'x' }] }));
    await expect(mergeResultFiles([...paths, join(dir, 'bad.json')])).rejects.toThrow(
      /bad\.json: not a vmatrix results\.json: cells\[0\]/,
    );
    await expect(mergeResultFiles([join(dir, 'nope.json')])).rejects.toThrow(/nope\.json: cannot read it \(ENOENT\)/);
  });
});
