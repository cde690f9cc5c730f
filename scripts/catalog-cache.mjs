// Writes dist/catalog-cache.json, the built-in catalog (distros/*.yml) parsed once at build time, so that a run
// does not parse and check the same YAML again (src/catalog/parsed-cache.ts). Run by `npm run build` after tsc.
// A file that does not parse cleanly is left out: a run parses it and reports its issues.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { CACHE_FILE, cacheKey, toCached } = await import(join(root, 'dist/catalog/parsed-cache.js'));
const { parseCatalogFile } = await import(join(root, 'dist/catalog/parse.js'));

const dir = join(root, 'distros');
const cache = {};
for (const name of (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const text = await readFile(join(dir, name), 'utf8');
  const cached = toCached(parseCatalogFile(text, join(dir, name)));
  if (cached) cache[cacheKey(text)] = cached;
  else console.error(`catalog-cache: distros/${name} has issues: left out, a run reports them`);
}
await writeFile(join(root, CACHE_FILE), `${JSON.stringify(cache)}\n`);
console.log(`${CACHE_FILE}: ${Object.keys(cache).length} files`);
