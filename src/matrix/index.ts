// matrix/: from a config to its cells — GitHub-style expansion with include/exclude, cell ids and
// slugs, `--only` and `--cell` selection, `--shard` splits, CI fan-out matrices, and the environment a
// cell's steps see.
export type { Cell } from './types.js';
export { expandMatrix, type MatrixConfig } from './expand.js';
export { expandStrategy, type Strategy, type Combination, type Expanded } from './strategy.js';
export { cellId, slugify, uniqueSlugs } from './cell-id.js';
export { filterCells, cellMatches } from './filter.js';
export { cellEnv, envName } from './env.js';
export { selectCells } from './select.js';
export { parseShard, formatShard, splitShards, slowestFirst, splitBasis, type Durations, type Shard } from './shard.js';
export {
  githubMatrix,
  gitlabParallel,
  shardNames,
  MAX_JOBS,
  type CiSystem,
  type GithubMatrix,
  type GitlabParallel,
} from './fan-out.js';
