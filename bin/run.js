#!/usr/bin/env node
// The CLI's entry is bundled with @oclif/core: src/commands/_main.ts, built by scripts/bundle.mjs.
// An ordinary user's command that makes cells runs again inside a user namespace of the user's
// (src/vps/rootless.ts): decided before the bundle loads, so that the process outside starts only that.
if (process.getuid?.() !== 0) {
  const { enterUserNamespace } = await import('../dist/vps/rootless.js');
  const code = await enterUserNamespace(process.argv.slice(2));
  if (code !== undefined) process.exit(code);
}
await import('../dist/bundle/commands/_main.js');
