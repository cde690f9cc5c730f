import { describe, expect, it } from 'vitest';
import {
  clearsignedBody,
  gentooArch,
  parseDigests,
  parseLatestStage3,
  sha512For,
  underBase,
} from '../../../src/images/gentoo-index.js';
import { checksumEntries } from '../../../src/images/sha256sums.js';
import { newestRootfs, voidArch } from '../../../src/images/void.js';

// The upstream files as Gentoo's autobuilds and Void's live directory publish them (see the comments of
// src/images/gentoo-index.ts and src/images/void.ts for the sources); the hex is made up.

const TARBALL = 'stage3-amd64-openrc-20261130T164622Z.tar.xz';
const S = (c: string): string => c.repeat(128);

const LATEST = `-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

# Latest as of Mon, 30 Nov 2026 17:05:11 +0000
# ts=1796058311
20261130T164622Z/${TARBALL} 285643092
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCAAdFiEEE+u9vt56Encd/bG6u1cuDi0YKRAFAmlMhzsACgkQu1cuDi0Y
=AbCd
-----END PGP SIGNATURE-----
`;

const DIGESTS = `-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

# BLAKE2B HASH
${S('b')}  ${TARBALL}
# SHA512 HASH
${S('a')}  ${TARBALL}
# BLAKE2B HASH
${S('c')}  ${TARBALL}.CONTENTS.gz
# SHA512 HASH
${S('d')}  ${TARBALL}.CONTENTS.gz
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCgAdFiEEE+u9vt56Encd/bG6u1cuDi0YKRAFAmlMhzsACgkQu1cuDi0Y
=EfGh
-----END PGP SIGNATURE-----
`;

describe("Gentoo's autobuild files", () => {
  it('reads the clearsigned body: armour headers and signature left out, dash-escaped lines restored', () => {
    const text =
      '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nline 1\n- -dashed\n-----BEGIN PGP SIGNATURE-----\nxx\n';
    expect(clearsignedBody(text)).toBe('line 1\n-dashed');
    expect(clearsignedBody('plain\ntext\n')).toBe('plain\ntext\n');
  });

  it('finds the path and size in latest-stage3-*.txt, signed or not, skipping comments', () => {
    expect(parseLatestStage3(LATEST)).toEqual([{ path: `20261130T164622Z/${TARBALL}`, size: 285643092 }]);
    expect(parseLatestStage3(`# ts=1\n\n20261130T164622Z/${TARBALL} 12\n`)).toEqual([
      { path: `20261130T164622Z/${TARBALL}`, size: 12 },
    ]);
    expect(parseLatestStage3('# Latest as of …\n<html>not found</html>\n')).toEqual([]);
  });

  it('accepts only plain relative paths under the autobuilds directory', () => {
    const base = 'https://mirror.example/gentoo/releases/amd64/autobuilds/';
    expect(underBase(base, `20261130T164622Z/${TARBALL}`)).toBe(`${base}20261130T164622Z/${TARBALL}`);
    for (const bad of [
      `../../../etc/${TARBALL}`,
      `20261130T164622Z/../../${TARBALL}`,
      `./${TARBALL}`,
      `/releases/${TARBALL}`,
      `//evil.example/${TARBALL}`,
      `http://evil.example/${TARBALL}`,
      `%2e%2e/${TARBALL}`,
      `a\\..\\${TARBALL}`,
      `${TARBALL}?x=1`,
    ]) {
      expect(underBase(base, bad), bad).toBeUndefined();
    }
  });

  it("takes the tarball's own SHA512 line, not its BLAKE2B nor the CONTENTS file's", () => {
    const digests = parseDigests(DIGESTS);
    expect(digests.map((d) => `${d.algorithm} ${d.file}`)).toEqual([
      `BLAKE2B ${TARBALL}`,
      `SHA512 ${TARBALL}`,
      `BLAKE2B ${TARBALL}.CONTENTS.gz`,
      `SHA512 ${TARBALL}.CONTENTS.gz`,
    ]);
    expect(sha512For(digests, TARBALL)).toBe(S('a'));
    expect(sha512For(digests, `${TARBALL}.CONTENTS.gz`)).toBe(S('d'));
    expect(sha512For(digests, 'stage3-amd64-systemd-20261130T164622Z.tar.xz')).toBeUndefined();
    // A SHA512 line too short to be one is no digest.
    expect(sha512For(parseDigests(`# SHA512 HASH\n${'a'.repeat(64)}  ${TARBALL}\n`), TARBALL)).toBeUndefined();
  });

  it("maps Debian's architecture names to Gentoo's", () => {
    expect(['amd64', 'arm64', 'riscv64'].map(gentooArch)).toEqual(['amd64', 'arm64', undefined]);
  });
});

describe("Void's sha256sum.txt", () => {
  // As `sha256 * > sha256sum.txt` writes it in void-mklive's Makefile: BSD tag lines, one per file.
  const SUMS = [
    `SHA256 (void-aarch64-ROOTFS-20261115.tar.xz) = ${'1'.repeat(64)}`,
    `SHA256 (void-live-x86_64-20261115-base.iso) = ${'2'.repeat(64)}`,
    `SHA256 (void-x86_64-ROOTFS-20261115.tar.xz) = ${'3'.repeat(64)}`,
    `SHA256 (void-x86_64-musl-ROOTFS-20261115.tar.xz) = ${'4'.repeat(64)}`,
    `SHA256 (void-x86_64-NETBOOT-20261115.tar.gz) = ${'5'.repeat(64)}`,
    `SHA256 (void-rpi-aarch64-PLATFORMFS-20261115.tar.xz) = ${'6'.repeat(64)}`,
    '',
  ].join('\n');

  it('reads BSD tag lines as well as GNU ones', () => {
    expect(checksumEntries(SUMS)[2]).toEqual({ file: 'void-x86_64-ROOTFS-20261115.tar.xz', sha256: '3'.repeat(64) });
    expect(checksumEntries(`${'A'.repeat(64)}  void-x86_64-ROOTFS-20261115.tar.xz\n`)).toEqual([
      { file: 'void-x86_64-ROOTFS-20261115.tar.xz', sha256: 'a'.repeat(64) },
    ]);
  });

  it('picks the ROOTFS of the arch and C library asked for, the newest date when several are listed', () => {
    expect(newestRootfs(SUMS, 'x86_64')).toEqual({
      file: 'void-x86_64-ROOTFS-20261115.tar.xz',
      sha256: '3'.repeat(64),
    });
    expect(newestRootfs(SUMS, 'x86_64-musl')?.sha256).toBe('4'.repeat(64));
    expect(newestRootfs(SUMS, 'aarch64')?.sha256).toBe('1'.repeat(64));
    expect(newestRootfs(SUMS, 'aarch64-musl')).toBeUndefined();
    const two = `${SUMS}SHA256 (void-x86_64-ROOTFS-20261201.tar.xz) = ${'7'.repeat(64)}\n`;
    expect(newestRootfs(two, 'x86_64')?.file).toBe('void-x86_64-ROOTFS-20261201.tar.xz');
    // A name with a directory in it is not a file of this directory.
    expect(
      newestRootfs(`SHA256 (../void-x86_64-ROOTFS-20261115.tar.xz) = ${'8'.repeat(64)}\n`, 'x86_64'),
    ).toBeUndefined();
  });

  it("maps Debian's architecture names to Void's", () => {
    expect(['amd64', 'arm64', 'ppc64el'].map(voidArch)).toEqual(['x86_64', 'aarch64', undefined]);
  });
});
