import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { beforeEach, describe, expect, it } from 'vitest';
import { readGitIndex } from '../../src/source/git-index.js';
import { GitFailed, ProjectGit } from '../../src/source/git.js';
import { snapshotProject, snapshotTree } from '../../src/source/index.js';
import { Store } from '../../src/store/index.js';
import { git } from '../helpers/project.js';

let project: string;
let store: Store;

beforeEach(async () => {
  const work = await mkdtemp(join(tmpdir(), 'vmx-source-'));
  project = join(work, 'project');
  store = new Store(join(work, 'store'));
  await store.init();
  await mkdir(join(project, 'lib'), { recursive: true });
  await writeFile(join(project, '.gitignore'), 'node_modules/\nbuild/\n*.log\n');
  await writeFile(join(project, 'lib/a.c'), 'int a;\n');
  await writeFile(join(project, 'run.sh'), '#!/bin/sh\n');
  await chmod(join(project, 'run.sh'), 0o755);
  await writeFile(join(project, 'gone.txt'), 'deleted later\n');
  await symlink('lib/a.c', join(project, 'link.c'));
  const git = simpleGit(project);
  await git.init().addConfig('user.email', 't@example.invalid').addConfig('user.name', 't');
  await git.add('.').commit('init');
  return () => rm(work, { recursive: true, force: true });
});

