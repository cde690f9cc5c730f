#!/usr/bin/env node
import { flush, handle, run } from '@oclif/core';
import { outsideCommandError } from '../dist/bundle/commands/_usage.js';

// oclif's execute(), except that a usage error raised outside vmatrix's own commands (a plugin's command,
// `vmatrix help <unknown>`) is printed in vmatrix's error:/hint: shape too (src/commands/_usage.ts).
const argv = process.argv.slice(2);
await run(argv, import.meta.url)
  .then(() => flush())
  .catch((err) => handle(outsideCommandError(err, argv)));
