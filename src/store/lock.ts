import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, ownRecord, parseOwner, type Owner } from './owner.js';

// A cross-process exclusive lock that is a file holding its owner's record. It is created with link(2),
// which fails if the name exists and, unlike an O_EXCL create followed by a write, never exposes an empty
// file. A lock whose owner is dead (SIGKILL, power loss) is taken over. Re-entering the same lock from
// the process that holds it waits forever: callers take a lock once per build.

const MAX_DELAY_MS = 500;

export interface LockOptions {
  /** Called once when the lock is busy and we start waiting for its live holder. */
  onWait?: (holder: Owner) => void;
}

export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const mine = await acquire(path, options);
  try {
    return await fn();
  } finally {
    await release(path, mine);
  }
}

async function acquire(path: string, options: LockOptions): Promise<string> {
  const mine = JSON.stringify(await ownRecord());
  let delay = 10;
  let told = false;
  for (;;) {
    if (await createWith(path, mine)) return mine;
    const raw = await readOrUndefined(path);
    if (raw === undefined) continue; // released between our attempt and the read: try again at once
    const holder = parseOwner(raw);
    if (!(await isAlive(holder))) {
      await removeIfUnchanged(path, raw);
      continue;
    }
    if (!told) options.onWait?.(holder!);
    told = true;
    await sleep(delay);
    delay = Math.min(delay * 1.5, MAX_DELAY_MS);
  }
}

async function release(path: string, mine: string): Promise<void> {
  // Only remove what is still ours: never someone else's lock.
  if ((await readOrUndefined(path)) === mine) await unlink(path).catch(() => {});
}

/** Creates `path` holding `content` if it does not exist yet; false if it does. */
export async function createWith(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, content, { flag: 'wx' });
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/**
 * Removes a stale lock, provided it still holds the record `staleRaw` we judged dead. Two waiters may
 * judge the same record dead; the takeover guard makes "check, then unlink" one step, so the slower one
 * can never unlink the lock the faster one has just created.
 */
export async function removeIfUnchanged(path: string, staleRaw: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  const mine = JSON.stringify(await ownRecord());
  if (!(await createWith(guard, mine))) {
    const raw = await readOrUndefined(guard);
    // A guard is held for microseconds; one left by a dead process would block takeovers forever.
    if (raw !== undefined && !(await isAlive(parseOwner(raw)))) await unlinkIfEquals(guard, raw);
    else await sleep(5);
    return false;
  }
  try {
    return await unlinkIfEquals(path, staleRaw);
  } finally {
    await unlink(guard).catch(() => {});
  }
}

async function unlinkIfEquals(path: string, raw: string): Promise<boolean> {
  if ((await readOrUndefined(path)) !== raw) return false;
  await unlink(path).catch(() => {});
  return true;
}

export async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Takes the lock at `path` if nobody alive holds it (a dead holder's is taken over), without waiting:
 * the function that releases it, or undefined when it is busy (also when this very process holds it).
 */
export async function tryFileLock(path: string): Promise<(() => Promise<void>) | undefined> {
  const mine = JSON.stringify(await ownRecord());
  for (;;) {
    if (await createWith(path, mine)) return () => release(path, mine);
    const raw = await readOrUndefined(path);
    if (raw === undefined) continue;
    if (await isAlive(parseOwner(raw))) return undefined;
    await removeIfUnchanged(path, raw);
  }
}
