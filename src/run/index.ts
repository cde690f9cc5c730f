export { planRun, type Plan } from './prepare.js';
export { runTests, newRunId, type TestRunOptions } from './test-run.js';
export { runOneOff, type OneOffOptions } from './one-off.js';
export { runDoctor, fixCommand, applyFix, type CheckResult } from './doctor.js';
export { exitCodeOf, summarise } from './summary.js';
export type * from './types.js';
