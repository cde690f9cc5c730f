// bin/run.js loads this from the bundle (dist/bundle/commands/_usage.js) for the errors no command caught.
export { outsideCommandError } from '../cli/usage.js';
