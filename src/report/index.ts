// report/: what a run looks like to people and to tools — the live board, the plain log, results.json,
// report.html, junit.xml, GitHub annotations — as reporters the pipeline's events are dispatched to.
//
// Adding a reporter takes one file and one import. Write src/report/<name>.ts: a factory that returns an object
// of the optional hooks of `Reporter` (types.ts: onRunStart, onCellQueued, onProgress, onDownload,
// onCellStarted, onCellOutput, onCellEnded, onRunEnd; a hook may return a promise, which the run waits for
// before it exits), registered by name from that file:
//
//   import { registerReporter } from './registry.js';
//   registerReporter('tap', ({ out }) => ({ onCellEnded: (r) => void out.write(`${r.status} ${r.id}\n`) }));
//
// and import that file here (`import './tap.js';`). An output reporter (the default role) then runs on every
// `vmatrix test`; its factory gets the project dir, stdout/stderr, env, colour, the followed cell and the
// reporters made before it (ReporterContext), and returns undefined where it does not apply. The built-in
// reporters are registered the same way, from builtin.ts; dispatch.ts calls the hooks and waits for them.
export type { EventOf, Reporter, ReporterContext, ReporterFactory } from './types.js';
export { dispatcher, type Dispatcher } from './dispatch.js';
export { createReporters, registerReporter, reporterNames, type ReporterRole } from './registry.js';
export { PlainReporter, describeFailure } from './plain.js';
export { JsonReporter } from './json.js';
export { HtmlReporter, writeHtmlReport } from './html-reporter.js';
export { renderHtml } from './html.js';
export { JunitReporter } from './junit-reporter.js';
export { GithubReporter } from './github.js';
export { formatResultsText, summaryLine, type TextOptions } from './text.js';
export { useColor } from './style.js';
export { TtyReporter, FollowReporter } from './tty.js';
export { Board, summaryGrid } from './board.js';
