import { constants } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { eachLimited } from '../util/pool.js';
import { copyAsBlob, gitBlobId } from './content.js';
import { CONCURRENCY, SYMLINK, type Entry } from './entries.js';
import { readPairs, writePairs } from './pairs-file.js';
import { ProjectChanged, type ProjectFs } from './project-fs.js';
import { sameStamp, stampOf, type Stamp } from './stamp.js';

// Writing a snapshot's tree, a few files at a time. A file that the project's previous snapshot has with the
// same content and mode is hard-linked from it: a committed snapshot is never written again, so sharing its
// inodes costs nothing, and a one-line edit of a 200,000-file project copies one file. Every other file is
// copied from the project and checked to be the content its entry names, since it may have changed since it
// was listed: a file git vouches for must still have the stamp of its index entry once copied, one hashed
// here is hashed again as it is copied, a symlink's target must hash to its blob id. Nothing is ever written
// through a symlink: every name is new in a tree that has no symlinked directory (entries.ts, entriesOf).

const MANIFEST_FORMAT = 'vmatrix-source-manifest 1';
export const MANIFEST = 'manifest';

/** A committed snapshot's files, to link from: path → "mode cid", and its tree. */
export interface Previous {
  tree: string;
  files: Map<string, string>;
}

export async function materialise(fs: ProjectFs, entries: Entry[], tree: string, previous?: Previous): Promise<void> {
  const dirs = new Map<string, Promise<unknown>>();
  const parentOf = (path: string) => {
    const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    if (!dirs.has(dir)) dirs.set(dir, mkdir(join(tree, dir), { recursive: true }));
    return dirs.get(dir);
  };
  await eachLimited(entries, CONCURRENCY, async (e) => {
    await parentOf(e.path);
    const dest = join(tree, e.path);
    if (
      previous?.files.get(e.path) === `${e.mode.toString(8)} ${e.cid}` &&
      (await link(join(previous.tree, e.path), dest).then(
        () => true,
        () => false,
      ))
    )
      return;
    if (e.mode === SYMLINK) await copySymlink(fs, e, dest);
    else if (!e.stamp || !(await copyVouched(fs, e, e.stamp, dest))) await copyHashed(fs, e, dest);
  });
}

async function copySymlink(fs: ProjectFs, e: Entry, dest: string): Promise<void> {
  const target = await fs.readlink(e.path);
  if (!target || !targetMatches(target, e.cid)) throw new ProjectChanged(e.path);
  await symlink(target, dest);
}

function targetMatches(target: Buffer, cid: string): boolean {
  const blob = blobOf(cid);
  return gitBlobId(target, blob.length / 2) === blob;
}

/** The blob id in a content id, "g<blob id>:<size>". */
const blobOf = (cid: string) => cid.slice(1, cid.indexOf(':'));

/**
 * A file git vouches for: copied (a reflink where the filesystem has them) while it has its index entry's
 * stamp. False, with nothing left at `dest`, when its stamp is not the entry's: a file touched, or rewritten
 * with the same bytes, since git last wrote its index is unchanged to `git status --no-optional-locks`, which
 * compares its content and does not refresh the entry, so it is copied and hashed instead (copyHashed checks
 * it against the entry's blob id), not taken for a file that changes while it is read.
 */
async function copyVouched(fs: ProjectFs, e: Entry, stamp: Stamp, dest: string): Promise<boolean> {
  const file = await fs.open(e.path);
  if (!file) throw new ProjectChanged(e.path);
  let mode: bigint;
  try {
    // By the descriptor: the path could have been swapped for a symlink since fs.open checked it.
    await copyFile(`/proc/self/fd/${file.fd}`, dest, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
    // Any write since git hashed the file, the copy's time included, left a later mtime (the entry is not racy).
    const st = await file.stat({ bigint: true });
    if (!sameStamp(stamp, stampOf(st))) {
      await rm(dest, { force: true });
      return false;
    }
    mode = st.mode;
  } finally {
    await file.close();
  }
  // The copy has the project file's permissions (set-id bits included); the snapshot has git's.
  if (Number(mode & 0o7777n) !== (e.mode & 0o777)) await chmod(dest, e.mode & 0o777);
  return true;
}

async function copyHashed(fs: ProjectFs, e: Entry, dest: string): Promise<void> {
  const file = await fs.open(e.path);
  if (!file) throw new ProjectChanged(e.path);
  try {
    const blob = blobOf(e.cid);
    if ((await copyAsBlob(file, dest, e.size, blob.length / 2)) !== blob) throw new ProjectChanged(e.path);
  } finally {
    await file.close();
  }
  await chmod(dest, e.mode & 0o777);
}

/** Writes the list of a snapshot's files beside its tree, for the next snapshot of the project to link from. */
export async function writeManifest(path: string, entries: Entry[], owner: string): Promise<void> {
  const out = await open(path, 'wx', 0o600);
  try {
    await writePairs(
      out,
      { format: MANIFEST_FORMAT, owner },
      entries.length,
      entries.map((e) => [e.path, `${e.mode.toString(8)} ${e.cid}`] as const),
    );
  } finally {
    await out.close();
  }
}

/** The files of the snapshot in `dir`, if its manifest is whole and its files have `owner`; else undefined. */
export async function readManifest(dir: string, owner: string): Promise<Previous | undefined> {
  const files = new Map<string, string>();
  const head = await readPairs(join(dir, MANIFEST), MANIFEST_FORMAT, (path, file) => files.set(path, file));
  return head?.owner === owner ? { tree: join(dir, 'tree'), files } : undefined;
}
