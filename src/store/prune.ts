import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inventory, removeEntries, withDependents, type Entry } from './inventory.js';
import { removeTree } from './remove.js';
import type { Store } from './store.js';
import { idsInUse } from './usage.js';
import { pruneCaches, type PrunedCache } from './caches.js';

// `vmatrix image prune`: images, layers and package caches not used for a while, then images and layers least
// recently used first until the store fits a size budget. Never one a live run uses (nor a cache a build holds);
// a layer goes with the image it was built on.

export interface PruneOptions {
  olderThanMs?: number;
  maxBytes?: number;
  dryRun?: boolean;
  now?: Date;
}

export interface PruneResult {
  removed: Entry[];
  freedBytes: number;
  keptBytes: number;
  skippedInUse: string[];
  /** Runs whose kept cells (`vmatrix test --keep`) were removed: those older than --older-than. */
  keptRuns: string[];
  /** Package caches (caches.ts) not used for --older-than; their sizes are in freedBytes. */
  caches: PrunedCache[];
}

export async function pruneStore(store: Store, o: PruneOptions): Promise<PruneResult> {
  const all = await inventory(store);
  const { ids } = await idsInUse(store.cellsDir());
  const removed = planPrune(all, ids, o);
  if (!o.dryRun) await removeEntries(store, removed);
  const now = (o.now ?? new Date()).getTime();
  const keptRuns = o.olderThanMs === undefined ? [] : await pruneKept(store, o.olderThanMs, now, o.dryRun);
  // A cache is only downloads: it goes by age like the rest, and any build fills it again.
  const caches = o.olderThanMs === undefined ? [] : await pruneCaches(store, o.olderThanMs, now, o.dryRun);
  const freedBytes = sum(removed) + caches.reduce((n, c) => n + c.size, 0);
  return {
    removed,
    caches,
    freedBytes,
    keptBytes: sum(all) - sum(removed),
    skippedInUse: all.filter((e) => ids.has(e.id)).map((e) => e.id),
    keptRuns,
  };
}

/** What to remove, layers before the images they sit on. Pure: the tests call it with made-up entries. */
export function planPrune(all: Entry[], inUse: Set<string>, o: PruneOptions): Entry[] {
  const busy = withAncestors(all, inUse);
  const doomed = new Set<Entry>();
  const drop = (e: Entry): void => {
    const group = withDependents(all, e.id);
    if (!group.some((g) => busy.has(g.id))) for (const g of group) doomed.add(g);
  };
  const lru = [...all].sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime());
  const now = (o.now ?? new Date()).getTime();
  if (o.olderThanMs !== undefined) for (const e of lru) if (now - e.lastUsed.getTime() > o.olderThanMs) drop(e);
  if (o.maxBytes !== undefined) {
    for (const e of lru) {
      if (sum(all.filter((x) => !doomed.has(x))) <= o.maxBytes) break;
      if (!doomed.has(e)) drop(e);
    }
  }
  return [...doomed].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'layer' ? -1 : 1));
}

/** A layer in use keeps its image and the layers under it. */
function withAncestors(all: Entry[], ids: Set<string>): Set<string> {
  const out = new Set(ids);
  for (let grew = true; grew;) {
    grew = false;
    for (const e of all) {
      if (e.kind !== 'layer' || !out.has(e.id)) continue;
      for (const up of [e.meta.image, e.meta.parent])
        if (up && !out.has(up)) {
          out.add(up);
          grew = true;
        }
    }
  }
  return out;
}

function sum(entries: Entry[]): number {
  return entries.reduce((n, e) => n + e.size, 0);
}

/** kept/<run> dirs last changed more than `olderThanMs` ago. */
async function pruneKept(store: Store, olderThanMs: number, now: number, dryRun = false): Promise<string[]> {
  const root = store.keptRoot();
  const runs = await readdir(root).catch(() => [] as string[]);
  const old: string[] = [];
  for (const run of runs) {
    const st = await stat(join(root, run)).catch(() => undefined);
    if (st && now - st.mtimeMs > olderThanMs) old.push(run);
  }
  if (!dryRun) for (const run of old) await removeTree(join(root, run));
  return old;
}
