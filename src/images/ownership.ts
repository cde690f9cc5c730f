import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { writeFileAtomic } from '../util/fs.js';
import { applyShift, planShift, type IdBase, type ShiftPlan } from '../util/idshift.js';
import type { ImageRef } from './ensure.js';

// An image is built with the ids its archive names (root is 0). Cells with a user namespace need its files
// owned by the host range their root maps to, so before such a cell uses the image, the image is shifted to
// that range in place, once: a host keeps one range, so an image is shifted once in its life. `ids.json`
// records the range the files are in now. `shift.json`, written before the walk, holds the shift and what
// chown clears (set-id bits, file capabilities) and the ACLs to rewrite: a shift killed half-way is finished
// from it by the next run, since the half-shifted tree no longer shows them.

const FILE = 'ids.json';
const JOURNAL = 'shift.json';
const IDENTITY: IdBase = { uid: 0, gid: 0 };

export async function imageIds(store: Store, id: string): Promise<IdBase> {
  const text = await readFile(join(store.imageDir(id), FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return IDENTITY;
  const { uid, gid } = JSON.parse(text) as IdBase;
  return { uid, gid };
}

/** Makes the image's files owned by the range that starts at `to` (identity when undefined). */
export async function ownImageBy(
  store: Store,
  image: ImageRef,
  to: IdBase | undefined,
  size: number,
  onShift?: () => void,
): Promise<void> {
  const target = to ?? IDENTITY;
  const same = (a: IdBase) => a.uid === target.uid && a.gid === target.gid;
  if (same(await imageIds(store, image.id))) return;
  await store.withLock(`image-${image.id}`, async () => {
    const journal = join(store.imageDir(image.id), JOURNAL);
    const pending = await readFile(journal, 'utf8').then(
      (t) => JSON.parse(t) as ShiftPlan,
      () => undefined,
    );
    if (pending) await shiftWith(store, image, pending, journal); // an interrupted shift, finished first
    const from = await imageIds(store, image.id);
    if (same(from)) return;
    onShift?.();
    const plan = await planShift(image.rootfs, from, target, size);
    await writeFileAtomic(journal, `${JSON.stringify(plan)}\n`);
    await shiftWith(store, image, plan, journal);
  });
}

async function shiftWith(store: Store, image: ImageRef, plan: ShiftPlan, journal: string): Promise<void> {
  await applyShift(image.rootfs, plan);
  await writeFileAtomic(join(store.imageDir(image.id), FILE), `${JSON.stringify(plan.to)}\n`);
  await rm(journal, { force: true });
}
