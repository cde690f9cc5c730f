// Bundles the commands (tsc's output in dist/) into dist/bundle/, run by `npm run build` after tsc: one
// module per command plus shared chunks, instead of ~190 files that Node resolves and loads one by one at
// every start (about 0.1 s of each command). Packages stay external: they are loaded from node_modules as
// they are, so createRequire/require.resolve and dynamic imports behave as in dist/. Except @oclif/core and
// its own dependencies: every command, and the entry (commands/_main.js, which bin/run.js imports), loads it,
// and from node_modules that is ~160 CommonJS files, which a CPU profile of `vmatrix --version` (node
// --cpu-prof) showed as most of a start: compiling them, resolving them and reading their package.json files.
// Bundled, they are one chunk, and rolldown's require shim (createRequire) serves oclif's own requires of
// plugins by absolute path. oclif's plugins keep loading the copy in node_modules (src/cli/usage.ts).
import { readdir, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = (await import(join(root, 'package.json'), { with: { type: 'json' } })).default;
const packages = Object.keys(pkg.dependencies);
const commands = join(root, 'dist/commands');
const out = join(root, 'dist/bundle');
// What @oclif/core requires only if present, to read a TypeScript plugin's tsconfig (lib/util/read-tsconfig.js):
// left to Node, as it was before @oclif/core was bundled, instead of bundling the TypeScript compiler.
const optional = ['typescript', 'ts-node', 'tsx'];

/** Every .js under dist/commands (the hook and the shared _-files too: bin/run.js and oclif load them). */
async function entries(dir) {
  const found = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) found.push(...(await entries(path)));
    else if (e.name.endsWith('.js')) found.push(path);
  }
  return found;
}

const input = Object.fromEntries(
  (await entries(commands)).map((f) => [join('commands', relative(commands, f)).replace(/\.js$/, ''), f]),
);
await rm(out, { recursive: true, force: true });
await build({
  input,
  platform: 'node',
  external: (id) =>
    id.startsWith('node:') ||
    builtinModules.includes(id) ||
    optional.includes(id) ||
    packages.some((p) => p !== '@oclif/core' && (id === p || id.startsWith(`${p}/`))),
  output: { dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
  logLevel: 'warn',
});
console.log(`dist/bundle: ${Object.keys(input).length} entries`);
