import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdtemp, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGitIndex, type GitIndex } from '../../../src/source/git-index.js';
import { git, gitRepo } from '../../helpers/project.js';

// The index reader against git's own reading of the same file: every version git writes, names of every
// length, the entries git does not vouch for, and the indexes it must not take.

/** `git ls-files --stage` of the repository, one "mode blob stage\tpath" line per entry. */
function gitsView(dir: string): string[] {
  return git(dir, 'ls-files', '--stage', '-z').split('\0').filter(Boolean);
}

function oursView(index: GitIndex): string[] {
  return Array.from(
    { length: index.count },
    (_, i) => `${index.mode(i).toString(8)} ${index.blob(i)} 0\t${index.path(i)}`,
  );
}

async function indexOf(dir: string, hashBytes = 20): Promise<GitIndex> {
  const index = await readGitIndex(join(dir, '.git/index'), hashBytes);
  if (!index) throw new Error(`no index read in ${dir}`);
  return index;
}

/** Moves the index file's mtime: entries last changed before it are settled, others racily clean. */
const indexWrittenAt = (dir: string, sec: number) => utimes(join(dir, '.git/index'), sec, sec);

async function repoOfEveryKind(): Promise<string> {
  const dir = await gitRepo(
    { 'a.txt': 'a\n', 'dir/run.sh': '#!/bin/sh\n', 'dir/sub/c': '', 'é/ü.txt': 'unicode\n', 'with space.txt': 'x' },
    false,
  );
  await chmod(join(dir, 'dir/run.sh'), 0o755);
  await symlink('a.txt', join(dir, 'link'));
  git(dir, 'add', '-A');
  // A name of 0xfff bytes or more has no length in its entry's flags; the index holds it without a file.
  const long = Array.from({ length: 21 }, (_, i) => `${i}`.padEnd(200, 'd')).join('/');
  git(dir, 'update-index', '--add', '--cacheinfo', `100644,${git(dir, 'hash-object', '-w', 'a.txt').trim()},${long}`);
  return dir;
}

describe('readGitIndex', () => {
  it.each([2, 3, 4])('reads index version %i as git does: names, modes, blob ids, sizes', async (version) => {
    const dir = await repoOfEveryKind();
    if (version > 2) {
      await writeFile(join(dir, 'new.txt'), 'not added yet\n');
      git(dir, 'add', '--intent-to-add', 'new.txt'); // an extended flag: version 2 has none
    }
    git(dir, 'update-index', '--index-version', String(version));
    expect((await readFile(join(dir, '.git/index'))).readUInt32BE(4)).toBe(version);
    const index = await indexOf(dir);
    expect(oursView(index)).toEqual(gitsView(dir));
    const at = oursView(index).findIndex((line) => line.endsWith('\tdir/run.sh'));
    expect(index.size(at)).toBe(10);
    expect(index.stamp(at).size).toBe(10);
  });

  it('reads a SHA-256 repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-sha256-'));
    git(dir, 'init', '-q', '--object-format=sha256');
    await writeFile(join(dir, 'f'), 'content\n');
    git(dir, 'add', 'f');
    const index = await indexOf(dir, 32);
    expect(oursView(index)).toEqual(gitsView(dir));
    expect(index.blob(0)).toHaveLength(64);
  });

  it('vouches only for merged entries git keeps its word on, last changed before the index was written', async () => {
    const dir = await gitRepo({ plain: '1', assumed: '2', skipped: '3' });
    await writeFile(join(dir, 'added'), '4');
    git(dir, 'add', '--intent-to-add', 'added');
    git(dir, 'update-index', '--assume-unchanged', 'assumed');
    git(dir, 'update-index', '--skip-worktree', 'skipped');
    const blob = git(dir, 'hash-object', '-w', 'plain').trim();
    execFileSync('git', ['update-index', '--index-info'], {
      cwd: dir,
      input: `100644 ${blob} 1\tconflicted\n100644 ${blob} 2\tconflicted\n`,
    });
    const changed = Math.floor((await lstat(join(dir, 'plain'))).ctimeMs / 1000);

    await indexWrittenAt(dir, changed + 3600);
    const later = await indexOf(dir);
    const vouched = (index: GitIndex) =>
      Array.from({ length: index.count }, (_, i) => index.vouched(i) && index.path(i));
    expect(vouched(later).filter(Boolean)).toEqual(['plain']);

    // Written in the second the files last changed (or before): a write in that second could keep every stamp.
    await indexWrittenAt(dir, changed);
    expect(vouched(await indexOf(dir)).filter(Boolean)).toEqual([]);
  });

  it('takes no split index, no sparse index and nothing that is not a whole index', async () => {
    const split = await gitRepo({ a: '1', b: '2' });
    git(split, 'update-index', '--split-index');
    expect(await readGitIndex(join(split, '.git/index'), 20)).toBeUndefined();

    const sparse = await gitRepo({ 'in/a': '1', 'out/b': '2' });
    git(sparse, '-c', 'index.sparse=true', 'sparse-checkout', 'set', '--cone', 'in');
    expect(await readGitIndex(join(sparse, '.git/index'), 20)).toBeUndefined();

    const dir = await repoOfEveryKind();
    const whole = await readFile(join(dir, '.git/index'));
    for (const [name, bytes] of Object.entries({
      cut: whole.subarray(0, whole.length - 30),
      empty: Buffer.alloc(0),
      text: Buffer.from('not an index at all, but long enough to look at'),
      'too many entries': Buffer.concat([whole.subarray(0, 8), Buffer.from([0x7f, 0, 0, 0]), whole.subarray(12)]),
    })) {
      await writeFile(join(dir, '.git/index'), bytes);
      expect(await readGitIndex(join(dir, '.git/index'), 20), name).toBeUndefined();
    }
    expect(await readGitIndex(join(dir, 'no-such-index'), 20)).toBeUndefined();
  });
});
