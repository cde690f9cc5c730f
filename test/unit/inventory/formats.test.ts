import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPackageInventory } from '../../../src/inventory/index.js';
import { fromDirName } from '../../../src/inventory/pacman.js';
import { fromPf } from '../../../src/inventory/portage.js';
import { makeLayers, put, removeLayers, type Layers } from './layers.js';
import { APK_INSTALLED, DPKG_STATUS, pacmanDesc, XBPS_PKGDB } from './samples.js';

// Each package manager's database in its upstream format, read through a two-layer root.

let l: Layers;
beforeEach(async () => {
  l = await makeLayers();
});
afterEach(() => removeLayers(l));

describe('dpkg', () => {
  it('keeps installed packages only, by name then arch, with libc6 and the compilers', async () => {
    await put(l.lower, 'var/lib/dpkg/status', DPKG_STATUS);
    const inv = await readPackageInventory(l.lowerdirs, 'apt');
    expect(inv.packages).toEqual([
      { name: 'adduser', version: '3.134', arch: 'all' },
      { name: 'clang-14', version: '1:14.0.6-12', arch: 'amd64' },
      { name: 'gcc', version: '4:12.2.0-3', arch: 'amd64' },
      { name: 'gcc-10', version: '10.2.1-6', arch: 'amd64' },
      { name: 'gcc-12', version: '12.2.0-14+deb12u1', arch: 'amd64' },
      { name: 'libc6', version: '2.36-9+deb12u14', arch: 'amd64' },
      { name: 'libc6', version: '2.36-9+deb12u14', arch: 'i386' },
    ]);
    expect(inv.packagesNote).toBeUndefined();
    expect(inv.libc).toEqual({ name: 'glibc', version: '2.36-9+deb12u14', from: 'libc6' });
    expect(inv.compilers).toEqual([
      { name: 'clang', version: '1:14.0.6-12', from: 'clang-14' },
      { name: 'gcc', version: '10.2.1-6', from: 'gcc-10' },
      { name: 'gcc', version: '12.2.0-14+deb12u1', from: 'gcc-12' },
    ]);
  });

  it('applies the updates journal in numeric order, over status', async () => {
    await put(l.lower, 'var/lib/dpkg/status', DPKG_STATUS);
    const update = (version: string, status = 'install ok installed') =>
      `Package: gcc-12\nStatus: ${status}\nArchitecture: amd64\nVersion: ${version}\nDescription: GNU C compiler\n`;
    await put(l.upper, 'var/lib/dpkg/updates/0009', update('12.2.0-14+deb12u9'));
    await put(l.upper, 'var/lib/dpkg/updates/0010', update('12.2.0-14+deb12u10'));
    await put(
      l.upper,
      'var/lib/dpkg/updates/0002',
      'Package: adduser\nStatus: deinstall ok config-files\nArchitecture: all\nVersion: 3.134\n',
    );
    await put(l.upper, 'var/lib/dpkg/updates/tmp.i', update('99', 'install ok installed'));
    const inv = await readPackageInventory(l.lowerdirs, 'apt');
    expect(inv.packages.find((p) => p.name === 'gcc-12')?.version).toBe('12.2.0-14+deb12u10');
    expect(inv.packages.map((p) => p.name)).not.toContain('adduser');
  });

  it('says so when there is no status file', async () => {
    const inv = await readPackageInventory(l.lowerdirs, 'apt');
    expect(inv).toEqual({
      packageManager: 'apt',
      packages: [],
      packagesNote: '/var/lib/dpkg/status: not found',
      compilers: [],
    });
  });
});

describe('apk', () => {
  it('reads P:, V: and A: of each paragraph, skipping the file lines', async () => {
    await put(l.lower, 'lib/apk/db/installed', APK_INSTALLED);
    const inv = await readPackageInventory(l.lowerdirs, 'apk');
    expect(inv.packages).toEqual([
      { name: 'busybox', version: '1.36.1-r29', arch: 'x86_64' },
      { name: 'clang17', version: '17.0.6-r1', arch: 'x86_64' },
      { name: 'gcc', version: '13.2.1_git20240309-r0', arch: 'x86_64' },
      { name: 'musl', version: '1.2.5-r0', arch: 'x86_64' },
    ]);
    expect(inv.libc).toEqual({ name: 'musl', version: '1.2.5-r0', from: 'musl' });
    expect(inv.compilers.map((c) => c.from)).toEqual(['clang17', 'gcc']);
  });
});

describe('pacman', () => {
  it('reads each package dir desc, and names one without a readable desc from its dir', async () => {
    const local = 'var/lib/pacman/local';
    await put(l.lower, `${local}/ALPM_DB_VERSION`, '9\n');
    await put(
      l.lower,
      `${local}/glibc-2.39+r52+gf8e4623421-1/desc`,
      pacmanDesc('glibc', '2.39+r52+gf8e4623421-1', 'x86_64'),
    );
    await put(
      l.lower,
      `${local}/gcc-14.1.1+r58+gfc9fb69ad62-1/desc`,
      pacmanDesc('gcc', '14.1.1+r58+gfc9fb69ad62-1', 'x86_64'),
    );
    await put(l.lower, `${local}/ca-certificates-mozilla-3.101-1/files`, '%FILES%\n');
    const inv = await readPackageInventory(l.lowerdirs, 'pacman');
    expect(inv.packages).toEqual([
      { name: 'ca-certificates-mozilla', version: '3.101-1' },
      { name: 'gcc', version: '14.1.1+r58+gfc9fb69ad62-1', arch: 'x86_64' },
      { name: 'glibc', version: '2.39+r52+gf8e4623421-1', arch: 'x86_64' },
    ]);
    expect(inv.libc).toEqual({ name: 'glibc', version: '2.39+r52+gf8e4623421-1', from: 'glibc' });
    expect(inv.compilers).toEqual([{ name: 'gcc', version: '14.1.1+r58+gfc9fb69ad62-1', from: 'gcc' }]);
  });

  it('splits a dir name before its version and release', () => {
    expect(fromDirName('lib32-glibc-2.39-1')).toEqual({ name: 'lib32-glibc', version: '2.39-1' });
    expect(fromDirName('nodash')).toBeUndefined();
  });
});

