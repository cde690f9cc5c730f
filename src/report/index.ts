export type { Reporter } from './types.js';
export { PlainReporter, describeFailure } from './plain.js';
export { JsonReporter } from './json.js';
export { formatResultsText, summaryLine, type TextOptions } from './text.js';
export { useColor } from './style.js';
