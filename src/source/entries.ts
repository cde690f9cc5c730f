import { join } from 'node:path';
import type { IdBase } from '../util/idshift.js';
import { shortId } from '../util/hash.js';
import { eachLimited } from '../util/pool.js';
import { blobIdOf, gitBlobId } from './content.js';
import type { GitIndex } from './git-index.js';
import { ProjectGit } from './git.js';
import { KeyHash, recordsDigest } from './key.js';
import { ProjectChanged, validPath, type ProjectFs } from './project-fs.js';
import { sameStamp, stampOf, type Stamp } from './stamp.js';
import type { StatCache } from './stat-cache.js';
import { viewWorktree } from './worktree.js';

// The files of a snapshot and what their content is, found without reading what git vouches for: a tracked
// file that git's index says is unchanged is named by its blob id and size; every other file is hashed here
// (as a git blob: the same file gets the same name either way), or named by the id the stat cache kept for
// it. The snapshot's id is the hash of that list: each repository's tracked files in index order, then the
// others by path.

export const SYMLINK = 0o120000;
/** Files read at once: enough to keep the disk busy, few enough for any `ulimit -n`. */
export const CONCURRENCY = 16;
/** Changed when what a key is made of changes, so that no snapshot made under other rules is ever reused. */
const KEY_FORMAT = 'vmatrix-source 2';

/** A file of the snapshot, as materialise.ts writes it. */
export interface Entry {
  /** Relative to the project, "/"-separated. */
  path: string;
  /** 0o100644, 0o100755 or 0o120000, as git records them. */
  mode: number;
  /**
   * The content, "g<blob id>:<size>" (32 bits of it, as git's index has it): the blob git's index names (git
   * vouches for the file), or the blob of the bytes hashed here (the target, for a symlink).
   */
  cid: string;
  size: number;
  /** For a file git vouches for: the stamp it must still have when copied. */
  stamp?: Stamp;
}

/** The project's files: each repository's tracked files (the project's, then submodules'), and the others. */
export interface Listing {
  /** A repository's tracked files, `digest` their records; those git vouches for are named by its index. */
  repos: { index: GitIndex; vouched: number[]; digest: string; strip: number; dir: string }[];
  /**
   * The files looked at here; `tracked` for one that stands for a tracked file (its record is in its repository's
   * digest).
   */
  hashed: (Entry & { tracked?: boolean })[];
}

/** Lists the project at `fs.root`, submodules' files included; `dir` is a repository's place in it. */
export async function listProject(
  fs: ProjectFs,
  cache: StatCache,
  dir = '',
  listing: Listing = { repos: [], hashed: [] },
): Promise<Listing> {
  const git = await ProjectGit.open(dir ? join(fs.root, dir) : fs.root);
  const view = await viewWorktree(git);
  const prefix = dir ? `${dir}/` : '';
  if (view.others.length) await cache.begin();
  const found = new Map<string, Entry | undefined>();
  await eachLimited(view.others, CONCURRENCY, async (path) => {
    found.set(path, await describe(fs, cache, prefix + path, git.hashBytes));
  });
  const { index, strip } = view;
  if (index) {
    // The tracked files git did not vouch for, as found: the digest made from the index alone stands when
    // each is there as the index names it (a file racily clean in git's eyes, say).
    const instead = new Map([...view.unvouched].map((i) => [i, found.get(index.path(i, strip))] as const));
    const asIndexed = [...instead].every(([i, e]) => e?.mode === index.mode(i) && e.cid === index.cid(i));
    const digest = asIndexed ? view.digest : recordsDigest(index, view.tracked, strip, instead);
    listing.repos.push({
      index,
      vouched: instead.size ? view.tracked.filter((i) => !instead.has(i)) : view.tracked,
      digest,
      strip,
      dir,
    });
    for (const [i, e] of instead) {
      found.delete(index.path(i, strip));
      if (e) listing.hashed.push({ ...e, tracked: true });
    }
  }
  for (const e of found.values()) if (e) listing.hashed.push(e);
  for (const sub of view.submodules) {
    // A submodule that is checked out is a repository of its own; one that is not has no files to copy.
    if (await fs.lstat(`${prefix}${sub}/.git`)) await listProject(fs, cache, prefix + sub, listing);
  }
  return listing;
}

