import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readOrUndefined, removeIfUnchanged } from './lock.js';
import { isAlive, parseOwner } from './owner.js';
import { removeUnlessMounted } from './remove.js';

// What a killed vmatrix leaves behind: staging dirs in tmp/ and lock files in locks/. Each names its owner,
// so anything whose owner is dead is garbage. Live owners' entries are never touched.

export const OWNER_SUFFIX = '.owner';

/** An entry of tmp/ without an owner file is only removed after this long (it cannot be a fresh one). */
const ORPHAN_AGE_MS = 10 * 60_000;

/** Partial downloads (images/blob.ts) have no owner on purpose: a later process resumes them. A week is plenty. */
export const PARTIAL_PREFIX = 'partial-';
const PARTIAL_AGE_MS = 7 * 24 * 3_600_000;

/** writeFileAtomic's temp file (`<name>.tmp-<pid>-<ms>`): its writer died between writing and renaming it. */
const ATOMIC_TEMP = /\.tmp-(\d+)-\d+$/;

export async function sweepTmp(tmp: string): Promise<string[]> {
  const names = new Set(await readdir(tmp).catch(() => [] as string[]));
  const removed: string[] = [];
  for (const name of names) {
    const path = join(tmp, name);
    if (name.endsWith(OWNER_SUFFIX)) {
      const raw = await readOrUndefined(path);
      if (raw === undefined || (await isAlive(parseOwner(raw)))) continue;
      const dir = path.slice(0, -OWNER_SUFFIX.length);
      // The dir first: if we die in between, the owner file still marks it as garbage for the next sweep.
      if (names.has(name.slice(0, -OWNER_SUFFIX.length))) {
        if (!(await removeUnlessMounted(dir))) continue;
        removed.push(dir);
      }
      await unlink(path).catch(() => {});
    } else if (names.has(name + OWNER_SUFFIX)) {
      continue;
    } else if (ATOMIC_TEMP.test(name)) {
      // Its writer's pid, once dead, makes it garbage at once; a pid in use again only after ORPHAN_AGE_MS.
      const writer = { pid: Number(ATOMIC_TEMP.exec(name)![1]), nonce: '', created: '' };
      if ((!(await isAlive(writer)) || (await olderThan(path, ORPHAN_AGE_MS))) && (await removeUnlessMounted(path)))
        removed.push(path);
    } else if (
      (await olderThan(path, name.startsWith(PARTIAL_PREFIX) ? PARTIAL_AGE_MS : ORPHAN_AGE_MS)) &&
      (await removeUnlessMounted(path))
    ) {
      removed.push(path);
    }
  }
  return removed;
}

export async function sweepLocks(locks: string): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(locks).catch(() => [] as string[]);
  // Leftover guards and temp files first: a dead guard would make the lock's own removal wait a round.
  const ordered = [...names.filter((n) => !n.endsWith('.lock')), ...names.filter((n) => n.endsWith('.lock'))];
  for (const name of ordered) {
    const path = join(locks, name);
    const raw = await readOrUndefined(path);
    if (raw === undefined) continue;
    const owner = parseOwner(raw);
    if (await isAlive(owner)) continue;
    // Lock files go through the takeover guard, so that a sweep never removes a lock just re-created.
    const gone = name.endsWith('.lock')
      ? await removeIfUnchanged(path, raw)
      : await unlink(path).then(
          () => true,
          () => false,
        );
    if (gone) removed.push(path);
  }
  return removed;
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const st = await lstat(path).catch(() => undefined);
  return !!st && Date.now() - st.mtimeMs > ms;
}
