import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readFile, readlink, symlink, chmod, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { usageError, envError } from '../util/errors.js';
import { exists } from '../util/fs.js';
import { chownTree, type IdBase } from '../util/idshift.js';
import { shortId } from '../util/hash.js';
import type { Store } from '../store/index.js';

// A project snapshot is what every cell sees at /src: exactly the files git would show (tracked, plus
// untracked-but-not-ignored, with uncommitted edits), copied once per distinct content into the store
// and shared read-only by all cells, each with its own copy-on-write layer on top.

export interface SourceSnapshot {
  id: string;
  dir: string;
  files: number;
  bytes: number;
  reused: boolean;
}

interface Entry { path: string; mode: number; size: number; link?: string; hash: string }

/** Lists the files git considers part of the working tree of `projectDir` (relative to it). */
export async function listProjectFiles(projectDir: string): Promise<string[]> {
  const git = simpleGit(projectDir);
  const inside = await git.checkIsRepo().catch((e: unknown) => {
    throw envError('GIT_FAILED', `could not run git in ${projectDir}`, { cause: e, hint: 'install git: apt-get install git' });
  });
  if (!inside) {
    throw usageError('NOT_A_GIT_REPO', `${projectDir} is not inside a git repository`, {
      hint: 'vmatrix copies the files git tracks into each cell: run `git init && git add -A` first',
    });
  }
  const out = await git.raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.']);
  const files = new Set(out.split('\0').filter(Boolean));
  // A submodule is one entry (a commit id) to this repository: when it is checked out, its own files
  // are listed the same way, under its path.
  const stage = await git.raw(['ls-files', '-z', '--stage', '--', '.']);
  for (const line of stage.split('\0')) {
    if (!line.startsWith('160000 ')) continue;
    const sub = line.slice(line.indexOf('\t') + 1);
    files.delete(sub);
    if (!(await exists(join(projectDir, sub, '.git')))) continue;
    for (const f of await listProjectFiles(join(projectDir, sub))) files.add(`${sub}/${f}`);
  }
  return [...files].sort();
}

async function describe(projectDir: string, path: string): Promise<Entry | undefined> {
  const full = join(projectDir, path);
  const st = await lstat(full).catch(() => undefined);
  if (!st) return undefined; // tracked but deleted in the working tree: the cell sees it deleted too
  if (st.isSymbolicLink()) {
    const link = await readlink(full);
    return { path, mode: 0o777, size: 0, link, hash: createHash('sha256').update(link).digest('hex') };
  }
  if (!st.isFile()) return undefined; // a submodule checkout shows as a directory; submodules come later
  const hash = createHash('sha256').update(await readFile(full)).digest('hex');
  return { path, mode: st.mode & 0o7777, size: st.size, hash };
}

async function materialise(projectDir: string, entries: Entry[], dest: string): Promise<void> {
  for (const e of entries) {
    const target = join(dest, e.path);
    await mkdir(dirname(target), { recursive: true });
    if (e.link !== undefined) {
      await symlink(e.link, target);
    } else {
      // A reflink where the filesystem has them, a copy elsewhere; never a hard link, which would let an
      // in-place edit of the checkout change a snapshot that cells are using.
      await copyFile(join(projectDir, e.path), target, constants.COPYFILE_FICLONE);
      await chmod(target, e.mode);
    }
  }
}

/** Snapshots the project into the store, keyed by content: an unchanged tree is reused at no copy cost. */
export interface SnapshotOptions {
  /** Host ids to own every file (a user namespace's root); default: vmatrix's own. Part of the key. */
  owner?: IdBase;
}

export async function snapshotProject(store: Store, projectDir: string, options: SnapshotOptions = {}): Promise<SourceSnapshot> {
  const paths = await listProjectFiles(projectDir);
  const entries = (await Promise.all(paths.map((p) => describe(projectDir, p)))).filter((e): e is Entry => !!e);
  const key = createHash('sha256');
  for (const e of entries) key.update(`${e.path}\0${e.mode}\0${e.link ?? ''}\0${e.hash}\n`);
  const { owner } = options;
  if (owner && (owner.uid !== 0 || owner.gid !== 0)) key.update(`owner ${owner.uid}:${owner.gid}\n`);
  const id = shortId(key.digest('hex'));
  const dir = store.sourceDir(id);
  const bytes = entries.reduce((n, e) => n + e.size, 0);
  if (await exists(dir)) return { id, dir, files: entries.length, bytes, reused: true };
  return store.withLock(`source-${id}`, async () => {
    if (await exists(dir)) return { id, dir, files: entries.length, bytes, reused: true };
    await store.inStaging('source', async (staging) => {
      await materialise(projectDir, entries, join(staging, 'tree'));
      await mkdir(join(staging, 'tree'), { recursive: true }); // an empty project still gets a /src
      if (owner) await chownTree(join(staging, 'tree'), owner);
      await writeFile(join(staging, 'source.json'), JSON.stringify({ id, project: projectDir, files: entries.length, bytes, created: new Date().toISOString() }, null, 2));
      await store.commitDir(staging, dir);
    });
    return { id, dir, files: entries.length, bytes, reused: false };
  });
}

/** The directory a cell mounts: the tree inside a snapshot. */
export function snapshotTree(snapshot: SourceSnapshot): string {
  return join(snapshot.dir, 'tree');
}
