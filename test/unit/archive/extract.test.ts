import { lstat, readFile, readlink, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { extractTar } from '../../../src/archive/extract.js';
import { envError } from '../../../src/util/errors.js';
import { execOrThrow } from '../../../src/util/exec.js';
import { extractBuffer, removeSandboxes, sandbox, tarOf } from '../../helpers/tar.js';
import { xattrsOf } from '../../helpers/tree-snapshot.js';

// What a distro root needs to come out right. Runs as root, like vmatrix filling its store.

afterAll(removeSandboxes);

const T = new Date(1_500_000_000_000);
const mode = async (p: string): Promise<number> => (await lstat(p)).mode & 0o7777;

describe('extractTar: what a root needs', { tags: ['safety', 'archives'] }, () => {
  it('runs as root (owners, devices and capabilities need it)', () => {
    expect(process.getuid?.()).toBe(0);
  });

  it('keeps contents, modes (setuid, setgid, sticky), numeric owners and mtimes', async () => {
    const s = await sandbox();
    const r = await extractBuffer(
      await tarOf([
        { name: './', type: 'directory', mode: 0o755, mtime: T },
        { name: './usr/', type: 'directory', mtime: T },
        { name: './usr/bin/', type: 'directory', mtime: T },
        { name: './usr/bin/su', mode: 0o4755, content: 'su', mtime: T },
        { name: './usr/bin/wall', mode: 0o2755, gid: 5, content: 'wall', mtime: T },
        { name: './tmp/', type: 'directory', mode: 0o1777, mtime: T },
        { name: './home/u/notes', uid: 1000, gid: 1001, mode: 0o600, content: 'x'.repeat(100_000) },
      ]),
      s.root,
    );
    expect(r).toMatchObject({ entries: 7, bytes: 100_006 });
    expect(await readFile(join(s.root, 'usr/bin/su'), 'utf8')).toBe('su');
    expect(await mode(join(s.root, 'usr/bin/su'))).toBe(0o4755);
    expect(await mode(join(s.root, 'usr/bin/wall'))).toBe(0o2755);
    expect((await lstat(join(s.root, 'usr/bin/wall'))).gid).toBe(5);
    expect(await mode(join(s.root, 'tmp'))).toBe(0o1777);
    expect(await lstat(join(s.root, 'home/u/notes'))).toMatchObject({ uid: 1000, gid: 1001, size: 100_000 });
    expect((await lstat(join(s.root, 'usr/bin/su'))).mtimeMs).toBe(T.getTime());
    // Directory mtimes are set last, so creating children does not undo them.
    expect((await lstat(join(s.root, 'usr/bin'))).mtimeMs).toBe(T.getTime());
    expect((await lstat(s.root)).mtimeMs).toBe(T.getTime());
    await s.assertUntouched();
  });

  it('fills a read-only directory before making it read-only', async () => {
    const s = await sandbox();
    await extractBuffer(
      await tarOf([
        { name: 'proc/', type: 'directory', mode: 0o555 },
        { name: 'proc/inside', content: 'ok' },
      ]),
      s.root,
    );
    expect(await mode(join(s.root, 'proc'))).toBe(0o555);
    expect(await readFile(join(s.root, 'proc/inside'), 'utf8')).toBe('ok');
  });

  it('keeps symlinks verbatim (absolute ones too) with their owner and mtime', async () => {
    const s = await sandbox();
    await extractBuffer(
      await tarOf([
        { name: 'bin', type: 'symlink', linkname: 'usr/bin', uid: 7, mtime: T },
        { name: 'etc/localtime', type: 'symlink', linkname: '/usr/share/zoneinfo/Etc/UTC', mtime: T },
      ]),
      s.root,
    );
    expect(await readlink(join(s.root, 'bin'))).toBe('usr/bin');
    expect(await readlink(join(s.root, 'etc/localtime'))).toBe('/usr/share/zoneinfo/Etc/UTC');
    expect(await lstat(join(s.root, 'bin'))).toMatchObject({ uid: 7, mtimeMs: T.getTime() });
    await s.assertUntouched();
  });

  it('makes hardlinks share one inode', async () => {
    const s = await sandbox();
    await extractBuffer(
      await tarOf([
        { name: 'usr/bin/perl5.36', content: 'perl', mode: 0o755 },
        { name: 'usr/bin/perl', type: 'link', linkname: 'usr/bin/perl5.36' },
        { name: 'usr/bin/perl-abs', type: 'link', linkname: '/usr/bin/perl5.36' },
      ]),
      s.root,
    );
    const [a, b, c] = await Promise.all(['perl5.36', 'perl', 'perl-abs'].map((n) => lstat(join(s.root, 'usr/bin', n))));
    expect(b!.ino).toBe(a!.ino);
    expect(c!.ino).toBe(a!.ino);
    expect(a!.nlink).toBe(3);
  });

  it('reads PAX long names and link targets', async () => {
    const s = await sandbox();
    const deep = `${'d'.repeat(90)}/${'e'.repeat(90)}/${'f'.repeat(120)}`;
    await extractBuffer(
      await tarOf([
        { name: deep, content: 'long' },
        { name: 'short', type: 'symlink', linkname: deep },
        { name: 'ünïcödé-名前', content: 'utf8' },
      ]),
      s.root,
    );
    expect(await readFile(join(s.root, deep), 'utf8')).toBe('long');
    expect(await readlink(join(s.root, 'short'))).toBe(deep);
    expect(await readFile(join(s.root, 'ünïcödé-名前'), 'utf8')).toBe('utf8');
  });

  it('reads GNU long names (type L and K), as GNU tar writes them', async () => {
    const s = await sandbox();
    const src = join(s.scratch, 'gnu-src');
    const deep = `${'a'.repeat(120)}/${'b'.repeat(120)}`;
    await execOrThrow('sh', [
      '-c',
      `mkdir -p "$1/$2" && echo hi > "$1/$2/file" && ln -s "$2/file" "$1/${'l'.repeat(110)}"`,
      'sh',
      src,
      deep,
    ]);
    const archive = join(s.scratch, 'gnu.tar');
    await execOrThrow('tar', ['--format=gnu', '-cf', archive, '-C', src, '.']);
    await extractBuffer(await readFile(archive), s.root);
    expect(await readFile(join(s.root, deep, 'file'), 'utf8')).toBe('hi\n');
    expect(await readlink(join(s.root, 'l'.repeat(110)))).toBe(`${deep}/file`);
  });

  it('makes FIFOs and device nodes with their numbers, owners and modes', async () => {
    const s = await sandbox();
    const r = await extractBuffer(
      await tarOf([
        { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
        { name: 'dev/loop0', type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660, gid: 6 },
        { name: 'run/initctl', type: 'fifo', mode: 0o600, mtime: T },
      ]),
      s.root,
    );
    const nul = await lstat(join(s.root, 'dev/null'));
    expect(nul.isCharacterDevice()).toBe(true);
    expect([nul.rdev, nul.mode & 0o7777]).toEqual([0x103, 0o666]);
    const loop = await lstat(join(s.root, 'dev/loop0'));
    expect([loop.isBlockDevice(), loop.rdev, loop.gid, loop.mode & 0o7777]).toEqual([true, 0x700, 6, 0o660]);
    const fifo = await lstat(join(s.root, 'run/initctl'));
    expect([fifo.isFIFO(), fifo.mode & 0o7777, fifo.mtimeMs]).toEqual([true, 0o600, T.getTime()]);
    expect(r.skippedDevices).toBe(0);
  });

  it('skips device nodes when told to (an unprivileged extraction), and counts them', async () => {
    const s = await sandbox();
    const r = await extractBuffer(
      await tarOf([{ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 }]),
      s.root,
      { devices: false },
    );
    expect(r.skippedDevices).toBe(1);
    expect(await readdir(join(s.root, 'dev'))).toEqual([]);
  });

  it('applies a "./" entry to the root itself', async () => {
    const s = await sandbox();
    await extractBuffer(await tarOf([{ name: './', type: 'directory', mode: 0o751, uid: 3, mtime: T }]), s.root);
    expect(await stat(s.root)).toMatchObject({ uid: 3, mtimeMs: T.getTime() });
    expect(await mode(s.root)).toBe(0o751);
  });

  it('replaces what a later entry names again, and keeps a directory listed twice', async () => {
    const s = await sandbox();
    await extractBuffer(
      await tarOf([
        { name: 'etc/', type: 'directory' },
        { name: 'etc/a', content: 'first' },
        { name: 'etc/b', type: 'link', linkname: 'etc/a' },
        { name: 'etc/', type: 'directory', mode: 0o700 },
        { name: 'etc/a', content: 'second' },
        { name: 'x/', type: 'directory' },
        { name: 'x/child', content: 'c' },
        { name: 'x', content: 'now a file' },
        { name: 'y', content: 'a file' },
        { name: 'y/', type: 'directory' },
      ]),
      s.root,
    );
    expect(await readFile(join(s.root, 'etc/a'), 'utf8')).toBe('second');
    // The old inode is unlinked, not written through: the hardlink keeps the old content.
    expect(await readFile(join(s.root, 'etc/b'), 'utf8')).toBe('first');
    expect(await mode(join(s.root, 'etc'))).toBe(0o700);
    expect(await readFile(join(s.root, 'x'), 'utf8')).toBe('now a file');
    expect((await lstat(join(s.root, 'y'))).isDirectory()).toBe(true);
  });
});

describe('extractTar: extended attributes', { tags: ['safety', 'archives'] }, () => {
  // cap_net_raw+ep as a VFS_CAP_REVISION_2 value, the way `setcap` stores it on /usr/bin/ping.
  const netRaw = Buffer.from('0100000200200000000000000000000000000000', 'hex');

  it('sets security.capability and user.* from SCHILY.xattr PAX records, and drops the rest', async () => {
    const s = await sandbox();
    const r = await extractBuffer(
      await tarOf([
        {
          name: 'usr/bin/ping',
          mode: 0o755,
          content: 'ping',
          pax: {
            'SCHILY.xattr.security.capability': netRaw.toString('latin1'),
            'SCHILY.xattr.user.origin': 'debian',
            'SCHILY.xattr.trusted.overlay.opaque': 'y',
            'SCHILY.xattr.security.selinux': 'system_u:object_r:ping_exec_t:s0',
          },
        },
        { name: 'data/', type: 'directory', pax: { 'SCHILY.xattr.user.dir': 'yes' } },
      ]),
      s.root,
    );
    const attrs = await xattrsOf(s.root);
    expect(attrs.get('usr/bin/ping')).toEqual({
      'security.capability': `0x${netRaw.toString('hex')}`,
      'user.origin': '0x64656269616e',
    });
    expect(attrs.get('data')).toEqual({ 'user.dir': '0x796573' });
    expect(await execOrThrow('getcap', [join(s.root, 'usr/bin/ping')])).toContain('cap_net_raw=ep');
    expect(r.droppedXattrs).toEqual(['security.selinux', 'trusted.overlay.opaque']);
    const all = await execOrThrow('getfattr', ['-d', '-m', '-', '--absolute-names', join(s.root, 'usr/bin/ping')]);
    expect(all).not.toContain('trusted.');
  });

  it('keeps binary capabilities (bytes >= 0x80) written by GNU tar --xattrs', async () => {
    const s = await sandbox();
    const src = join(s.scratch, 'caps-src');
    await execOrThrow('sh', [
      '-c',
      'mkdir -p "$1" && printf x > "$1/tool" && chmod 755 "$1/tool" && setcap cap_setuid,cap_net_raw,cap_sys_admin+ep "$1/tool"',
      'sh',
      src,
    ]);
    const archive = join(s.scratch, 'caps.tar');
    await execOrThrow('tar', ['--format=pax', '--xattrs', '--xattrs-include=*', '-cf', archive, '-C', src, 'tool']);
    await extractBuffer(await readFile(archive), s.root);
    const want = (await xattrsOf(src)).get('tool')?.['security.capability'];
    expect(want).toMatch(/^0x0100000280/); // cap_setuid is bit 7: a byte UTF-8 decoding would destroy
    expect((await xattrsOf(s.root)).get('tool')?.['security.capability']).toBe(want);
    expect(await execOrThrow('getcap', [join(s.root, 'tool')])).toContain('cap_setuid,cap_net_raw,cap_sys_admin=ep');
  });

  it('sets attributes of many files in batches, exactly, whatever bytes the names hold; a name with a NUL is dropped', async () => {
    const s = await sandbox();
    const odd = 'user.a=b\nc d\\e\u00e9';
    const files: Parameters<typeof tarOf>[0] = Array.from({ length: 300 }, (_, i) => ({
      name: `d${i % 7}/f${i}`,
      content: 'x',
      pax: {
        [`LIBARCHIVE.xattr.${encodeURIComponent(odd)}`]: Buffer.from([i & 0xff, 0x3d, 0x0a]).toString('base64'),
        'SCHILY.xattr.user.empty': '',
        [`LIBARCHIVE.xattr.${encodeURIComponent('user.cut\0off')}`]: Buffer.from('x').toString('base64'),
      },
    }));
    const started = Date.now();
    const r = await extractBuffer(await tarOf(files), s.root);
    // One setfattr per attribute took ~15 ms each (600 here): in batches, 3 processes.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.droppedXattrs).toEqual(['user.cut\0off']);
    const attrs = await xattrsOf(s.root);
    for (let i = 0; i < 300; i += 37) {
      const hex = Buffer.from([i & 0xff, 0x3d, 0x0a]).toString('hex');
      // getfattr's own escapes: = newline and backslash in octal.
      expect(attrs.get(`d${i % 7}/f${i}`)).toEqual({
        'user.a\\075b\\012c d\\134e\u00e9': `0x${hex}`,
        'user.empty': '0x',
      });
    }
  });

  it("reads bsdtar's LIBARCHIVE.xattr records (base64 values)", async () => {
    const s = await sandbox();
    await extractBuffer(
      await tarOf([
        {
          name: 'f',
          content: 'x',
          pax: { 'LIBARCHIVE.xattr.user.note': Buffer.from([0xff, 0x00, 0x01]).toString('base64') },
        },
      ]),
      s.root,
    );
    expect((await xattrsOf(s.root)).get('f')).toEqual({ 'user.note': '0xff0001' });
  });
});

describe('extractTar: an input that fails', { tags: ['safety', 'archives'] }, () => {
  it('names the entry it broke in, even when it wrote and failed before the root was ready', async () => {
    const s = await sandbox();
    const tar = await tarOf([
      { name: 'etc/os-release', content: 'ID=x\n' },
      { name: 'usr/lib/big', content: 'x'.repeat(100_000) },
    ]);
    const input = new PassThrough();
    const extracting = extractTar(input, join(s.root, 'new'));
    // A decompressor that outran us: its output up to the damage, then its exit status, in the same tick.
    input.emit('data', tar.subarray(0, 50_000));
    input.destroy(envError('DECOMPRESS_FAILED', 'xz -dc (xz data) failed (exit 1)'));
    await expect(extracting).rejects.toMatchObject({
      code: 'DECOMPRESS_FAILED',
      message: 'xz -dc (xz data) failed (exit 1) (after archive entry "usr/lib/big")',
    });
    await s.assertUntouched();
  });
});
