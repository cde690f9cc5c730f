import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { displayPath } from '../config/yaml-source.js';
import { packageRoot } from '../util/package-root.js';
import { hostArch, parseCatalogFile, type ParsedEntry, type ParsedFile } from './parse.js';
import type { DistroEntry } from './types.js';

// The built-in catalog, parsed at build time (scripts/catalog-cache.mjs writes CACHE_FILE): parsing and checking
// its 20 KiB of YAML (twice through the parser, the schema, every release located) cost every `vmatrix test`
// 50-100 ms on a 2-core host before its first cell. A file's parse is found by a hash of its text and of the
// host's arch (a release without `arch` gets the host's), so an edited file, a file of $VMATRIX_CATALOG the
// build never saw, or a build for another arch is parsed as before. A project's files never use it: they get
// checks of their own (parse.ts localSourceIssues). Only files that parsed without an issue are in it.

/** Where `npm run build` writes the cache, relative to the package root. */
export const CACHE_FILE = 'dist/catalog-cache.json';

/** One file's parse without what depends on where the file lies: its path, and the path as messages show it. */
export interface CachedEntry {
  entry: Omit<DistroEntry, 'file'>;
  /** The line of the release's name. */
  line: number;
  path: string;
}

export type ParseCache = Record<string, CachedEntry[]>;

export function cacheKey(text: string): string {
  return createHash('sha256').update(`${hostArch()}\0${text}`).digest('hex');
}

/** A clean parse as the cache keeps it; undefined for a file with issues (they are worded with its path). */
export function toCached(parsed: ParsedFile): CachedEntry[] | undefined {
  if (parsed.issues.length > 0) return undefined;
  return parsed.entries.map(({ entry, where, path }) => {
    const { file: _file, ...rest } = entry;
    return { entry: rest, line: Number(where.slice(where.lastIndexOf(':') + 1)), path };
  });
}

/** The cached parse put back in place: the file's path, and its line as a message shows it from here. */
export function fromCached(cached: CachedEntry[], file: string): ParsedFile {
  const shown = displayPath(file);
  const entries: ParsedEntry[] = cached.map(({ entry, line, path }) => ({
    entry: { ...entry, file: resolve(file) },
    where: `${shown}:${line}`,
    path,
  }));
  return { entries, issues: [] };
}

let loaded: Promise<ParseCache> | undefined;

/**
 * The cache the build wrote; an empty one when there is none (before `npm run build`), or it is unreadable or
 * not JSON (a build cut short): it only saves time, so the catalog is then parsed as it would be without it.
 */
export function parseCache(): Promise<ParseCache> {
  loaded ??= readFile(join(packageRoot(), CACHE_FILE), 'utf8')
    .then((text) => JSON.parse(text) as unknown)
    .then(
      (data) => (data && typeof data === 'object' && !Array.isArray(data) ? (data as ParseCache) : {}),
      () => ({}),
    );
  return loaded;
}

/** parseCatalogFile, from the cache when it holds this very text. */
export function parseCatalogFileCached(text: string, file: string, cache: ParseCache): ParsedFile {
  const hit = cache[cacheKey(text)];
  return hit ? fromCached(hit, file) : parseCatalogFile(text, file);
}
