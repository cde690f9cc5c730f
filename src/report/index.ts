export type { Reporter } from './types.js';
export { PlainReporter, describeFailure } from './plain.js';
export { JsonReporter } from './json.js';
export { HtmlReporter, writeHtmlReport } from './html-reporter.js';
export { renderHtml } from './html.js';
export { JunitReporter, writeJunit } from './junit-files.js';
export { GithubReporter } from './github.js';
export { formatResultsText, summaryLine, type TextOptions } from './text.js';
export { useColor } from './style.js';
