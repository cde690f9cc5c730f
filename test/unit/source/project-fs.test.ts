import { mkdir, mkdtemp, rename, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ProjectFs, validPath } from '../../../src/source/project-fs.js';

// The project's files are untrusted: nothing outside the project is reached through a symlink, whether the
// symlink is the file, one of its directories, or a directory swapped for one after it was checked.

let project: string;
let outside: string;

beforeEach(async () => {
  const base = await mkdtemp(join(tmpdir(), 'vmx-projectfs-'));
  project = join(base, 'project');
  outside = join(base, 'outside');
  await mkdir(join(project, 'dir'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'secret'), "not the project's\n");
  await writeFile(join(project, 'dir/file'), "the project's\n");
  await symlink(outside, join(project, 'escape'));
  await symlink(join(outside, 'secret'), join(project, 'dir/link'));
});

describe('ProjectFs', { tags: ['safety', 'projects'] }, () => {
  it("reaches the project's own files, and symlinks as symlinks", async () => {
    const fs = await ProjectFs.at(project);
    const file = await fs.open('dir/file');
    expect(await file!.readFile('utf8')).toBe("the project's\n");
    await file!.close();
    expect((await fs.lstat('dir/link'))?.isSymbolicLink()).toBe(true);
    expect((await fs.readlink('dir/link'))?.toString()).toBe(join(outside, 'secret'));
  });

  it('opens no symlink, and nothing through a symlinked directory', async () => {
    const fs = await ProjectFs.at(project);
    expect(await fs.open('dir/link')).toBeUndefined();
    expect(await fs.open('escape/secret')).toBeUndefined();
    expect(await fs.lstat('escape/secret')).toBeUndefined();
    expect(await fs.readlink('escape/anything')).toBeUndefined();
  });

  it('catches a directory swapped for a symlink after it was checked', async () => {
    const fs = await ProjectFs.at(project);
    expect((await fs.lstat('dir/file'))?.isFile()).toBe(true); // "dir" is now known to be a directory
    await rename(join(project, 'dir'), join(project, 'dir-moved'));
    await writeFile(join(outside, 'file'), 'swapped in\n');
    await symlink(outside, join(project, 'dir'));
    expect(await fs.open('dir/file')).toBeUndefined();
  });

  it('takes only plain relative paths', async () => {
    for (const ok of ['a', 'a/b', '.a', '...', 'a/.b', 'a b/c\nd']) expect(validPath(ok), ok).toBe(true);
    for (const bad of ['', '/a', 'a//b', 'a/', '.', '..', 'a/../b', 'a/./b', '../escape', 'a\0b'])
      expect(validPath(bad), bad).toBe(false);
    const fs = await ProjectFs.at(join(project, 'dir'));
    expect(await fs.open('../dir/file')).toBeUndefined();
    expect(await fs.lstat('../escape')).toBeUndefined();
  });
});