/** A file git does not vouch for, as it is now: undefined when it is gone, or is not a file or a symlink. */
async function describe(fs: ProjectFs, cache: StatCache, path: string, hashBytes: number): Promise<Entry | undefined> {
  const st = await fs.lstat(path);
  if (st?.isSymbolicLink()) {
    const target = await fs.readlink(path);
    return target && { path, mode: SYMLINK, cid: `g${gitBlobId(target, hashBytes)}:${target.length}`, size: 0 };
  }
  if (!st?.isFile()) return undefined;
  const mode = st.mode & 0o100n ? 0o100755 : 0o100644;
  const stamp = stampOf(st);
  const size = Number(st.size);
  const id = cache.lookup(path, mode, stamp) ?? (await hashUnchanged(fs, path, stamp, size, hashBytes));
  cache.record(path, { mode, stamp, id });
  return { path, mode, cid: `g${id}:${stamp.size}`, size };
}

/** The file's blob id, provided it kept `stamp` from before it was opened until it was read. */
async function hashUnchanged(
  fs: ProjectFs,
  path: string,
  stamp: Stamp,
  size: number,
  hashBytes: number,
): Promise<string> {
  const file = await fs.open(path);
  if (!file) throw new ProjectChanged(path);
  try {
    const id = await blobIdOf(file, size, hashBytes);
    if (!id || !sameStamp(stamp, stampOf(await file.stat({ bigint: true })))) throw new ProjectChanged(path);
    return id;
  } finally {
    await file.close();
  }
}

/** The snapshot's id: its files and the owner they are given. */
export function snapshotKey(listing: Listing, owner?: IdBase): string {
  const key = new KeyHash();
  key.marker(KEY_FORMAT);
  // A repository's files by the digest of their records, paths relative to it: the marker names where it is.
  for (const { digest, dir } of listing.repos) key.marker(`git ${dir} ${digest}`);
  key.marker('files');
  const loose = listing.hashed
    .filter((e) => !e.tracked)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of loose) key.record(e.path, e.mode, e.cid);
  if (owner && (owner.uid !== 0 || owner.gid !== 0)) key.marker(`owner ${owner.uid}:${owner.gid}`);
  return shortId(key.digest());
}

/** How many files, and bytes in them. */
export function countFiles(listing: Listing): { files: number; bytes: number } {
  let files = listing.hashed.length;
  let bytes = listing.hashed.reduce((n, e) => n + e.size, 0);
  for (const { index, vouched } of listing.repos) {
    files += vouched.length;
    for (const i of vouched) bytes += index.size(i);
  }
  return { files, bytes };
}

/**
 * Every file, decoded, for writing a snapshot. Left out: a name no snapshot may hold (see validPath), a name
 * listed twice, and a name below another file's or symlink's (a crafted index can hold all of these): the
 * tree is written without ever following a symlink, and a directory of it is never one.
 */
export function entriesOf(listing: Listing): Entry[] {
  const entries: Entry[] = [];
  for (const { index, vouched, strip, dir } of listing.repos) {
    for (const i of vouched) {
      const path = (dir ? `${dir}/` : '') + index.path(i, strip);
      entries.push({ path, mode: index.mode(i), cid: index.cid(i), size: index.size(i), stamp: index.stamp(i) });
    }
  }
  for (const e of listing.hashed) entries.push(e);
  const files = new Set<string>();
  return entries
    .filter((e) => {
      if (!validPath(e.path) || files.has(e.path)) return false;
      files.add(e.path);
      return true;
    })
    .filter((e) => !ancestors(e.path).some((dir) => files.has(dir)));
}

function ancestors(path: string): string[] {
  const dirs: string[] = [];
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) dirs.push(path.slice(0, slash));
  return dirs;
}
