import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Store } from '../store/index.js';
import { envError, usageError } from '../util/errors.js';
import { exists } from '../util/fs.js';
import { shortId } from '../util/hash.js';
import { chownTree, type IdBase } from '../util/idshift.js';
import { treeStats } from '../util/tree.js';
import { GitFailed, ProjectGit } from './git.js';
import type { SourceSnapshot } from './snapshot.js';

// `vmatrix test --ref <commit|branch|tag>` and `--repo <url|path> [--ref]`: the project as it was at a
// commit, rather than the working tree. Git's tree id already names the content, so it keys the snapshot;
// the files come from `git checkout-index` into the staging dir through a throwaway index, which writes
// modes and symlinks as a checkout would and never touches the repository's own index or work tree.
// Another repository is first cloned (bare) into the store's sources/repos/, and fetched on later runs.
// Every git call goes through ProjectGit (git.ts): a repository's config names no program git runs here,
// neither a hook (read-tree writes an index: post-index-change), fsmonitor, nor a filter driver (a checkout
// smudges: git-lfs too, whose pointer files are then what the cells see).

export interface RevisionOptions {
  /** Host ids to own every file (a user namespace's root); part of the key, as for working-tree snapshots. */
  owner?: IdBase;
}

/** The full commit id and tree id of `ref` in the repository at `gitDir` (a work tree or a bare clone). */
async function resolveRef(git: ProjectGit, ref: string, where: string): Promise<{ commit: string; tree: string }> {
  try {
    const commit = (await git.output(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).trim();
    const tree = (await git.output(['rev-parse', '--verify', `${commit}^{tree}`])).trim();
    return { commit, tree };
  } catch (e) {
    if (!(e instanceof GitFailed)) throw e;
    throw usageError('UNKNOWN_REF', `${where} has no commit, branch or tag "${ref}"`, {
      hint: 'git log --oneline and git tag list what there is',
    });
  }
}

/** The content of one file at a commit, or undefined when the commit has no such file. */
async function fileAtRevision(git: ProjectGit, commit: string, path: string): Promise<string | undefined> {
  // cat-file, not show: the blob as stored, through no textconv or filter.
  return git.output(['cat-file', 'blob', `${commit}:${path}`]).catch((e: unknown) => {
    if (e instanceof GitFailed) return undefined;
    throw e;
  });
}

/** The full commit id `ref` names in the repository at `repoDir` (UNKNOWN_REF, exit 2, when none). */
export async function commitOf(repoDir: string, ref: string, where: string): Promise<string> {
  return (await resolveRef(await ProjectGit.repository(repoDir), ref, where)).commit;
}

/** The content of `path` at `ref` of the repository at `repoDir`, or undefined when that commit has no such file. */
export async function fileAtRef(
  repoDir: string,
  ref: string,
  path: string,
  where: string,
): Promise<string | undefined> {
  const git = await ProjectGit.repository(repoDir);
  return fileAtRevision(git, (await resolveRef(git, ref, where)).commit, path);
}

/** Snapshots `ref` of the repository at `repoDir` into the store, keyed by its tree (and owner). */
export async function snapshotRevision(
  store: Store,
  repoDir: string,
  ref: string,
  options: RevisionOptions = {},
): Promise<SourceSnapshot & { commit: string }> {
  const git = await ProjectGit.repository(repoDir);
  const { commit, tree } = await resolveRef(git, ref, repoDir);
  const { owner } = options;
  const key = createHash('sha256').update(`git-tree ${tree}\n`);
  if (owner && (owner.uid !== 0 || owner.gid !== 0)) key.update(`owner ${owner.uid}:${owner.gid}\n`);
  const id = shortId(key.digest('hex'));
  const dir = store.sourceDir(id);
  const done = async (reused: boolean) => ({ id, dir, commit, reused, ...(await treeStats(join(dir, 'tree'))) });
  if (await exists(dir)) return done(true);
  return store.withLock(`source-${id}`, async () => {
    if (await exists(dir)) return done(true);
    await store.inStaging('source', async (staging) => {
      const treeDir = join(staging, 'tree');
      await mkdir(treeDir);
      const index = join(staging, 'index');
      const env = { GIT_INDEX_FILE: index };
      await git.output(['read-tree', tree], [0], env);
      // The staging dir as the work tree: works for bare clones too, and the repository's own is untouched.
      await git.output([`--work-tree=${treeDir}`, 'checkout-index', '--all', '--force'], [0], env);
      if (owner) await chownTree(treeDir, owner);
      await writeFile(
        join(staging, 'source.json'),
        JSON.stringify({ id, repository: repoDir, commit, tree, created: new Date().toISOString() }, null, 2),
      );
      await store.commitDir(staging, dir);
    });
    return done(false);
  });
}

/** A local repository path as given, or a bare clone of a URL kept (and fetched) in the store. */
export async function repositoryFor(
  store: Store,
  repo: string,
  onProgress?: (message: string) => void,
): Promise<string> {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) && !/^[^/]+@[^/]+:/.test(repo)) {
    const path = isAbsolute(repo) ? repo : resolve(repo);
    if (!(await exists(path)))
      throw usageError('NO_REPOSITORY', `${repo}: no such directory`, {
        hint: 'give a git URL or the path of a git repository',
      });
    return path;
  }
  const id = shortId(createHash('sha256').update(repo).digest('hex'));
  const dir = store.repoDir(id);
  await store.init();
  return store.withLock(`repo-${id}`, async () => {
    try {
      if (await exists(join(dir, 'HEAD'))) {
        onProgress?.(`fetching ${repo}`);
        await (await ProjectGit.repository(dir)).fetchAll();
      } else {
        onProgress?.(`cloning ${repo}`);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await ProjectGit.cloneBare(repo, dir);
      }
    } catch (e) {
      throw envError(
        'CLONE_FAILED',
        `could not fetch ${repo}: ${(e as Error).message.trim().split('\n').slice(-2).join(' ')}`,
        {
          hint: 'check the URL and your access to it (git clone works by hand?)',
          cause: e,
        },
      );
    }
    return dir;
  });
}
