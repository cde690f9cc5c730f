import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listNames, removeName } from './names.js';
import type { Store } from './store.js';
import type { ImageMeta, LayerMeta } from './types.js';
import { lastUsed } from './usage.js';

// The images and layers in the store as one list, with what depends on what, for `image ls/inspect/rm/prune`.

export type Entry =
  | { kind: 'image'; id: string; size: number; lastUsed: Date; meta: ImageMeta; names: string[] }
  | { kind: 'layer'; id: string; size: number; lastUsed: Date; meta: LayerMeta };

export async function inventory(store: Store): Promise<Entry[]> {
  const names = await listNames(store);
  const images = await Promise.all(
    (await store.listImages()).map(async (meta): Promise<Entry> => ({
      kind: 'image',
      id: meta.id,
      size: meta.size,
      meta,
      lastUsed: await lastUsed(store.imageDir(meta.id), meta.created),
      names: names.filter((n) => n.image === meta.id).map((n) => n.name),
    })),
  );
  const layers = await Promise.all(
    (await store.listLayers()).map(async (meta): Promise<Entry> => ({
      kind: 'layer',
      id: meta.id,
      size: meta.size,
      meta,
      lastUsed: await lastUsed(store.layerDir(meta.id), meta.created),
    })),
  );
  return [...images, ...layers];
}

/** `id` and every layer built on it, directly or on a layer built on it. */
export function withDependents(all: Entry[], id: string): Entry[] {
  const out = all.filter((e) => e.id === id);
  for (let i = 0; i < out.length; i++) {
    const parent = out[i].id;
    for (const e of all) {
      if (e.kind === 'layer' && (e.meta.image === parent || e.meta.parent === parent) && !out.includes(e)) out.push(e);
    }
  }
  return out;
}

/**
 * Removes entries from the store. Each first disappears by one rename into a staging dir (so no reader
 * sees half a root), then is deleted; a blob goes with the last image made from it, a name with its image.
 */
export async function removeEntries(store: Store, doomed: Entry[]): Promise<void> {
  const ids = new Set(doomed.map((e) => e.id));
  const remaining = (await store.listImages()).filter((m) => !ids.has(m.id));
  for (const e of doomed) {
    const trash = await store.staging('removed');
    await rename(e.kind === 'image' ? store.imageDir(e.id) : store.layerDir(e.id), join(trash, 'entry')).catch(
      () => {},
    );
    await store.discard(trash);
    if (e.kind !== 'image') continue;
    for (const name of e.names) await removeName(store, name);
    const digest = e.meta.digest;
    if (digest && /^[0-9a-f]{64}$/.test(digest) && !remaining.some((m) => m.digest === digest))
      await rm(store.blobPath(digest), { force: true });
  }
}
