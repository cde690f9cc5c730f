import { envError, usageError } from '../util/errors.js';
import { inventory, removeEntries, withDependents, type Entry } from './inventory.js';
import type { Store } from './store.js';
import { idsInUse } from './usage.js';

// `vmatrix image inspect` and `image rm`: an image is named by its id (or a unique prefix of it), by the
// name it was imported under, or by its distro (every image of that distro).

export function select(all: Entry[], target: string): Entry[] {
  const exact = all.filter((e) => e.id === target);
  if (exact.length) return exact;
  const named = all.filter((e) => e.kind === 'image' && (e.names.includes(target) || e.meta.distro === target));
  if (named.length) return named;
  const prefixed = target.length >= 4 ? all.filter((e) => e.id.startsWith(target)) : [];
  if (prefixed.length > 1)
    throw usageError('AMBIGUOUS_ID', `"${target}" is the start of ${prefixed.length} ids`, {
      hint: 'give more of the id',
    });
  return prefixed;
}

function selectOrThrow(all: Entry[], target: string): Entry[] {
  const found = select(all, target);
  if (found.length === 0)
    throw usageError('NO_SUCH_IMAGE', `no image or layer "${target}" in the store`, { hint: 'see `vmatrix image ls`' });
  return found;
}

export interface Inspected {
  entry: Entry;
  layers: Entry[];
}

export async function inspectImages(store: Store, target: string): Promise<Inspected[]> {
  const all = await inventory(store);
  return selectOrThrow(all, target).map((entry) => ({
    entry,
    layers: withDependents(all, entry.id).filter((e) => e !== entry),
  }));
}

/** Removes what the targets name and the layers built on it; refuses, removing nothing, if a live run uses any. */
export async function removeImages(store: Store, targets: string[]): Promise<Entry[]> {
  const all = await inventory(store);
  const doomed = new Set<Entry>();
  for (const t of targets)
    for (const e of selectOrThrow(all, t)) for (const d of withDependents(all, e.id)) doomed.add(d);
  const { ids } = await idsInUse(store.cellsDir());
  const busy = [...doomed].filter((e) => ids.has(e.id));
  if (busy.length) {
    throw envError('IMAGE_IN_USE', `${busy[0].kind} ${busy[0].id} is used by a running vmatrix`, {
      hint: 'wait for that run to end, then try again',
    });
  }
  const ordered = [...doomed].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'layer' ? -1 : 1));
  await removeEntries(store, ordered);
  return ordered;
}
