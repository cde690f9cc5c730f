import { lstat } from 'node:fs/promises';
import { GITLINK, readGitIndex, type GitIndex } from './git-index.js';
import type { ProjectGit } from './git.js';
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
  /** The entries of `index` git vouches for: each file's content is its entry's blob. */
  vouched: number[];
  /** Bytes of the index's names before the directory viewed (its path in the repository, and a "/"). */
  strip: number;
  /** Paths to look at: untracked, edited, conflicted or racily clean, or every file when git vouches for none. */
  others: string[];
  /** Submodules: their files are for their own repositories to list. */
  submodules: string[];
}

/** The working tree below `git.dir`, as git sees it now; paths relative to `git.dir`. */
export async function viewWorktree(git: ProjectGit): Promise<WorktreeView> {
  const { prefix, indexPath: path } = git;
  if (!git.filtersDisarmed) return listed(git);
  // The index is read while git status runs, and again if status replaced it (it does when it refreshes).
  const [changes, early] = await Promise.all([status(git, prefix), readGitIndex(path, git.hashBytes)]);
  const now = await lstat(path, { bigint: true }).then(stampOf, () => undefined);
  const index = early && now && sameStamp(early.file, now) ? early : await readGitIndex(path, git.hashBytes);
  if (!index) return listed(git);
  const view: WorktreeView = { index, vouched: [], strip: Buffer.byteLength(prefix), others: [], submodules: [] };
  const others = new Set(changes.untracked);
  const dirty = new DirtyNames(changes.dirty);
  const below = Buffer.from(prefix);
  for (let i = 0; i < index.count; i++) {
    if (prefix && !startsWith(index, i, below)) continue;
    const mode = index.mode(i);
    if (mode === GITLINK) view.submodules.push(index.path(i, view.strip));
    else if (PLAIN.has(mode) && index.vouched(i) && !dirty.has(index, i)) view.vouched.push(i);
    else others.add(index.path(i, view.strip));
  }
  for (const p of changes.dirty) others.add(p.slice(prefix.length));
  view.others = [...others];
  return view;
}

/**
 * The names `git status` found changed, looked up in index order: both are sorted as git sorts names (by
 * their bytes), so one walk along both finds them, and an unchanged tree costs no lookup at all.
 */
class DirtyNames {
  private readonly names: Buffer[];
  private next = 0;

  constructor(paths: string[]) {
    this.names = paths.map((p) => Buffer.from(p)).sort(Buffer.compare);
  }

  /** Whether entry `i` is one of them; call it with entries in index order. */
  has(index: GitIndex, i: number): boolean {
    const start = index.nameStart[i]!;
    const end = index.nameEnd[i]!;
    while (this.next < this.names.length) {
      const order = index.names.compare(this.names[this.next]!, 0, this.names[this.next]!.length, start, end);
      if (order <= 0) return order === 0;
      this.next++;
    }
    return false;
  }
}

function startsWith(index: GitIndex, i: number, prefix: Buffer): boolean {
  const start = index.nameStart[i]!;
  return index.nameEnd[i]! - start >= prefix.length && index.names.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;
}

/** What `git status` finds changed in the working tree (paths in the repository) and untracked (paths below the current directory). */
async function status(git: ProjectGit, prefix: string): Promise<{ dirty: string[]; untracked: string[] }> {
  const dirty: string[] = [];
  const untracked: string[] = [];
  let renamedFrom = false;
  await git.records(['status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored=no', '--ignore-submodules=all', '--no-renames', '--', '.'], (record) => {
    if (renamedFrom) { renamedFrom = false; return; } // a rename's second record: the path it had
    // "1 XY sub mH mI mW hH hI path", "2 XY … Xscore path" (then the old path), "u XY … h3 path", "? path".
    // Y is the working tree against the index: "." when git found the file as the index has it.
    const kind = record[0];
    if (kind === '?') untracked.push(record.slice(2 + prefix.length));
    else if (kind === 'u') dirty.push(after(record, 10));
    else if ((kind === '1' || kind === '2') && record[3] !== '.') dirty.push(after(record, kind === '1' ? 8 : 9));
    renamedFrom = kind === '2';
  });
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
  return { vouched: [], strip: 0, others, submodules };
}

/** The rest of a record after its first `fields` space-separated fields. */
function after(record: string, fields: number): string {
  let at = -1;
  for (let i = 0; i < fields; i++) at = record.indexOf(' ', at + 1);
  return record.slice(at + 1);
}
