import { existsSync } from 'node:fs';
import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractBuffer, removeSandboxes, sandbox, tarOf, type Sandbox, type Spec } from '../../helpers/tar.js';

// docs/safety.md, rules 1-12: each archive tries to reach outside the root. Whether it is refused or contained, the
// directories beside the root (canary/, victim/, root-evil/) must be byte-for-byte unchanged afterwards.

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.assertUntouched();
});
afterAll(removeSandboxes);

const extract = async (entries: Spec[]): Promise<unknown> => extractBuffer(await tarOf(entries), s.root);
const refused = (entries: Spec[], code: string, message: RegExp) =>
  expect(extract(entries)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });

describe('names (SAFETY 1, 9)', { tags: ['safety', 'archives'] }, () => {
  it('refuses ".." that climbs out', () =>
    refused([{ name: '../victim/hello', content: 'pwned' }], 'ARCHIVE_UNSAFE', /"\.\." in the name/));
  it('refuses ".." anywhere in a name', () =>
    refused([{ name: 'a/../../victim/hello', content: 'pwned' }], 'ARCHIVE_UNSAFE', /"\.\."/));
  it('refuses absolute names', () =>
    refused([{ name: `${s.canary}/file`, content: 'pwned' }], 'ARCHIVE_UNSAFE', /absolute name/));
  it('refuses "////x"', () => refused([{ name: '////x', content: 'pwned' }], 'ARCHIVE_UNSAFE', /absolute name/));
  it('refuses a NUL byte (through a PAX path)', () =>
    refused([{ name: 'x', pax: { path: 'a\0/../../victim/hello' }, content: 'pwned' }], 'ARCHIVE_UNSAFE', /NUL/));
  it('refuses a "./" entry that is not a directory', () =>
    refused(
      [{ name: './', type: 'symlink', linkname: s.canary }],
      'ARCHIVE_UNSAFE',
      /root of the archive must be a directory/,
    ));
  it('accepts "./"-prefixed and doubled-slash names inside the root', async () => {
    await extract([
      { name: './etc//hostname', content: 'cell' },
      { name: '././etc/./motd', content: 'hi' },
    ]);
    expect(await readFile(join(s.root, 'etc/hostname'), 'utf8')).toBe('cell');
    expect(await readFile(join(s.root, 'etc/motd'), 'utf8')).toBe('hi');
  });
});

