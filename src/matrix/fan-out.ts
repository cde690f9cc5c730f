import { usageError } from '../util/errors.js';
import type { Cell } from './types.js';

// The matrix as a CI system's own matrix, for fanning a run out over runners: one job per cell (each
// runs `vmatrix test --cell <id>`) or one per shard (`vmatrix test --shard i/N`). Each system caps the
// jobs of one matrix; past the cap the answer is shards, never a silently truncated matrix.

export type CiSystem = 'github' | 'gitlab';

/**
 * Documented caps: a GitHub Actions matrix makes at most 256 jobs per workflow run; a GitLab parallel:matrix at most
 * 200.
 */
export const MAX_JOBS: Record<CiSystem, number> = { github: 256, gitlab: 200 };
const SYSTEM_NAME: Record<CiSystem, string> = { github: 'GitHub Actions', gitlab: 'GitLab CI' };

export interface GithubCellJob {
  /** For `vmatrix test --cell`. */
  cell: string;
  /** The same cell as a safe name: artifact names may not contain `/`. */
  slug: string;
  distro: string;
  /** Its architecture, as Debian spells it: a job can pick a runner of that arch (`runs-on`). */
  arch: string;
}

/**
 * `strategy.matrix` for GitHub Actions: `{ include: [{ cell, slug, distro, arch }] }` or
 * `{ shard: ['1/3', '2/3', '3/3'] }`.
 */
export type GithubMatrix = { include: GithubCellJob[] } | { shard: string[] };

/** GitLab CI's `parallel:matrix`, one variable per job: VMATRIX_CELL or VMATRIX_SHARD. */
export interface GitlabParallel {
  parallel: { matrix: Array<{ VMATRIX_CELL: string[] } | { VMATRIX_SHARD: string[] }> };
}

/** `1/N` … `N/N`; more shards than cells would leave runners idle, so N is at most the number of cells. */
export function shardNames(cells: number, shards: number): string[] {
  const n = Math.max(1, Math.min(shards, cells));
  return Array.from({ length: n }, (_, i) => `${i + 1}/${n}`);
}

function checkJobs(system: CiSystem, jobs: number, what: string): void {
  const max = MAX_JOBS[system];
  if (jobs <= max) return;
  throw usageError(
    'TOO_MANY_JOBS',
    `${jobs} ${what} are more than the ${max} jobs ${SYSTEM_NAME[system]} runs from one matrix`,
    {
      hint:
        `fan out over at most ${max} shards instead: vmatrix matrix --format ${system} --shards N, and vmatrix ` +
        `test --shard i/N in each job`,
    },
  );
}

export function githubMatrix(cells: Cell[], shards?: number): GithubMatrix {
  if (shards !== undefined) {
    checkJobs('github', shards, 'shards');
    return { shard: shardNames(cells.length, shards) };
  }
  checkJobs('github', cells.length, 'cells');
  return { include: cells.map((c) => ({ cell: c.id, slug: c.slug, distro: c.distro, arch: c.arch })) };
}

export function gitlabParallel(cells: Cell[], shards?: number): GitlabParallel {
  if (shards !== undefined) {
    checkJobs('gitlab', shards, 'shards');
    return { parallel: { matrix: [{ VMATRIX_SHARD: shardNames(cells.length, shards) }] } };
  }
  checkJobs('gitlab', cells.length, 'cells');
  return { parallel: { matrix: [{ VMATRIX_CELL: cells.map((c) => c.id) }] } };
}