describe('snapshotProject', () => {
  it('copies tracked and untracked-not-ignored files, with edits, and nothing ignored', async () => {
    await writeFile(join(project, 'lib/a.c'), 'int a = 2;\n'); // uncommitted edit
    await writeFile(join(project, 'new.txt'), 'untracked\n');
    await unlink(join(project, 'gone.txt'));
    await mkdir(join(project, 'node_modules/x'), { recursive: true });
    await writeFile(join(project, 'node_modules/x/i.js'), '1');
    await mkdir(join(project, 'build'));
    await writeFile(join(project, 'build/out.o'), 'o');
    await writeFile(join(project, 'debug.log'), 'log');
    const snap = await snapshotProject(store, project);
    const tree = snapshotTree(snap);
    expect(await readFile(join(tree, 'lib/a.c'), 'utf8')).toBe('int a = 2;\n');
    expect(await readFile(join(tree, 'new.txt'), 'utf8')).toBe('untracked\n');
    expect(await readlink(join(tree, 'link.c'))).toBe('lib/a.c');
    expect((await stat(join(tree, 'run.sh'))).mode & 0o777).toBe(0o755);
    for (const absent of ['gone.txt', 'node_modules', 'build', 'debug.log', '.git'])
      expect(existsSync(join(tree, absent)), absent).toBe(false);
    expect(snap.files).toBe(5); // .gitignore, lib/a.c, run.sh, link.c, new.txt
  });

  it('reuses an unchanged tree and makes a new snapshot when a file changes', async () => {
    const one = await snapshotProject(store, project);
    const two = await snapshotProject(store, project);
    expect(two).toMatchObject({ id: one.id, reused: true });
    await writeFile(join(project, 'lib/a.c'), 'int a = 3;\n');
    const three = await snapshotProject(store, project);
    expect(three.id).not.toBe(one.id);
    expect(three.reused).toBe(false);
    expect(await readFile(join(snapshotTree(one), 'lib/a.c'), 'utf8')).toBe('int a;\n');
  });

  it('gives an unchanged tree the same id whether git vouched for its files or they were hashed', async () => {
    const index = join(project, '.git/index');
    const changed = Math.floor((await lstat(join(project, 'lib/a.c'))).ctimeMs / 1000);
    await utimes(index, changed, changed); // every entry racily clean: none vouched for
    await writeFile(`${index}.lock`, ''); // and git status may not refresh the index
    const hashed = await snapshotProject(store, project);
    await unlink(`${index}.lock`);
    await utimes(index, changed + 3600, changed + 3600); // every entry settled: all vouched for
    expect(await snapshotProject(store, project)).toMatchObject({ id: hashed.id, reused: true });
  });

  it('takes unchanged files of a new snapshot from the previous one (hard links), and copies what changed', async () => {
    const one = await snapshotProject(store, project);
    await writeFile(join(project, 'lib/a.c'), 'int a = 4;\n');
    const two = await snapshotProject(store, project);
    const [oldRun, newRun, oldA, newA] = await Promise.all(
      [
        join(snapshotTree(one), 'run.sh'),
        join(snapshotTree(two), 'run.sh'),
        join(snapshotTree(one), 'lib/a.c'),
        join(snapshotTree(two), 'lib/a.c'),
      ].map((p) => lstat(p)),
    );
    expect(newRun!.ino).toBe(oldRun!.ino);
    expect(newA!.ino).not.toBe(oldA!.ino);
    expect(await readFile(join(snapshotTree(two), 'lib/a.c'), 'utf8')).toBe('int a = 4;\n');
    expect(await readFile(join(snapshotTree(one), 'lib/a.c'), 'utf8')).toBe('int a;\n');
  });

  it('snapshots a subdirectory of a repository as the project, paths relative to it', async () => {
    await writeFile(join(project, 'lib/untracked.h'), 'u\n');
    const snap = await snapshotProject(store, join(project, 'lib'));
    expect((await readdir(snapshotTree(snap))).sort()).toEqual(['a.c', 'untracked.h']);
  });

  it('gets the same files from a split index, which it does not read, and from an empty repository', async () => {
    const before = await snapshotProject(store, project);
    git(project, 'update-index', '--split-index');
    const split = await snapshotProject(store, project);
    expect(await readFile(join(snapshotTree(split), 'lib/a.c'), 'utf8')).toBe('int a;\n');
    expect(split.files).toBe(before.files);
    expect(split.id).not.toBe(before.id); // the same files, listed by path instead of by the index they are in

    const fresh = await mkdtemp(join(tmpdir(), 'vmx-fresh-'));
    git(fresh, 'init', '-q');
    await writeFile(join(fresh, 'only.txt'), 'untracked\n');
    expect(await readFile(join(snapshotTree(await snapshotProject(store, fresh)), 'only.txt'), 'utf8')).toBe(
      'untracked\n',
    );
  });

  it('does not trust a racily clean index entry: a file changed in the second its index was written', async () => {
    await writeFile(join(project, 'lib/a.c'), 'int b;\n'); // the same size as the committed "int a;\n"
    await indexVouchingFor(project, 'lib/a.c');
    const snap = await snapshotProject(store, project);
    expect(await readFile(join(snapshotTree(snap), 'lib/a.c'), 'utf8')).toBe('int b;\n');
  });

  it('copies a file touched since its index entry was written, content unchanged (git status does not refresh)', async () => {
    // The index is dated well after every entry, so git vouches for them all: none is racily clean.
    const later = new Date(Date.now() + 10_000);
    await utimes(join(project, '.git/index'), later, later);
    await utimes(join(project, 'run.sh'), new Date(), new Date()); // a new stamp, the same bytes
    await writeFile(join(project, 'lib/a.c'), 'int a;\n'); // rewritten with the same bytes
    const snap = await snapshotProject(store, project);
    expect(await readFile(join(snapshotTree(snap), 'run.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect((await stat(join(snapshotTree(snap), 'run.sh'))).mode & 0o777).toBe(0o755);
    expect(await readFile(join(snapshotTree(snap), 'lib/a.c'), 'utf8')).toBe('int a;\n');
    // The id is that of the same files once git has refreshed its index: it does not depend on stamps.
    git(project, 'status', '--porcelain');
    expect(snap.id).toBe((await snapshotProject(store, project)).id);
  });

  it('refuses a directory that is not a git checkout, saying what to do', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'vmx-plain-'));
    await expect(snapshotProject(store, plain)).rejects.toMatchObject({ code: 'NOT_A_GIT_REPO', exit: 2 });
    await rm(plain, { recursive: true });
  });
});

