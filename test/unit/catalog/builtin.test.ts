import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forArch } from '../../../src/catalog/catalog.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { hostArch } from '../../../src/catalog/parse.js';
import { packageManagers } from '../../../src/catalog/package-managers.js';
import { parseLxcIndex } from '../../../src/images/lxc-index.js';
import { packageRoot } from '../../../src/util/package-root.js';

// Every built-in entry, checked offline: it parses, resolves for each of its arches, installs with a known
// package manager, and its lxc sources name images that the server's index format lists (a fixture index
// in the real format, with the names images.linuxcontainers.org uses).

const BUILTIN = join(packageRoot(), 'distros');
const catalog = await loadCatalog([BUILTIN]);
const index = parseLxcIndex(await readFile(join(packageRoot(), 'test/fixtures/lxc/index-system'), 'utf8'));

describe('the built-in catalog, entry by entry', () => {
  it('has the families and releases vmatrix promises', () => {
    expect(catalog.list().map((e) => e.name)).toEqual(
      expect.arrayContaining([
        'ubuntu-20.04',
        'ubuntu-22.04',
        'ubuntu-24.04',
        'ubuntu-26.04',
        'ubuntu-26.10',
        'alpine-3.21',
        'alpine-3.22',
        'alpine-3.23',
        'alpine-3.24',
        'alpine-edge',
        'fedora-42',
        'fedora-43',
        'fedora-44',
        'fedora-rawhide',
        'rockylinux-8',
        'rockylinux-9',
        'rockylinux-10',
        'almalinux-8',
        'almalinux-9',
        'almalinux-10',
        'oraclelinux-8',
        'oraclelinux-9',
        'oraclelinux-10',
        'centos-stream-9',
        'centos-stream-10',
        'archlinux',
        'opensuse-15.6',
        'opensuse-16.0',
        'opensuse-tumbleweed',
        'amazonlinux-2023',
        'debian-11',
        'debian-12',
        'debian-13',
        'debian-14',
        'debian-sid',
        'busybox',
      ]),
    );
  });

  it('gives every entry its end of life, a dated one with the page that publishes it', () => {
    const list = catalog.list();
    expect(list.length).toBeGreaterThanOrEqual(40);
    expect(new Set(list.map((e) => e.family)).size).toBeGreaterThanOrEqual(14);
    for (const e of list) {
      expect(e.eol, e.name).toMatch(/^(rolling|\d{4}-\d{2}-\d{2})$/);
      if (e.eol !== 'rolling') expect(e.eolSource, e.name).toMatch(/^https:\/\//);
    }
    const rolling = list.filter((e) => e.eol === 'rolling').map((e) => e.name);
    expect(rolling.sort()).toEqual(
      [
        'alpine-edge',
        'archlinux',
        'busybox',
        'debian-14',
        'debian-sid',
        'fedora-rawhide',
        'gentoo-openrc',
        'gentoo-systemd',
        'opensuse-tumbleweed',
        'void-glibc',
        'void-musl',
      ].sort(),
    );
  });

  it.each(catalog.list().map((e) => [e.name, e] as const))(
    '%s resolves for each of its arches, with a known package manager',
    (name, e) => {
      expect(packageManagers[e.packageManager]).toBeDefined();
      expect(e.shell).toBe('/bin/sh');
      expect(e.arches.length).toBeGreaterThan(0);
      for (const arch of e.arches) {
        const resolved = catalog.resolve(name, { arch });
        expect(resolved).toMatchObject({ name, arch });
        expect(resolved.sources.length).toBeGreaterThan(0);
        for (const s of resolved.sources) if (s.kind === 'tarball') expect([undefined, arch]).toContain(s.arch);
      }
    },
  );

  it.each(
    catalog
      .list()
      .filter((e) => e.sources.some((s) => s.kind === 'lxc'))
      .map((e) => [e.name, e] as const),
  )('%s names an image the LXC index lists for each arch', (_name, e) => {
    for (const s of e.sources) {
      if (s.kind !== 'lxc') continue;
      for (const arch of e.arches) {
        const hit = index.find(
          (i) =>
            i.dist === s.dist && i.release === s.release && i.arch === arch && i.variant === (s.variant ?? 'default'),
        );
        expect(hit, `${s.dist};${s.release};${arch}`).toBeDefined();
      }
    }
  });

  it('resolves the aliases people reach for', () => {
    const names = Object.fromEntries(
      [
        'ubuntu-lts',
        'ubuntu-noble',
        'ubuntu-jammy',
        'ubuntu-focal',
        'ubuntu-resolute',
        'debian-stable',
        'debian-oldstable',
        'debian-oldoldstable',
        'debian-testing',
        'debian-unstable',
        'alpine-latest',
        'fedora-latest',
      ].map((alias) => [alias, catalog.resolve(alias, { arch: 'amd64' }).name]),
    );
    expect(names).toEqual({
      'ubuntu-lts': 'ubuntu-26.04',
      'ubuntu-noble': 'ubuntu-24.04',
      'ubuntu-jammy': 'ubuntu-22.04',
      'ubuntu-focal': 'ubuntu-20.04',
      'ubuntu-resolute': 'ubuntu-26.04',
      'debian-stable': 'debian-13',
      'debian-oldstable': 'debian-12',
      'debian-oldoldstable': 'debian-11',
      'debian-testing': 'debian-14',
      'debian-unstable': 'debian-sid',
      'alpine-latest': 'alpine-3.24',
      'fedora-latest': 'fedora-45',
    });
  });

  it('keeps only the tarballs of the selected arch, and says which arches a distro has', () => {
    const arm = catalog.resolve('alpine-3.20', { arch: 'aarch64' });
    expect(arm.arch).toBe('arm64');
    expect(arm.sources.map((s) => (s.kind === 'tarball' ? s.url.split('/').at(-1) : s.kind))).toEqual([
      'alpine-minirootfs-3.20.3-aarch64.tar.gz',
    ]);
    expect(() => catalog.resolve('fedora-41', { arch: 'riscv64' })).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_ARCH',
        exit: 2,
        message: 'fedora-41 has no riscv64 images: it has amd64, arm64',
      }),
    );
  });

  it('lists only the distros of an arch when asked, each with that arch selected', () => {
    const arm = catalog.list('aarch64');
    expect(arm.map((e) => e.name)).toEqual(expect.arrayContaining(['ubuntu-24.04', 'alpine-edge', 'debian-12']));
    expect(arm.every((e) => e.arch === 'arm64' && e.arches.includes('arm64'))).toBe(true);
    expect(catalog.list('sparc')).toEqual([]);
    expect(catalog.list().find((e) => e.name === 'busybox')?.arch).toBe(hostArch());
  });

  it('seen for one arch (--arch), resolves names to it unless told otherwise', () => {
    const arm = forArch(catalog, 'arm64');
    expect(arm.resolve('ubuntu-lts').arch).toBe('arm64');
    expect(arm.resolve('ubuntu-lts', { arch: 'amd64' }).arch).toBe('amd64');
    expect(forArch(catalog, undefined)).toBe(catalog);
    expect(catalog.resolve('ubuntu-lts').arch).toBe(hostArch());
  });

  it('names no package registry host, only image servers (which the user can override)', async () => {
    // Text files only: distros/keys holds binary keyrings beside its README.
    const files = (await readdir(BUILTIN, { recursive: true, withFileTypes: true })).filter(
      (d) => d.isFile() && !d.name.endsWith('.gpg'),
    );
    expect(files.map((d) => d.name)).toContain('README.md');
    for (const d of files) {
      const text = await readFile(join(d.parentPath, d.name), 'utf8');
      expect(text).not.toMatch(/deb\.debian\.org|security\.debian|archive\.ubuntu|registry\.npmjs|npmjs\.org/);
    }
  });
});
