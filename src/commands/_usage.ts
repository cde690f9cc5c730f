// bin/run.js loads this from the bundle (dist/bundle/commands/_usage.js) at every start for the errors no
// command caught: straight from cli/usage.ts, not the index, so that it loads no command's flags.
export { outsideCommandError } from '../cli/usage.js';