describe('ProjectGit: the git process layer', () => {
  /** Runs `fn` with process.env changed by `vars` (undefined removes one), then puts it back. */
  const withEnv = async (vars: Record<string, string | undefined>, fn: () => Promise<void>) => {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    const set = (v: Record<string, string | undefined>) => {
      for (const [k, value] of Object.entries(v))
        if (value === undefined) delete process.env[k];
        else process.env[k] = value;
    };
    set(vars);
    try {
      await fn();
    } finally {
      set(saved);
    }
  };

  it("ignores the caller's GIT_* variables and works with an editor, a pager and an askpass program in its environment", async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'vmx-elsewhere-'));
    git(elsewhere, 'init', '-q');
    await withEnv(
      {
        GIT_DIR: join(elsewhere, '.git'),
        GIT_WORK_TREE: elsewhere,
        GIT_INDEX_FILE: join(elsewhere, 'index'),
        EDITOR: 'false',
        GIT_EDITOR: 'false',
        PAGER: 'false',
        SSH_ASKPASS: 'false',
        PREFIX: '/nonexistent',
      },
      async () => {
        const g = await ProjectGit.open(project);
        const listed: string[] = [];
        await g.records(['ls-files', '-z'], (path) => listed.push(path));
        expect(listed.sort()).toEqual(['.gitignore', 'gone.txt', 'lib/a.c', 'link.c', 'run.sh']);
        expect((await g.output(['rev-parse', '--show-toplevel'])).trim()).toBe(project);
        expect((await snapshotProject(store, project)).files).toBe(5);
      },
    );
    await rm(elsewhere, { recursive: true });
  });

  it("clones and fetches with the operator's ssh, askpass and proxy settings in its environment", async () => {
    const into = join(await mkdtemp(join(tmpdir(), 'vmx-clone-')), 'bare.git');
    await withEnv(
      {
        GIT_SSH_COMMAND: 'false',
        GIT_SSH: 'false',
        GIT_ASKPASS: 'false',
        SSH_ASKPASS: 'false',
        GIT_PROXY_COMMAND: 'false',
      },
      async () => {
        const bare = await ProjectGit.cloneBare(`file://${project}`, into);
        await bare.fetchAll();
        expect((await bare.output(['rev-parse', 'HEAD'])).trim()).toBe(git(project, 'rev-parse', 'HEAD').trim());
      },
    );
    await rm(dirname(into), { recursive: true });
  });

  it('takes the exit codes it is told are not failures, and names the command and its exit code otherwise', async () => {
    const g = await ProjectGit.open(project);
    expect(await g.output(['config', '--get', 'no.such-key'], [0, 1])).toBe('');
    const failed = await g.output(['config', '--get', 'no.such-key']).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(GitFailed);
    expect(failed).toMatchObject({
      code: 'GIT_FAILED',
      exit: 3,
      message: `git config --get failed in ${project} (exit 1): `,
    });
    const bad = await g.output(['rev-parse', '--verify', 'no-such-ref']).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'GIT_FAILED', stderr: 'fatal: Needed a single revision\n' });
    await expect(g.records(['ls-files', '-z', '--error-unmatch', 'no-such-file'], () => {})).rejects.toMatchObject({
      code: 'GIT_FAILED',
      message: expect.stringMatching(
        /^git ls-files -z failed in .* \(exit 1\): error: pathspec 'no-such-file' did not match/,
      ),
    });
  });

  it('says to install git when there is none on PATH, for whole outputs and for records', async () => {
    const g = await ProjectGit.open(project);
    const empty = await mkdtemp(join(tmpdir(), 'vmx-nogit-'));
    await withEnv({ PATH: empty }, async () => {
      const missing = {
        code: 'GIT_FAILED',
        exit: 3,
        message: `could not run git in ${project}: spawn git ENOENT`,
        hint: 'install git: apt-get install git',
      };
      await expect(g.output(['rev-parse', 'HEAD'])).rejects.toMatchObject(missing);
      await expect(g.records(['ls-files', '-z'], () => {})).rejects.toMatchObject(missing);
      await expect(ProjectGit.open(project)).rejects.toMatchObject(missing);
    });
    await rm(empty, { recursive: true });
  });

  it("keeps the start of a failing git's stderr, about 64 KiB of it, not all of it", async () => {
    const g = await ProjectGit.open(project);
    // One "error: pathspec '…' did not match" line each: about 360 KB of stderr.
    const paths = Array.from({ length: 4000 }, (_, i) => `no-such-file-with-a-long-name-${i + 1}`);
    for (const run of [
      () => g.output(['ls-files', '--error-unmatch', '--', ...paths]),
      () => g.records(['ls-files', '-z', '--error-unmatch', '--', ...paths], () => {}),
    ]) {
      const failed = await run().catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(GitFailed);
      const { stderr } = failed as GitFailed;
      expect(stderr.startsWith("error: pathspec 'no-such-file-with-a-long-name-1' did not match")).toBe(true);
      expect(stderr.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(stderr.length).toBeLessThan(2 * 64 * 1024);
    }
  });
});

