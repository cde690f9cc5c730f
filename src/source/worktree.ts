import { lstat } from 'node:fs/promises';
import { GITLINK, readGitIndex, type GitIndex } from './git-index.js';
import type { ProjectGit } from './git.js';
import { recordsDigest } from './key.js';
import { sameStamp, stampOf } from './stamp.js';

// Which files of a repository's working tree git vouches for, and which vmatrix must look at itself.
// `git status` compares every tracked file's stat data with its index entry (refreshing the index when it
// can, as it does for a user) and lists the files that differ and the untracked ones that are not ignored;
// every other tracked file is, byte for byte, the blob its index entry names, as long as that entry was not
// racily clean (see stamp.ts). Without a readable index, or when a filter driver could not be disarmed
// (see git.ts), nothing is vouched for: `git ls-files` lists the files, which never reads their content.

const PLAIN = new Set([0o100644, 0o100755, 0o120000]);

export interface WorktreeView {
  /** The index, when git vouches for files of it. */
  index?: GitIndex;
  /**
   * The entries of `index` below the directory viewed that are files of the snapshot (merged, a file or a symlink), in
   * index order.
   */
  tracked: number[];
  /**
   * Those of `tracked` git does not vouch for (racily clean, flagged, or changed as git status found): to be looked at.
   */
  unvouched: Set<number>;
  /** The digest of the records of `tracked` as the index names them (key.ts), made while git status ran. */
  digest: string;
  /** Bytes of the index's names before the directory viewed (its path in the repository, and a "/"). */
  strip: number;
  /**
   * Paths to look at: the unvouched entries', untracked and conflicted files', or every file when git vouches for none.
   */
  others: string[];
  /** Submodules: their files are for their own repositories to list. */
  submodules: string[];
}

/**
 * The working tree below `git.dir`, as git sees it now; paths relative to `git.dir`. What the index alone
 * says is worked out while git status runs (on another core), and kept unless status replaces the index
 * (it does when it refreshes stat data).
 */
export async function viewWorktree(git: ProjectGit): Promise<WorktreeView> {
  if (!git.filtersDisarmed) return listed(git);
  const changes = status(git);
  changes.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled meanwhile
  const early = await readGitIndex(git.indexPath, git.hashBytes);
  const earlyView = early && fromIndex(early, git.prefix);
  const { dirty, untracked } = await changes;
  const now = await lstat(git.indexPath, { bigint: true }).then(stampOf, () => undefined);
  const index = early && now && sameStamp(early.file, now) ? early : await readGitIndex(git.indexPath, git.hashBytes);
  if (!index) return listed(git);
  const view = index === early ? earlyView! : fromIndex(index, git.prefix);
  for (const i of changedEntries(view, index, dirty)) view.unvouched.add(i);
  view.others = [...new Set([...view.others, ...untracked, ...dirty.map((p) => p.slice(git.prefix.length))])];
  return view;
}

/** The view the index alone gives of the files below `prefix`. */
function fromIndex(index: GitIndex, prefix: string): WorktreeView {
  const view: WorktreeView = {
    index,
    tracked: [],
    unvouched: new Set(),
    digest: '',
    strip: Buffer.byteLength(prefix),
    others: [],
    submodules: [],
  };
  const below = Buffer.from(prefix);
  for (let i = 0; i < index.count; i++) {
    if (prefix && !startsWith(index, i, below)) continue;
    const mode = index.mode(i);
    if (mode === GITLINK) {
      view.submodules.push(index.path(i, view.strip));
      continue;
    }
    const file = PLAIN.has(mode) && index.stage(i) === 0;
    if (file) view.tracked.push(i);
    if (file && index.vouched(i)) continue;
    if (file) view.unvouched.add(i);
    view.others.push(index.path(i, view.strip));
  }
  view.digest = recordsDigest(index, view.tracked, view.strip);
  return view;
}

/**
 * The tracked entries named by git status as changed. Both lists are sorted as git sorts names (by their
 * bytes), so one walk along both finds them; an unchanged tree costs nothing.
 */
function changedEntries(view: WorktreeView, index: GitIndex, dirty: string[]): number[] {
  const names = dirty.map((p) => Buffer.from(p)).sort((a, b) => Buffer.compare(a, b));
  const found: number[] = [];
  let next = 0;
  for (const i of names.length ? view.tracked : []) {
    const start = index.nameStart[i];
    const end = index.nameEnd[i];
    for (; next < names.length; next++) {
      const order = index.names.compare(names[next], 0, names[next].length, start, end);
      if (order === 0) found.push(i);
      if (order <= 0) break;
    }
  }
  return found;
}

function startsWith(index: GitIndex, i: number, prefix: Buffer): boolean {
  const start = index.nameStart[i];
  return (
    index.nameEnd[i] - start >= prefix.length &&
    index.names.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0
  );
}

/**
 * What `git status` finds changed in the working tree (paths in the repository) and untracked (paths below the current
 * directory).
 */
async function status(git: ProjectGit): Promise<{ dirty: string[]; untracked: string[] }> {
  const { prefix } = git;
  const dirty: string[] = [];
  const untracked: string[] = [];
  let renamedFrom = false;
  await git.records(
    [
      'status',
      '--porcelain=v2',
      '-z',
      '--untracked-files=all',
      '--ignored=no',
      '--ignore-submodules=all',
      '--no-renames',
      '--',
      '.',
    ],
    (record) => {
      if (renamedFrom) {
        renamedFrom = false;
        return;
      } // a rename's second record: the path it had
      // "1 XY sub mH mI mW hH hI path", "2 XY … Xscore path" (then the old path), "u XY … h3 path", "? path".
      // Y is the working tree against the index: "." when git found the file as the index has it.
      const kind = record[0];
      if (kind === '?') untracked.push(record.slice(2 + prefix.length));
      else if (kind === 'u') dirty.push(after(record, 10));
      else if ((kind === '1' || kind === '2') && record[3] !== '.') dirty.push(after(record, kind === '1' ? 8 : 9));
      renamedFrom = kind === '2';
    },
  );
  return { dirty, untracked };
}

/** Every tracked and untracked-but-not-ignored file, from `git ls-files` (paths relative to the current directory). */
async function listed(git: ProjectGit): Promise<WorktreeView> {
  const others: string[] = [];
  const submodules: string[] = [];
  await git.records(['ls-files', '-z', '--stage', '--', '.'], (record) => {
    // "mode blob stage\tpath"; a conflicted file is listed once per stage.
    const path = record.slice(record.indexOf('\t') + 1);
    if (record.startsWith('160000 ')) submodules.push(path);
    else if (others.at(-1) !== path) others.push(path);
  });
  await git.records(['ls-files', '-z', '--others', '--exclude-standard', '--', '.'], (path) => others.push(path));
  return { tracked: [], unvouched: new Set(), digest: '', strip: 0, others, submodules };
}

/** The rest of a record after its first `fields` space-separated fields. */
function after(record: string, fields: number): string {
  let at = -1;
  for (let i = 0; i < fields; i++) at = record.indexOf(' ', at + 1);
  return record.slice(at + 1);
}