describe('xbps', () => {
  it('reads pkgdb-0.38.plist: installed packages, version after the last dash of pkgver', async () => {
    await put(l.lower, 'var/db/xbps/pkgdb-0.38.plist', XBPS_PKGDB);
    const inv = await readPackageInventory(l.lowerdirs, 'xbps');
    expect(inv.packages).toEqual([
      { name: 'base-files', version: '0.144_1', arch: 'x86_64' },
      { name: 'gcc', version: '13.2.0_2', arch: 'x86_64' },
      { name: 'glibc', version: '2.39_2', arch: 'x86_64' },
    ]);
    expect(inv.libc).toEqual({ name: 'glibc', version: '2.39_2', from: 'glibc' });
    expect(inv.compilers).toEqual([{ name: 'gcc', version: '13.2.0_2', from: 'gcc' }]);
  });

  it('says so of a file that is not a property list', async () => {
    await put(l.lower, 'var/db/xbps/pkgdb-0.38.plist', '<html><body>not a plist</body></html>');
    const inv = await readPackageInventory(l.lowerdirs, 'xbps');
    expect(inv.packages).toEqual([]);
    expect(inv.packagesNote).toMatch(/pkgdb-0\.38\.plist: not a property list/);
  });
});

describe('portage', () => {
  it('names packages category/PN from /var/db/pkg dirs, skipping merges in progress and files', async () => {
    const vdb = join(l.lower, 'var/db/pkg');
    for (const pf of ['sys-libs/glibc-2.39-r6', 'sys-devel/gcc-13.2.1_p20240210', 'sys-devel/gcc-14.1.1_p20240622-r1'])
      await mkdir(join(vdb, pf), { recursive: true });
    await mkdir(join(vdb, 'llvm-core/clang-18.1.8'), { recursive: true });
    await mkdir(join(vdb, 'app-misc/-MERGING-screen-4.9.1'), { recursive: true });
    await put(l.lower, 'var/db/pkg/app-misc/stray-1.0', 'a file, not a package');
    const inv = await readPackageInventory(l.lowerdirs, 'emerge');
    expect(inv.packages).toEqual([
      { name: 'llvm-core/clang', version: '18.1.8' },
      { name: 'sys-devel/gcc', version: '13.2.1_p20240210' },
      { name: 'sys-devel/gcc', version: '14.1.1_p20240622-r1' },
      { name: 'sys-libs/glibc', version: '2.39-r6' },
    ]);
    expect(inv.libc).toEqual({ name: 'glibc', version: '2.39-r6', from: 'sys-libs/glibc' });
    expect(inv.compilers.map((c) => `${c.name} ${c.version}`)).toEqual([
      'clang 18.1.8',
      'gcc 13.2.1_p20240210',
      'gcc 14.1.1_p20240622-r1',
    ]);
  });

  it("splits PF with portage's version syntax", () => {
    expect(fromPf('media-fonts', 'font-adobe-100dpi-1.0.3-r4')).toEqual({
      name: 'media-fonts/font-adobe-100dpi',
      version: '1.0.3-r4',
    });
    expect(fromPf('dev-libs', 'openssl-3.0.13_rc1_p2')).toEqual({ name: 'dev-libs/openssl', version: '3.0.13_rc1_p2' });
    expect(fromPf('x', 'noversion')).toBeUndefined();
  });
});

describe('rpm and none', () => {
  it('says an rpm root without a database has none, and finds glibc from its libc.so.6', async () => {
    const banner = 'GNU C Library (GNU libc) stable release version 2.34.\nCopyright (C) 2021 Free Software Foundation';
    await put(
      l.lower,
      'usr/lib64/libc.so.6',
      Buffer.concat([Buffer.alloc(4096, 0x7f), Buffer.from(banner), Buffer.alloc(64)]),
    );
    const inv = await readPackageInventory(l.lowerdirs, 'dnf');
    expect(inv).toEqual({
      packageManager: 'dnf',
      packages: [],
      packagesNote: 'no rpm database found (/usr/lib/sysimage/rpm/rpmdb.sqlite, /var/lib/rpm/rpmdb.sqlite)',
      libc: { name: 'glibc', version: '2.34', from: '/usr/lib64/libc.so.6' },
      compilers: [],
    });
  });

  it('finds libc.so.6 in a multiarch dir through a linked /lib', async () => {
    const banner = 'GNU C Library (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36.\n';
    await put(l.lower, 'usr/lib/x86_64-linux-gnu/libc.so.6', banner);
    const { symlink } = await import('node:fs/promises');
    await symlink('usr/lib', join(l.lower, 'lib'));
    const inv = await readPackageInventory(l.lowerdirs, 'zypper');
    expect(inv.libc).toEqual({ name: 'glibc', version: '2.36', from: '/lib/x86_64-linux-gnu/libc.so.6' });
  });

  it('says an image without a package manager has none, and gives no libc without a version', async () => {
    await put(l.lower, 'lib/ld-musl-x86_64.so.1', 'musl');
    const inv = await readPackageInventory(l.lowerdirs, 'none');
    expect(inv).toEqual({
      packageManager: 'none',
      packages: [],
      packagesNote: 'the image has no package manager',
      compilers: [],
    });
  });
});
