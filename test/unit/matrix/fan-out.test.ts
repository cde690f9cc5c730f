import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../../src/matrix/expand.js';
import { githubMatrix, gitlabParallel, shardNames } from '../../../src/matrix/fan-out.js';
import { isVmError } from '../../../src/util/errors.js';

const cells = expandMatrix(
  { distros: ['debian-12', 'busybox'], matrix: { cc: ['gcc', 'clang'] }, include: [], exclude: [] },
  { arches: ['amd64'] },
);
const many = (n: number) =>
  expandMatrix({
    distros: ['busybox'],
    matrix: { n: Array.from({ length: n }, (_, i) => i) },
    include: [],
    exclude: [],
  });

function usage(fn: () => unknown): { message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    if (isVmError(e) && e.exit === 2) return e;
    throw e;
  }
  throw new Error('expected a usage error');
}

describe('githubMatrix', () => {
  it('gives one job per cell, with the id for --cell and a slug for artifact names', () => {
    expect(githubMatrix(cells)).toEqual({
      include: [
        { cell: 'debian-12/cc=gcc', slug: 'debian-12-cc-gcc', distro: 'debian-12', arch: 'amd64' },
        { cell: 'debian-12/cc=clang', slug: 'debian-12-cc-clang', distro: 'debian-12', arch: 'amd64' },
        { cell: 'busybox/cc=gcc', slug: 'busybox-cc-gcc', distro: 'busybox', arch: 'amd64' },
        { cell: 'busybox/cc=clang', slug: 'busybox-cc-clang', distro: 'busybox', arch: 'amd64' },
      ],
    });
  });

  it('gives one job per shard with --shards', () => {
    expect(githubMatrix(cells, 3)).toEqual({ shard: ['1/3', '2/3', '3/3'] });
  });

  it('holds 256 cells and refuses 257, suggesting shards', () => {
    expect((githubMatrix(many(256)) as { include: unknown[] }).include).toHaveLength(256);
    const e = usage(() => githubMatrix(many(257)));
    expect(e.message).toBe('257 cells are more than the 256 jobs GitHub Actions runs from one matrix');
    expect(e.hint).toContain('--shards');
    expect(usage(() => githubMatrix(many(300), 257)).message).toContain('257 shards');
    expect(githubMatrix(many(300), 256)).toEqual({ shard: shardNames(300, 256) });
  });
});

describe('gitlabParallel', () => {
  it('gives a parallel:matrix with one VMATRIX_CELL per cell, or VMATRIX_SHARD per shard', () => {
    expect(gitlabParallel(cells)).toEqual({ parallel: { matrix: [{ VMATRIX_CELL: cells.map((c) => c.id) }] } });
    expect(gitlabParallel(cells, 2)).toEqual({ parallel: { matrix: [{ VMATRIX_SHARD: ['1/2', '2/2'] }] } });
  });

  it('holds 200 jobs and refuses 201', () => {
    expect(gitlabParallel(many(200)).parallel.matrix[0]).toHaveProperty('VMATRIX_CELL');
    expect(usage(() => gitlabParallel(many(201))).message).toBe(
      '201 cells are more than the 200 jobs GitLab CI runs from one matrix',
    );
    expect(usage(() => gitlabParallel(many(300), 201)).hint).toContain('vmatrix matrix --format gitlab --shards N');
  });
});

describe('shardNames', () => {
  it('never makes more shards than cells: the N in i/N is the number of jobs', () => {
    expect(shardNames(4, 3)).toEqual(['1/3', '2/3', '3/3']);
    expect(shardNames(2, 5)).toEqual(['1/2', '2/2']);
  });
});
