import { describe, expect, it } from 'vitest';
import {
  compilerDifferences,
  envDifferences,
  libcDifference,
  packageDifferences,
  packageRank,
} from '../../../src/triage/packages.js';
import { cell, inventory, pkgs } from './fixtures.js';

const f = cell('debian-11/cc=gcc', { status: 'failed' });
const p = cell('debian-12/cc=gcc');

describe('package differences', () => {
  it('rank the C library first, then the toolchain, then libraries, then the rest, each by name', () => {
    const a = inventory(f, {
      packages: pkgs({
        zlib1g: '1:1.2.11',
        'libssl1.1': '1.1.1w',
        libc6: '2.31-13',
        'libc-bin': '2.31-13',
        binutils: '2.35.2',
        'gcc-10': '10.2.1',
        'libstdc++6': '10.2.1',
        cmake: '3.18.4',
        same: '1',
        bash: '5.1',
      }),
    });
    const b = inventory(p, {
      packages: pkgs({
        zlib1g: '1:1.2.13',
        libssl3: '3.0.15',
        libc6: '2.36-9',
        'libc-bin': '2.36-9',
        binutils: '2.40',
        'gcc-12': '12.2.0',
        'libstdc++6': '12.2.0',
        cmake: '3.25.1',
        same: '1',
        bash: '5.2',
      }),
    });
    const d = packageDifferences(a, b);
    expect(d.total).toBe(11);
    expect(d.differences.map((x) => `${x.rank} ${x.name} ${x.failing ?? '-'} ${x.passing ?? '-'}`)).toEqual([
      'libc libc-bin 2.31-13 2.36-9',
      'libc libc6 2.31-13 2.36-9',
      'toolchain binutils 2.35.2 2.40',
      'toolchain cmake 3.18.4 3.25.1',
      'toolchain gcc-10 10.2.1 -',
      'toolchain gcc-12 - 12.2.0',
      'toolchain libstdc++6 10.2.1 12.2.0',
      'library libssl1.1 1.1.1w -',
      'library libssl3 - 3.0.15',
      'other bash 5.1 5.2',
      'other zlib1g 1:1.2.11 1:1.2.13',
    ]);
  });

  it('puts the C library before everything even when its name sorts last (musl, glibc)', () => {
    expect(packageRank('musl')).toBe('libc');
    expect(packageRank('glibc-devel')).toBe('libc');
    const a = inventory(f, { packages: pkgs({ aaa: '1', musl: '1.2.4-r2', gcc: '12' }) });
    const b = inventory(p, { packages: pkgs({ aaa: '2', musl: '1.2.5-r0', gcc: '13' }) });
    expect(packageDifferences(a, b).differences.map((x) => x.name)).toEqual(['musl', 'gcc', 'aaa']);
  });

  it('ranks toolchain names exactly, not by prefix alone', () => {
    expect(
      ['make', 'makedev', 'cppcheck', 'g++-12', 'pkgconf', 'libgcc-s1', 'ninja-build', 'libfoo', 'curl'].map((name) =>
        packageRank(name),
      ),
    ).toEqual(['toolchain', 'other', 'other', 'toolchain', 'toolchain', 'toolchain', 'toolchain', 'library', 'other']);
  });

  it('puts what the config asked for right after the C library, before the toolchain', () => {
    const a = inventory(f, {
      packages: pkgs({ libc6: '2.31', 'golang-go': '2:1.15~1', gcc: '10', libfoo: '1' }),
      requested: ['golang-go', 'libfoo=1'],
    });
    const b = inventory(p, { packages: pkgs({ libc6: '2.36', 'golang-go': '2:1.19~1', gcc: '12', libfoo: '2' }) });
    const diff = packageDifferences(a, b).differences;
    expect(diff.map((x) => [x.rank, x.name])).toEqual([
      ['libc', 'libc6'],
      ['requested', 'golang-go'],
      ['requested', 'libfoo'],
      ['toolchain', 'gcc'],
    ]);
  });

  it('ranks language toolchains with the C toolchain, by their exact names', () => {
    const toolchains = ['golang-1.19-go', 'golang-go', 'go', 'rustc', 'cargo', 'python3.11', 'python3', 'nodejs'];
    const more = ['openjdk-17-jdk-headless', 'java-21-openjdk-devel', 'ruby3.1', 'perl', 'dev-lang/go', 'ghc'];
    for (const name of [...toolchains, ...more]) expect(packageRank(name), name).toBe('toolchain');
    for (const name of ['go-md2man', 'golang-github-foo-dev', 'python3-yaml', 'perl-modules-5.36', 'rustfmt'])
      expect(packageRank(name), name).not.toBe('toolchain');
  });

  it('joins the versions of a package installed for several arches', () => {
    const a = inventory(f, {
      packages: [
        { name: 'libc6', version: '2.36', arch: 'amd64' },
        { name: 'libc6', version: '2.36', arch: 'i386' },
      ],
    });
    const b = inventory(p, { packages: [{ name: 'libc6', version: '2.36', arch: 'amd64' }] });
    expect(packageDifferences(a, b).total).toBe(0);
  });
});

describe('libc and compilers', () => {
  it('differ by name or version, one side possibly unknown', () => {
    const glibc = { name: 'glibc', version: '2.31', from: 'libc6' };
    expect(libcDifference(inventory(f, { libc: glibc }), inventory(p, { libc: { ...glibc } }))).toBeUndefined();
    expect(
      libcDifference(inventory(f, { libc: glibc }), inventory(p, { libc: { ...glibc, version: '2.36' } })),
    ).toEqual({
      failing: glibc,
      passing: { ...glibc, version: '2.36' },
    });
    expect(libcDifference(inventory(f, { libc: glibc }), inventory(p))).toEqual({ failing: glibc });
  });

  it('are compared per compiler name', () => {
    const gcc10 = { name: 'gcc', version: '10.2.1', from: 'gcc-10' };
    const gcc12 = { name: 'gcc', version: '12.2.0', from: 'gcc-12' };
    const clang = { name: 'clang', version: '16', from: 'clang-16' };
    expect(
      compilerDifferences(inventory(f, { compilers: [gcc10, clang] }), inventory(p, { compilers: [clang, gcc12] })),
    ).toEqual([{ name: 'gcc', failing: [gcc10], passing: [gcc12] }]);
  });
});

describe('env differences', () => {
  it('leave out what differs by design (vmatrix, hostname, axes, the cell id in a value)', () => {
    const a = inventory(f, {
      env: { VMATRIX_CELL: f.id, HOSTNAME: f.slug, CC: 'gcc', OUT: `/out/${f.slug}`, LANG: 'C', ONLY: 'x' },
    });
    const b = inventory(p, {
      env: { VMATRIX_CELL: p.id, HOSTNAME: p.slug, CC: 'clang', OUT: `/out/${p.slug}`, LANG: 'C.UTF-8' },
    });
    expect(envDifferences({ inv: a, cell: f }, { inv: b, cell: p })).toEqual([
      { name: 'LANG', failing: 'C', passing: 'C.UTF-8' },
      { name: 'ONLY', failing: 'x' },
    ]);
  });
});
