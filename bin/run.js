#!/usr/bin/env node
// The CLI's entry is bundled with @oclif/core: src/commands/_main.ts, built by scripts/bundle.mjs.
import '../dist/bundle/commands/_main.js';
