export { planRun, type Plan } from './prepare.js';
export { runTests, newRunId, type TestRunOptions } from './test-run.js';
export { runOneOff, type OneOffOptions } from './one-off.js';
export { pullImages, importNamed, type PullOptions } from './images.js';
export { resolveDistro, obtainImage } from './imported.js';
export { imageEvents } from './progress.js';
export { runDoctor, fixCommand, applyFix, type CheckResult } from './doctor.js';
export { exitCodeOf, summarise } from './summary.js';
export type * from './types.js';
