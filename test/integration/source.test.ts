import { chmod, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { beforeEach, describe, expect, it } from 'vitest';
import { snapshotProject, snapshotTree } from '../../src/source/index.js';
import { Store } from '../../src/store/index.js';

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
    for (const absent of ['gone.txt', 'node_modules', 'build', 'debug.log', '.git']) expect(existsSync(join(tree, absent)), absent).toBe(false);
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

  it('refuses a directory that is not a git checkout, saying what to do', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'vmx-plain-'));
    await expect(snapshotProject(store, plain)).rejects.toMatchObject({ code: 'NOT_A_GIT_REPO', exit: 2 });
    await rm(plain, { recursive: true });
  });
});
