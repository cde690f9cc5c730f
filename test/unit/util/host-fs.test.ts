import { mkdir, mkdtemp, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invokingUser, isInside, realDirs, staysInside } from '../../../src/util/host-fs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmx-host-fs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('invokingUser', () => {
  const self = { uid: process.getuid!(), gid: process.getgid!() };
  it("is sudo's user when SUDO_UID and SUDO_GID are both ids, else this process's", () => {
    expect(invokingUser({ SUDO_UID: '1000', SUDO_GID: '1001' })).toEqual({ uid: 1000, gid: 1001 });
    for (const env of [
      {},
      { SUDO_UID: '1000' },
      { SUDO_UID: '-1', SUDO_GID: '5' },
      { SUDO_UID: '1e3', SUDO_GID: '5' },
      { SUDO_UID: ' 1000', SUDO_GID: '5' },
      { SUDO_UID: '4294967295', SUDO_GID: '5' },
      { SUDO_UID: '', SUDO_GID: '' },
    ]) {
      expect(invokingUser(env), JSON.stringify(env)).toEqual(self);
    }
  });
});

describe('isInside and staysInside', () => {
  it('compares as written, and then with every link resolved', async () => {
    expect([
      isInside('/a/b', '/a/b'),
      isInside('/a/b', '/a/b/c'),
      isInside('/a/b', '/a/bc'),
      isInside('/a/b', '/a/b/../c'),
    ]).toEqual([true, true, false, false]);
    await mkdir(join(dir, 'run'));
    await writeFile(join(dir, 'run', 'log.txt'), 'x');
    await writeFile(join(dir, 'secret'), 'x');
    await symlink('../secret', join(dir, 'run', 'out.txt'));
    await symlink('run', join(dir, 'latest'));
    expect(await staysInside(join(dir, 'latest'), join(dir, 'run', 'log.txt'))).toBe(true);
    expect(await staysInside(join(dir, 'run'), join(dir, 'run', 'out.txt'))).toBe(false);
    expect(await staysInside(join(dir, 'run'), join(dir, 'run', '..', 'secret'))).toBe(false);
    expect(await staysInside(join(dir, 'run'), join(dir, 'run', 'missing'))).toBe(false);
  });
});

describe('realDirs', () => {
  it('makes each component a directory, and names the one that is a link or a file', async () => {
    expect(await realDirs(dir, ['.vmatrix', 'runs'])).toEqual([join(dir, '.vmatrix'), join(dir, '.vmatrix', 'runs')]);
    expect(await realDirs(dir, ['.vmatrix', 'runs'])).toEqual([]);
    await rm(join(dir, '.vmatrix', 'runs'), { recursive: true });
    await symlink('/tmp', join(dir, '.vmatrix', 'runs'));
    await expect(realDirs(dir, ['.vmatrix', 'runs'])).rejects.toMatchObject({
      code: 'UNSAFE_PROJECT_PATH',
      exit: 2,
      message: expect.stringMatching(/^\.vmatrix\/runs is a symbolic link \(to \/tmp\)/),
    });
    expect(await readlink(join(dir, '.vmatrix', 'runs'))).toBe('/tmp');
    await rm(join(dir, '.vmatrix', 'runs'));
    await writeFile(join(dir, '.vmatrix', 'runs'), '');
    await expect(realDirs(dir, ['.vmatrix', 'runs'])).rejects.toMatchObject({
      message: '.vmatrix/runs is a regular file, not a directory',
    });
  });
});
