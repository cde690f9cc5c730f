import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalogFile } from '../../../src/catalog/parse.js';
import {
  cacheKey,
  fromCached,
  parseCatalogFileCached,
  toCached,
  type ParseCache,
} from '../../../src/catalog/parsed-cache.js';
import { packageRoot } from '../../../src/util/package-root.js';

const dir = join(packageRoot(), 'distros');
const files = readdirSync(dir)
  .filter((n) => n.endsWith('.yml'))
  .map((n) => ({ file: join(dir, n), text: readFileSync(join(dir, n), 'utf8') }));

/** The cache the build writes (scripts/catalog-cache.mjs), made here from the same functions. */
function builtCache(): ParseCache {
  const cache: ParseCache = {};
  for (const { file, text } of files) cache[cacheKey(text)] = toCached(parseCatalogFile(text, file))!;
  return cache;
}

// The built-in catalog's parse is made at build time; a run must get from it exactly what parsing gives.
describe('the parsed catalog cache', () => {
  it('gives every built-in file exactly the entries, lines and paths that parsing it gives', () => {
    const cache = builtCache();
    expect(files.length).toBeGreaterThan(5);
    for (const { file, text } of files) {
      expect(parseCatalogFileCached(text, file, cache)).toEqual(parseCatalogFile(text, file));
    }
  });

  it('puts the entries back under the path the file is read from, wherever the package lies', () => {
    const { file, text } = files.find((f) => f.file.endsWith('debian.yml'))!;
    const moved = fromCached(toCached(parseCatalogFile(text, file))!, '/opt/elsewhere/distros/debian.yml');
    expect(moved.entries[0].entry.file).toBe('/opt/elsewhere/distros/debian.yml');
    expect(moved.entries[0].where).toMatch(/^\/opt\/elsewhere\/distros\/debian\.yml:\d+$/);
  });

  it('parses a file whose text the build never saw, so an edit is never answered from the cache', () => {
    const cache = builtCache();
    const { file, text } = files.find((f) => f.file.endsWith('debian.yml'))!;
    const edited = text.replace('description: Debian 11 (bullseye)', 'description: Debian as edited');
    expect(edited).not.toBe(text);
    expect(cache[cacheKey(edited)]).toBeUndefined();
    const parsed = parseCatalogFileCached(edited, file, cache);
    expect(parsed.entries.some((e) => e.entry.description === 'Debian as edited')).toBe(true);
  });

  it('keeps no file with issues: those are reported by parsing it in the run', () => {
    const parsed = parseCatalogFile('family: x\nreleases: 3\n', '/tmp/bad.yml');
    expect(parsed.issues.length).toBeGreaterThan(0);
    expect(toCached(parsed)).toBeUndefined();
  });
});
