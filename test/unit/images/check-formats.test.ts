import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  alpinePin,
  compareVersions,
  latestMinirootfs,
  parseLatestReleases,
} from '../../../src/images/alpine-releases.js';
import { clearsignedBody, isClearsigned } from '../../../src/images/clearsigned.js';
import { probeEntries, type EntryProbe } from '../../../src/images/probe.js';
import { checksumEntries, digestFor } from '../../../src/images/sha256sums.js';
import { testDistro } from '../../helpers/distro.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const BASE = 'Fedora-Container-Base-Generic-43-1.6.x86_64.oci.tar.xz';
const MINIMAL = 'Fedora-Container-Minimal-Base-43-1.6.x86_64.oci.tar.xz';

// Fedora's CHECKSUM files (e.g. releases/43/Container/x86_64/images/Fedora-Container-43-1.6-x86_64-CHECKSUM):
// clearsigned, with a `# <file>: <n> bytes` comment and a BSD-tag line per image.
const FEDORA_CHECKSUM = [
  '-----BEGIN PGP SIGNED MESSAGE-----',
  'Hash: SHA256',
  '',
  `# ${BASE}: 49283072 bytes`,
  `SHA256 (${BASE}) = ${A}`,
  `# ${MINIMAL}: 38123520 bytes`,
  `SHA256 (${MINIMAL}) = ${B}`,
  '- -----dash-escaped line, as RFC 4880 writes a signed line that starts with a dash',
  '-----BEGIN PGP SIGNATURE-----',
  '',
  'iQIzBAEBCAAdFiEEE+u9vt56Encd/bG6u1cuDi0YKRAFAmlMhzsACgkQu1cuDi0Y',
  `${'c'.repeat(64)}  looks-like-a-gnu-line-inside-the-armour.tar.xz`,
  '=AbCd',
  '-----END PGP SIGNATURE-----',
  `SHA256 (${BASE}) = ${'d'.repeat(64)}`,
  '',
].join('\n');

describe("Fedora's clearsigned CHECKSUM", () => {
  it('is read for its signed part only: BSD-tag lines found, armour and what follows it ignored', () => {
    expect(isClearsigned(FEDORA_CHECKSUM)).toBe(true);
    const body = clearsignedBody(FEDORA_CHECKSUM);
    expect(checksumEntries(body)).toEqual([
      { file: BASE, sha256: A },
      { file: MINIMAL, sha256: B },
    ]);
    expect(digestFor(body, BASE)).toBe(A);
    expect(body).toContain('\n-----dash-escaped line');
    expect(digestFor(body, 'looks-like-a-gnu-line-inside-the-armour.tar.xz')).toBeUndefined();
  });

  it('a list that is not clearsigned is read whole', () => {
    const plain = `${A}  ${BASE}\n`;
    expect(isClearsigned(plain)).toBe(false);
    expect(clearsignedBody(plain)).toBe(plain);
  });
});

// Alpine's latest-releases.yaml as dl-cdn.alpinelinux.org serves it in each releases/<arch>/ directory.
const release = (flavor: string, version: string, arch = 'x86_64'): string =>
  [
    '-',
    `  title: "${flavor}"`,
    '  desc: |',
    '    Minimal root filesystem.',
    '    version: 9.9.9 (a line of the description, not the version)',
    '  branch: v3.21',
    `  arch: ${arch}`,
    `  version: ${version}`,
    `  flavor: ${flavor}`,
    `  file: ${flavor}-${version}-${arch}.tar.gz`,
    `  iso: ${flavor}-${version}-${arch}.tar.gz`,
    '  date: 2026-10-02',
    '  time: 09:14:07',
    '  size: 3657216',
    `  sha256: ${A}`,
    `  sha512: ${'e'.repeat(128)}`,
  ].join('\n');

describe("Alpine's latest-releases.yaml", () => {
  const yaml = [
    '---',
    release('alpine-standard', '3.21.5'),
    release('alpine-minirootfs', '3.21.5'),
    release('alpine-minirootfs', '3.21.4', 'aarch64'),
    '',
  ].join('\n');

  it('gives the newest minirootfs of the arch, with its version and file', () => {
    const releases = parseLatestReleases(yaml);
    expect(releases).toHaveLength(3);
    expect(latestMinirootfs(releases, 'x86_64')).toEqual({
      branch: 'v3.21',
      arch: 'x86_64',
      version: '3.21.5',
      flavor: 'alpine-minirootfs',
      file: 'alpine-minirootfs-3.21.5-x86_64.tar.gz',
    });
    expect(latestMinirootfs(releases, 'aarch64')?.version).toBe('3.21.4');
    expect(latestMinirootfs(releases, 'riscv64')).toBeUndefined();
  });

  it('refuses what is not a list of releases', () => {
    expect(() => parseLatestReleases('title: x\n')).toThrow('not a YAML list of releases');
    expect(() => parseLatestReleases('- [unclosed\n')).toThrow();
  });

  it('compares versions number by number, a release candidate before its release', () => {
    expect(compareVersions('3.21.10', '3.21.9')).toBe(1);
    expect(compareVersions('3.21.0', '3.21.5')).toBe(-1);
    expect(compareVersions('3.21.0_rc1', '3.21.0')).toBe(-1);
    expect(compareVersions('3.21.5', '3.21.5')).toBe(0);
  });

  it('knows an Alpine minirootfs URL and where its latest-releases.yaml is', () => {
    const url = 'https://dl-cdn.alpinelinux.org/alpine/v3.21/releases/x86_64/alpine-minirootfs-3.21.0-x86_64.tar.gz';
    expect(alpinePin(url)).toEqual({
      branch: 'v3.21',
      arch: 'x86_64',
      version: '3.21.0',
      latestUrl: 'https://dl-cdn.alpinelinux.org/alpine/v3.21/releases/x86_64/latest-releases.yaml',
    });
    expect(alpinePin('https://cdimage.ubuntu.com/ubuntu-base/releases/24.04.1/release/x.tar.gz')).toBeUndefined();
    // The arch in the file name must be the directory's.
    expect(alpinePin(url.replace('-x86_64.tar.gz', '-aarch64.tar.gz'))).toBeUndefined();
  });
});

describe('probeEntries', () => {
  it('probes a few at a time and reports in the entries’ order, each as soon as those before it are done', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-probe-'));
    await writeFile(join(dir, 'root.tar'), 'x'.repeat(2048));
    const here = pathToFileURL(join(dir, 'root.tar')).href;
    const gone = pathToFileURL(join(dir, 'gone.tar')).href;
    const entries = Array.from({ length: 9 }, (_, i) =>
      testDistro([{ kind: 'tarball', url: i % 3 === 1 ? gone : here, sha256: A }], `e-${i}`),
    );
    const seen: EntryProbe[] = [];
    const probes = await probeEntries(entries, { concurrency: 3, onDone: (p) => seen.push(p) });
    expect(seen.map((p) => p.name)).toEqual(entries.map((e) => e.name));
    expect(probes).toEqual(seen);
    expect(probes.map((p) => p.alive)).toEqual([true, false, true, true, false, true, true, false, true]);
    expect(probes[0].sources[0].detail).toBe('root.tar 2.0 KB, inline sha256');
    expect(probes[1].sources[0].detail).toMatch(/gone\.tar: ENOENT/);
  });
});
