import { chown, lstat, mkdir, mkdtemp, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupView } from '../../../src/layers/view.js';

// What setup sees of the project: the files its key lists and nothing else (SAFETY 34).
describe('setupView', () => {
  it('holds exactly the listed files, linked from the snapshot, with their parents owned as the snapshot is', async () => {
    const base = await mkdtemp(join(tmpdir(), 'vmx-view-'));
    const tree = join(base, 'tree');
    await mkdir(join(tree, 'ci/deep'), { recursive: true });
    await writeFile(join(tree, 'ci/deep/deps.sh'), 'echo deps\n', { mode: 0o755 });
    await writeFile(join(tree, 'requirements.txt'), 'pytest\n');
    await writeFile(join(tree, 'secret.txt'), 'not listed\n');
    await symlink('requirements.txt', join(tree, 'reqs'));
    await chown(tree, 1234, 5678);
    const view = join(base, 'view');
    await setupView(tree, ['ci/deep/deps.sh', 'reqs', 'requirements.txt', 'reqs'], view);
    expect((await readdir(view, { recursive: true })).sort()).toEqual([
      'ci',
      'ci/deep',
      'ci/deep/deps.sh',
      'reqs',
      'requirements.txt',
    ]);
    expect((await lstat(join(view, 'ci/deep/deps.sh'))).ino).toBe((await lstat(join(tree, 'ci/deep/deps.sh'))).ino);
    expect(await readlink(join(view, 'reqs'))).toBe('requirements.txt');
    for (const dir of [view, join(view, 'ci'), join(view, 'ci/deep')])
      expect(await lstat(dir)).toMatchObject({ uid: 1234, gid: 5678 });
  });

  it('is an empty directory for a layer of packages and commands alone', async () => {
    const base = await mkdtemp(join(tmpdir(), 'vmx-view-'));
    await mkdir(join(base, 'tree'));
    await writeFile(join(base, 'tree', 'a'), 'a\n');
    await setupView(join(base, 'tree'), [], join(base, 'view'));
    expect(await readdir(join(base, 'view'))).toEqual([]);
  });
});
