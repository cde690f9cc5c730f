// cli/: what only the commands need — each command's flags and manual, the Ctrl-C policy of a run, which
// reporters a run gets, the wording of oclif's parse errors, and the text tables commands print.
// Commands import these modules one by one, not through this index: the bundle (scripts/bundle.mjs) would
// otherwise put every command's flags, the reporters and the planner into one chunk every command loads.
export { imagesText, layersText } from './image-list.js';
export { interruptible } from './interrupt.js';
export { killArgs, killDescription, killExamples, killFlags, killSummary } from './kill-flags.js';
export { matrixDescription, matrixExamples, matrixFlags, matrixSummary } from './matrix-flags.js';
export { resultsFiles } from './report-files.js';
export { reportArgs, reportDescription, reportExamples, reportFlags, reportSummary } from './report-flags.js';
export { followedCell, runReporters, type ReporterFlags } from './reporters.js';
export { runArgs, runDescription, runExamples, runFlags, runSummary } from './run-flags.js';
export { shellArgs, shellDescription, shellExamples, shellFlags, shellSummary } from './shell-flags.js';
export { table } from './table.js';
export { testDescription, testExamples, testFlags, testSummary } from './test-flags.js';
export { planFromFlags, runOptions, type TestFlags } from './test-run.js';
export { outsideCommandError, usageText, type ParseErrorLike } from './usage.js';
