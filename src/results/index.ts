// results/: what a run produces — the result types (results.json's schema), the events reporters receive,
// reading and writing results.json, `vmatrix report --merge`, run ids and the exit code of a summary.
export type * from './types.js';
export { exitCodeOf, summarise } from './summary.js';
export { FAILURE_STATUSES, isFailure, isPass, isProjectFailure, isRetryable, ranToEnd } from './status.js';
export { checkedLastResultsFile, lastResultsFile, projectDirOf, readResults, writeResults } from './files.js';
export { mergeResults, mergeResultFiles, cellsNotRun } from './merge.js';
export { newRunId } from './run-id.js';
