// pipeline/: `vmatrix test` — runs a plan: the run directory, the worker pool, each cell's task (image, setup
// layer, project copy, test steps, attempts) and the events reporters see on the way.
export { runTests, type TestRunOptions } from './test-run.js';
export { imageEvents } from './progress.js';
export { giveToInvoker, makeRunsDir } from './run-dir.js';