describe('symlinks in parents resolve inside the root (SAFETY 2, 3, 4, 8)', { tags: ['safety', 'archives'] }, () => {
  it('sub/etc -> /etc, then sub/etc/passwd: lands in <root>/etc/passwd', async () => {
    await extract([
      { name: 'sub/etc', type: 'symlink', linkname: '/etc' },
      { name: 'sub/etc/passwd', content: 'root::0:0::/:/bin/sh\n' },
    ]);
    expect(await readFile(join(s.root, 'etc/passwd'), 'utf8')).toBe('root::0:0::/:/bin/sh\n');
    expect(await readlink(join(s.root, 'sub/etc'))).toBe('/etc');
  });

  it("etc -> /etc at the top is a loop inside the root: refused, the host's /etc untouched", async () => {
    const name = `vmatrix-canary-${process.pid}`;
    await expect(
      extract([
        { name: 'etc', type: 'symlink', linkname: '/etc' },
        { name: `etc/${name}`, content: 'pwned' },
      ]),
    ).rejects.toMatchObject({
      code: 'ARCHIVE_UNSAFE',
      message: expect.stringMatching(/too many levels of symbolic links/),
    });
    expect(existsSync(`/etc/${name}`)).toBe(false);
  });

  it('a symlink to a host path (the canary) is followed inside the root', async () => {
    await extract([
      { name: 'lnk', type: 'symlink', linkname: s.canary },
      { name: 'lnk/file', content: 'pwned' },
    ]);
    expect(await readFile(join(s.root, s.canary, 'file'), 'utf8')).toBe('pwned');
  });

  it('dir d, then symlink d -> canary, then d/x: no write-through (poisoned directory cache)', async () => {
    await extract([
      { name: 'd/', type: 'directory' },
      { name: 'd/before', content: 'a' },
      { name: 'd', type: 'symlink', linkname: s.canary },
      { name: 'd/file', content: 'pwned' },
      { name: 'd/sub/deep', content: 'pwned' },
    ]);
    expect((await lstat(join(s.root, 'd'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(s.root, s.canary, 'sub/deep'), 'utf8')).toBe('pwned');
  });

  it('relative escapes: d -> ../../.., then d/victim/hello stays inside', async () => {
    await extract([
      { name: 'd', type: 'symlink', linkname: '../../..' },
      { name: 'd/victim/hello', content: 'pwned' },
    ]);
    expect(await readFile(join(s.root, 'victim/hello'), 'utf8')).toBe('pwned');
  });

  it('chains: up -> .., up/esc -> ../victim, esc/new: contained', async () => {
    await extract([
      { name: 'up', type: 'symlink', linkname: '..' },
      { name: 'up/esc', type: 'symlink', linkname: '../victim' },
      { name: 'esc/new', content: 'pwned' },
      { name: 'esc/hello', content: 'pwned' },
    ]);
    expect(await readlink(join(s.root, 'esc'))).toBe('../victim');
    expect(await readFile(join(s.root, 'victim/hello'), 'utf8')).toBe('pwned');
  });

  it('symlink loops fail in bounded time', async () => {
    const started = Date.now();
    await expect(
      extract([
        { name: 'a', type: 'symlink', linkname: 'b' },
        { name: 'b', type: 'symlink', linkname: 'a' },
        { name: 'a/x', content: 'x' },
      ]),
    ).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE', message: expect.stringMatching(/too many levels/) });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a parent that is a regular file is refused', () =>
    refused(
      [
        { name: 'f', content: 'x' },
        { name: 'f/x', content: 'y' },
      ],
      'ARCHIVE_UNSAFE',
      /is not a directory/,
    ));
});

describe('hardlinks (SAFETY 5)', { tags: ['safety', 'archives'] }, () => {
  it('refuses ../victim', () =>
    refused([{ name: 'h', type: 'link', linkname: '../victim/hello' }], 'ARCHIVE_UNSAFE', /"\.\."/));
  it('refuses a sibling prefix ../root-evil/x', () =>
    refused([{ name: 'h', type: 'link', linkname: '../root-evil/x' }], 'ARCHIVE_UNSAFE', /"\.\."/));
  it('re-roots /etc/shadow, which does not exist in the root: refused', () =>
    refused([{ name: 'h', type: 'link', linkname: '/etc/shadow' }], 'ARCHIVE_UNSAFE', /does not exist/));

  it("re-roots /etc/shadow to the root's own file", async () => {
    await extract([
      { name: 'etc/shadow', content: 'inside' },
      { name: 'h', type: 'link', linkname: '/etc/shadow' },
    ]);
    const [h, inside, host] = await Promise.all([
      stat(join(s.root, 'h')),
      stat(join(s.root, 'etc/shadow')),
      stat('/etc/shadow'),
    ]);
    expect(h.ino).toBe(inside.ino);
    expect(h.ino).not.toBe(host.ino);
  });

  it('refuses a target through a symlinked directory', () =>
    refused(
      [
        { name: 'l', type: 'symlink', linkname: s.canary },
        { name: 'h', type: 'link', linkname: 'l/file' },
      ],
      'ARCHIVE_UNSAFE',
      /runs through the symlink/,
    ));

  it('refuses a target through a symlink to ..', () =>
    refused(
      [
        { name: 'up', type: 'symlink', linkname: '..' },
        { name: 'h', type: 'link', linkname: 'up/victim/hello' },
      ],
      'ARCHIVE_UNSAFE',
      /runs through the symlink/,
    ));
});

describe('replacing names (SAFETY 6, 7)', { tags: ['safety', 'archives'] }, () => {
  it('a file over a symlink to the canary replaces the link, never writes through it', async () => {
    await extract([
      { name: 'f', type: 'symlink', linkname: join(s.canary, 'file') },
      { name: 'f', content: 'pwned' },
    ]);
    expect((await lstat(join(s.root, 'f'))).isFile()).toBe(true);
  });

  it('a hardlink, symlink, FIFO or directory over a symlink replaces the link', async () => {
    await extract([
      { name: 'x', content: 'mine' },
      ...['a', 'b', 'c', 'd'].map((n) => ({ name: n, type: 'symlink' as const, linkname: join(s.canary, 'file') })),
      { name: 'a', type: 'link', linkname: 'x' },
      { name: 'b', type: 'symlink', linkname: 'x' },
      { name: 'c', type: 'fifo' },
      { name: 'd/', type: 'directory', mode: 0o700 },
    ]);
    expect(await readFile(join(s.root, 'a'), 'utf8')).toBe('mine');
    expect(await readlink(join(s.root, 'b'))).toBe('x');
    expect((await lstat(join(s.root, 'c'))).isFIFO()).toBe(true);
    expect((await lstat(join(s.root, 'd'))).isDirectory()).toBe(true);
  });

  it('the deferred directory pass never follows a symlink that replaced the directory', async () => {
    await extract([
      { name: 'd/', type: 'directory', mode: 0o777, uid: 1234, mtime: new Date(0) },
      { name: 'd', type: 'symlink', linkname: s.canary },
    ]);
    expect((await lstat(join(s.root, 'd'))).isSymbolicLink()).toBe(true);
    // assertUntouched checks the canary kept its mode, owner and mtime.
  });

  it('the deferred pass does not follow a parent that became a symlink', async () => {
    await extract([
      { name: 'p/', type: 'directory' },
      { name: 'p/sub/', type: 'directory', mode: 0o777, mtime: new Date(0) },
      { name: 'p', type: 'symlink', linkname: s.canary }, // canary/sub exists: the pass would reach it
    ]);
    expect(await readlink(join(s.root, 'p'))).toBe(s.canary);
  });
});
