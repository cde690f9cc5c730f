export type { Reporter } from './types.js';
export { PlainReporter, describeFailure } from './plain.js';
export { JsonReporter } from './json.js';