describe('snapshotProject on an untrusted project', { tags: ['safety', 'projects'] }, () => {
  it("runs none of the programs the repository's config names: fsmonitor, filters, hooks", async () => {
    const canary = join(project, '..', 'ran');
    git(project, 'config', 'core.fsmonitor', `touch ${canary}-fsmonitor; false`);
    for (const k of ['clean', 'smudge', 'process'])
      git(project, 'config', `filter.evil.${k}`, `touch ${canary}-${k}; cat`);
    git(project, 'config', 'filter.evil.required', 'true');
    await writeFile(join(project, '.gitattributes'), '* filter=evil\n');
    await writeFile(join(project, '.git/hooks/post-index-change'), `#!/bin/sh\ntouch ${canary}-hook\n`);
    await chmod(join(project, '.git/hooks/post-index-change'), 0o755);
    await writeFile(join(project, 'lib/a.c'), 'int a = 5;\n');
    await utimes(join(project, 'run.sh'), new Date(), new Date()); // stat-dirty: git status compares its content
    const snap = await snapshotProject(store, project);
    expect(await readFile(join(snapshotTree(snap), 'lib/a.c'), 'utf8')).toBe('int a = 5;\n');
    expect(await readFile(join(snapshotTree(snap), 'run.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect((await readdir(join(project, '..'))).filter((n) => n.startsWith('ran'))).toEqual([]);
  });

  it('never reads through a symlinked directory, and keeps symlinks as symlinks', async () => {
    const outside = join(project, '..', 'outside');
    await mkdir(join(outside, 'lib'), { recursive: true });
    await writeFile(join(outside, 'a.c'), 'secret\n');
    await rm(join(project, 'lib'), { recursive: true });
    await symlink(outside, join(project, 'lib')); // "lib/a.c" is still tracked
    await symlink('/etc', join(project, 'etc'));
    const snap = await snapshotProject(store, project);
    const tree = snapshotTree(snap);
    expect(await readlink(join(tree, 'lib'))).toBe(outside);
    expect(await readlink(join(tree, 'etc'))).toBe('/etc');
    expect((await lstat(join(tree, 'link.c'))).isSymbolicLink()).toBe(true);
    expect((await readdir(tree)).sort()).toEqual(['.gitignore', 'etc', 'gone.txt', 'lib', 'link.c', 'run.sh']);
  });
});

/**
 * Makes the index claim that `path`'s current stamp is that of its committed content, as an index written
 * in the same second as the file's last change can (git's "racy" case), and dates the index that second.
 */
async function indexVouchingFor(dir: string, path: string): Promise<void> {
  const indexPath = join(dir, '.git/index');
  const index = (await readGitIndex(indexPath, 20))!;
  const i = Array.from({ length: index.count }, (_, n) => index.path(n)).indexOf(path);
  const at = index.nameStart[i]! - 62; // a version 2 entry: 62 bytes before its name
  const buf = await readFile(indexPath);
  const st = await lstat(join(dir, path), { bigint: true });
  const sec = (ns: bigint) => Number(ns / 1_000_000_000n);
  const nsec = (ns: bigint) => Number(ns % 1_000_000_000n);
  [sec(st.ctimeNs), nsec(st.ctimeNs), sec(st.mtimeNs), nsec(st.mtimeNs)].forEach((v, k) =>
    buf.writeUInt32BE(v, at + 4 * k),
  );
  buf.writeUInt32BE(Number(st.ino & 0xffffffffn), at + 20);
  buf.writeUInt32BE(Number(st.size), at + 36);
  createHash('sha1')
    .update(buf.subarray(0, buf.length - 20))
    .digest()
    .copy(buf, buf.length - 20);
  await writeFile(indexPath, buf);
  await utimes(indexPath, sec(st.mtimeNs), sec(st.mtimeNs));
}
