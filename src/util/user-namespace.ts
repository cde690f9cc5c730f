import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

// Whether this process runs in a user namespace other than the host's, read from /proc/self/uid_map and
// gid_map, never from the environment (SAFETY 40): a variable cannot make root's cells map to a namespace's ids. A
// rootless vmatrix runs its commands in one (vps/rootless.ts); code that does what only the host's root
// may (device nodes) asks here.

/** Ids of a cell's user namespace: 0..SIZE-1, which covers nobody (65534) and every id package managers create. */
export const IDMAP_SIZE = 65536;

/** How a user namespace maps its ids: 'subids' when 0..IDMAP_SIZE are all mapped, 'single' otherwise. */
export type RootlessMode = 'subids' | 'single';

export interface IdMapLine {
  inside: number;
  outside: number;
  count: number;
}

export function parseIdMap(text: string): IdMapLine[] {
  const lines: IdMapLine[] = [];
  for (const l of text.split('\n')) {
    const [inside, outside, count] = l.trim().split(/\s+/).map(Number);
    if ([inside, outside, count].every((n) => Number.isSafeInteger(n))) lines.push({ inside, outside, count });
  }
  return lines;
}

/** The host's user namespace maps every id to itself: 0 0 4294967295. */
export function isInitialMap(map: IdMapLine[]): boolean {
  return map.length === 1 && map[0].inside === 0 && map[0].outside === 0 && map[0].count === 4294967295;
}

/** Whether ids 0..last are all mapped. */
export function coversIds(map: IdMapLine[], last: number): boolean {
  let next = 0;
  for (const l of [...map].sort((a, b) => a.inside - b.inside)) {
    if (l.inside > next) break;
    next = Math.max(next, l.inside + l.count);
  }
  return next > last;
}

/** How this process's user namespace maps ids; undefined in the host's. `proc` is /proc/self in tests' shape. */
export async function namespaceMode(proc = '/proc/self'): Promise<RootlessMode | undefined> {
  const [uid, gid] = await Promise.all(
    ['uid_map', 'gid_map'].map((f) => readFile(join(proc, f), 'utf8').then(parseIdMap, () => [] as IdMapLine[])),
  );
  if (uid.length === 0 || isInitialMap(uid)) return undefined;
  return coversIds(uid, IDMAP_SIZE) && coversIds(gid, IDMAP_SIZE) ? 'subids' : 'single';
}

let mode: Promise<RootlessMode | undefined> | undefined;

/** namespaceMode() of this process, read once. */
export function rootlessMode(): Promise<RootlessMode | undefined> {
  mode ??= namespaceMode();
  return mode;
}
