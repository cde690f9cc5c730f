import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { envError } from '../util/errors.js';
import { exists } from '../util/fs.js';
import { chownTree, type IdBase } from '../util/idshift.js';
import { countFiles, entriesOf, listProject, snapshotKey, type Listing } from './entries.js';
import { MANIFEST, materialise, readManifest, writeManifest, type Previous } from './materialise.js';
import { ProjectChanged, ProjectFs } from './project-fs.js';
import { StatCache } from './stat-cache.js';

// A project snapshot is what every cell sees at /src: exactly the files git would show (tracked, plus
// untracked-but-not-ignored, with uncommitted edits), copied once per distinct content into the store's
// sources/<id>/tree and shared read-only by all cells, each with its own copy-on-write layer on top. The
// id is a hash of the files' paths, modes and contents, found without reading the files git vouches for
// (entries.ts), so an unchanged project costs about what `git status` does; a changed one is written anew,
// unchanged files linked from the project's previous snapshot (materialise.ts). A file that changes while
// it is read makes the snapshot start again, a few times at most.

export interface SourceSnapshot {
  id: string;
  dir: string;
  files: number;
  bytes: number;
  reused: boolean;
}

export interface SnapshotOptions {
  /** Host ids to own every file (a user namespace's root); default: vmatrix's own. Part of the key. */
  owner?: IdBase;
}

const TRIES = 3;

/** Snapshots the project into the store, keyed by content: an unchanged tree is reused at no copy cost. */
export async function snapshotProject(
  store: Store,
  projectDir: string,
  options: SnapshotOptions = {},
): Promise<SourceSnapshot> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await snapshotOnce(store, projectDir, options.owner);
    } catch (e) {
      if (!(e instanceof ProjectChanged)) throw e;
      if (attempt === TRIES) {
        throw envError(
          'PROJECT_CHANGING',
          `${e.path} in ${projectDir} changed while vmatrix copied the project, ${TRIES} times`,
          {
            hint: 'let what is writing it finish, or name it in .gitignore if cells need not see it',
            cause: e,
          },
        );
      }
    }
  }
}

async function snapshotOnce(store: Store, projectDir: string, owner: IdBase | undefined): Promise<SourceSnapshot> {
  const fs = await ProjectFs.at(projectDir);
  await mkdir(store.tmpDir(), { recursive: true, mode: 0o700 });
  const cache = await StatCache.open(store, fs.root);
  try {
    const listing = await listProject(fs, cache);
    const snapshot = await stored(store, fs, listing, snapshotKey(listing, owner), owner, cache.last);
    await cache.save(snapshot.id);
    return snapshot;
  } catch (e) {
    await cache.abandon();
    throw e;
  }
}

/** The snapshot `id` of `entries`: found in the store, or written into it. */
async function stored(
  store: Store,
  fs: ProjectFs,
  listing: Listing,
  id: string,
  owner: IdBase | undefined,
  last: string | undefined,
): Promise<SourceSnapshot> {
  const dir = store.sourceDir(id);
  const { files, bytes } = countFiles(listing);
  if (await exists(dir)) return { id, dir, files, bytes, reused: true };
  return store.withLock(`source-${id}`, async () => {
    if (await exists(dir)) return { id, dir, files, bytes, reused: true };
    const ownerTag = owner ? `${owner.uid}:${owner.gid}` : 'vmatrix';
    const previous = last && last !== id ? await previousSnapshot(store, last, ownerTag) : undefined;
    await store.inStaging('source', async (staging) => {
      const tree = join(staging, 'tree');
      await mkdir(tree); // an empty project still gets a /src
      const entries = entriesOf(listing);
      await materialise(fs, entries, tree, previous);
      if (owner) await chownTree(tree, owner);
      await writeManifest(join(staging, MANIFEST), entries, ownerTag);
      await writeFile(
        join(staging, 'source.json'),
        JSON.stringify({ id, project: fs.root, files, bytes, created: new Date().toISOString() }, null, 2),
      );
      await store.commitDir(staging, dir);
    });
    return { id, dir, files, bytes, reused: false };
  });
}

/** The project's previous snapshot, to link unchanged files from; undefined when gone or unusable. */
async function previousSnapshot(store: Store, id: string, ownerTag: string): Promise<Previous | undefined> {
  try {
    return await readManifest(store.sourceDir(id), ownerTag);
  } catch {
    return undefined;
  }
}

/** The directory a cell mounts: the tree inside a snapshot. */
export function snapshotTree(snapshot: SourceSnapshot): string {
  return join(snapshot.dir, 'tree');
}
