import { chown, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { treeSize } from '../util/tree.js';
import { removeTree } from './remove.js';
import type { Store } from './store.js';
import { markUsed } from './usage.js';

// Package caches (docs/images.md "Package caches"): caches/<key>/data holds one package manager's downloads
// and indexes for one distro, arch and id mapping, shared by every setup layer build of that distro. Only
// `data` is mounted into a setup cell: the last-used mark beside it is vmatrix's, out of the cell's reach.
//
// One build at a time uses a cache, by a try-lock held for the whole setup cell: a build that finds the
// cache busy builds without it rather than wait for it. Waiting would serialise a matrix's setup builds of
// one distro (two recipes, or two vmatrix processes) for the sake of a speed-up, and letting both in would
// have the second one fail, not wait: apt-get takes fcntl locks on archives/lock and lists/lock and gives up
// at once when they are held ("Could not get lock", apt-get(8)); pacman and zypper do the same with their
// own lock files. The layer is the same either way: the cache is never part of it.

/** A cache taken for one build: the dir to mount, and the release of its lock. */
export interface PackageCache {
  data: string;
  release: () => Promise<void>;
}

/**
 * Takes the cache `key` for a build, creating it owned by `owner` (the host ids of the cell's root, when
 * cells run in a user namespace: root in the cell, and apt's _apt that root hands partial/ to, must write
 * it), or undefined when another build holds it.
 */
export async function takeCache(
  store: Store,
  key: string,
  owner?: { uid: number; gid: number },
): Promise<PackageCache | undefined> {
  const release = await store.tryLock(`cache-${key}`);
  if (!release) return undefined;
  try {
    const dir = store.cacheDir(key);
    const data = join(dir, 'data');
    await mkdir(data, { recursive: true, mode: 0o755 });
    if (owner) await chown(data, owner.uid, owner.gid);
    await markUsed(dir); // for `vmatrix image prune --older-than`
    return { data, release };
  } catch (e) {
    await release();
    throw e;
  }
}

export interface PrunedCache {
  key: string;
  size: number;
  lastUsed: Date;
}

/** Caches not used for `olderThanMs` (all of them with 0), each removed under its lock; a busy one stays. */
export async function pruneCaches(
  store: Store,
  olderThanMs: number,
  now: number,
  dryRun = false,
): Promise<PrunedCache[]> {
  const removed: PrunedCache[] = [];
  for (const { key, lastUsed } of await cachesOf(store)) {
    if (now - lastUsed.getTime() <= olderThanMs) continue;
    const release = await store.tryLock(`cache-${key}`);
    if (!release) continue;
    try {
      // Sized only when it goes: a cache of .debs is thousands of files, and the ones kept are not reported.
      const size = await treeSize(store.cacheDir(key));
      if (!dryRun) await removeTree(store.cacheDir(key));
      removed.push({ key, size, lastUsed });
    } finally {
      await release();
    }
  }
  return removed;
}

/** Every cache, with when a build last took it. */
async function cachesOf(store: Store): Promise<Array<{ key: string; lastUsed: Date }>> {
  const parent = join(store.root, 'caches'); // store.cacheDir(key)'s parent
  const out: Array<{ key: string; lastUsed: Date }> = [];
  for (const key of await readdir(parent).catch(() => [] as string[])) {
    const dir = join(parent, key);
    const st = await stat(join(dir, 'last-used')).catch(() => stat(dir).catch(() => undefined));
    if (st) out.push({ key, lastUsed: st.mtime });
  }
  return out;
}
