import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogDirs, loadCatalog } from '../../../src/catalog/load.js';
import { hostArch } from '../../../src/catalog/parse.js';
import { VmError } from '../../../src/util/errors.js';
import { packageRoot } from '../../../src/util/package-root.js';

const BUILTIN = join(packageRoot(), 'distros');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmatrix-catalog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<VmError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e instanceof VmError) return e;
  throw new Error(`expected a VmError, got ${String(e)}`);
}

describe('the built-in catalog', () => {
  it('has Debian 11 to 14 and sid built by mmdebstrap, and busybox', async () => {
    const catalog = await loadCatalog([BUILTIN]);
    expect(catalog.list().map((e) => e.name)).toEqual(
      expect.arrayContaining(['busybox', 'debian-11', 'debian-12', 'debian-13', 'debian-14', 'debian-sid']),
    );
    expect(catalog.resolve('debian-12', { arch: 'amd64' })).toEqual({
      name: 'debian-12',
      family: 'debian',
      release: '12',
      aliases: ['debian-oldstable', 'debian-bookworm'],
      description: 'Debian 12 (bookworm)',
      packageManager: 'apt',
      shell: '/bin/sh',
      arch: 'amd64',
      arches: ['amd64', 'i386', 'arm64', 'armhf', 'ppc64el', 's390x'],
      sources: [{ kind: 'mmdebstrap', suite: 'bookworm', variant: 'minbase' }],
      eol: '2028-06-30',
      eolSource: 'https://wiki.debian.org/LTS',
      file: join(BUILTIN, 'debian.yml'),
    });
  });

  it('resolves the suite aliases: 13 is stable', async () => {
    const catalog = await loadCatalog([BUILTIN]);
    expect(catalog.resolve('debian-stable').name).toBe('debian-13');
    expect(catalog.resolve('debian-oldstable').name).toBe('debian-12');
    expect(catalog.resolve('debian-oldoldstable').name).toBe('debian-11');
    expect(catalog.resolve('debian-testing').name).toBe('debian-14');
    expect(catalog.resolve('debian-unstable').name).toBe('debian-sid');
    expect(catalog.resolve('debian-trixie').sources).toEqual([
      { kind: 'mmdebstrap', suite: 'trixie', variant: 'minbase' },
    ]);
    expect(catalog.resolve('Debian-12').name).toBe('debian-12');
  });

  it('gives busybox no package manager and the host architecture', async () => {
    const busybox = (await loadCatalog([BUILTIN])).resolve('busybox');
    expect(busybox).toMatchObject({
      packageManager: 'none',
      sources: [{ kind: 'busybox' }],
      arch: hostArch(),
      arches: [hostArch()],
      shell: '/bin/sh',
    });
  });

  it('names no Debian mirror: the host apt configuration chooses it at run time', async () => {
    for (const name of (await readdir(BUILTIN)).filter((n) => n === 'debian.yml' || n === 'busybox.yml')) {
      const text = await readFile(join(BUILTIN, name), 'utf8');
      // The one URL is where the end-of-life dates are published (a web page, not a mirror).
      const data = text
        .split('\n')
        .filter((l) => !/^\s*#/.test(l) && l !== 'eolSource: https://wiki.debian.org/LTS')
        .join('\n');
      expect(data).not.toMatch(/mirror\s*:|https?:\/\/|\.org\b/);
    }
  });

  it('suggests the closest name for an unknown distro', async () => {
    const catalog = await loadCatalog([BUILTIN]);
    const e = (() => {
      try {
        catalog.resolve('debian-21');
      } catch (err) {
        return err as VmError;
      }
    })();
    expect(e).toMatchObject({ code: 'UNKNOWN_DISTRO', exit: 2, message: 'unknown distro "debian-21"' });
    expect(e!.hint).toBe('did you mean debian-12? `vmatrix distros` lists them');
    expect(() => catalog.resolve('solaris-10')).toThrow(
      expect.objectContaining({ hint: '`vmatrix distros` lists them' }),
    );
  });
});

describe('user catalog directories', () => {
  const LOCAL_12 = `family: debian
packageManager: apt
releases:
  - name: debian-12
    sources: [{ kind: tarball, url: ./rootfs/debian-12.tar.zst, sha256sums: ./rootfs/SHA256SUMS }]
`;

  it('replace built-in entries by name and keep the aliases that lead to them', async () => {
    await writeFile(join(dir, 'local.yml'), LOCAL_12);
    const catalog = await loadCatalog([BUILTIN, dir]);
    const entry = catalog.resolve('debian-oldstable');
    expect(entry).toMatchObject({
      name: 'debian-12',
      release: '12',
      file: join(dir, 'local.yml'),
      aliases: ['debian-oldstable', 'debian-bookworm'],
      sources: [{ kind: 'tarball', url: './rootfs/debian-12.tar.zst', sha256sums: './rootfs/SHA256SUMS' }],
    });
    expect(catalog.resolve('debian-11').file).toBe(join(BUILTIN, 'debian.yml'));
    expect(
      catalog
        .list()
        .filter((e) => ['busybox', 'debian'].includes(e.family))
        .map((e) => e.name),
    ).toEqual(['busybox', 'debian-11', 'debian-12', 'debian-13', 'debian-14', 'debian-sid']);
  });

  it('add new families after the built-in ones', async () => {
    await writeFile(
      join(dir, 'slackware.yaml'),
      `family: slackware
packageManager: none
arch: amd64
sources: [{ kind: tarball, url: "./slackware.tar.gz" }]
releases:
  - { name: slackware-15.0, release: 15.0, aliases: [slackware-latest] }
`,
    );
    const catalog = await loadCatalog([BUILTIN, dir]);
    expect(catalog.list().at(-1)!.name).toBe('slackware-15.0');
    expect(catalog.resolve('slackware-latest', { arch: 'amd64' })).toMatchObject({
      release: '15.0',
      packageManager: 'none',
      description: 'slackware-15.0',
      arches: ['amd64'],
    });
  });

  it('replace a built-in alias when they name it for their own entry', async () => {
    await writeFile(
      join(dir, 'alpine.yml'),
      'family: alpine\npackageManager: apk\nsources: [{ kind: busybox }]\nreleases:\n  - { name: alpine-3.22, aliases: [alpine-latest] }\n',
    );
    const catalog = await loadCatalog([BUILTIN, dir]);
    expect(catalog.resolve('alpine-latest').name).toBe('alpine-3.22');
    expect(catalog.resolve('alpine-3.21').aliases).toEqual([]);
  });

  it('come from $VMATRIX_CATALOG after the built-in directory', () => {
    expect(catalogDirs({ VMATRIX_CATALOG: `${dir}::${dir}/more` })).toEqual([BUILTIN, dir, join(dir, 'more')]);
    expect(catalogDirs({})).toEqual([BUILTIN]);
  });

  it('must exist', async () => {
    const e = await rejection(loadCatalog([BUILTIN, join(dir, 'missing')]));
    expect(e.code).toBe('CATALOG_NOT_FOUND');
    expect(e.message).toBe(`catalog directory ${join(dir, 'missing')} cannot be read: ENOENT`);
  });
});

describe('catalog validation', () => {
  it('names file, line and field of every problem', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(
      file,
      [
        'family: Fedora', //                                 1
        'packageManager: yum', //                            2
        'releases:', //                                      3
        '  - name: fedora-41', //                            4
        '    sources:', //                                   5
        '      - { kind: tarball }', //                      6
        '      - { kind: mmdebstrap, suite: x, mirorr: y }', //  7
        '  - nmae: fedora-42', //                            8
      ].join('\n'),
    );
    const e = await rejection(loadCatalog([dir]));
    expect(e.code).toBe('CATALOG_INVALID');
    expect(e.message.split('\n')).toEqual([
      `${file}:1: family: a name is lower-case letters, digits, '.', '_' and '-', starting with a letter or digit`,
      `${file}:2: packageManager: expected one of: apt, apk, dnf, pacman, zypper, emerge, xbps, none`,
      `${file}:6: releases[0].sources[0].url: required key is missing`,
      `${file}:7: releases[0].sources[1].mirorr: unknown key (did you mean "mirror"?)`,
      `${file}:8: releases[1].name: required key is missing`,
      `${file}:8: releases[1].nmae: unknown key (did you mean "name"?)`,
    ]);
  });

  it('checks the gentoo and void sources: a flavour or libc it knows, an http(s) mirror, an inline signature', async () => {
    const file = join(dir, 'rolling.yml');
    const FPR = '13EBBDBEDE7A12775DFDB1BABB572E0E2D182910';
    await writeFile(
      file,
      [
        'family: r', //                                                   1
        'packageManager: emerge', //                                      2
        'releases:', //                                                   3
        '  - name: r-1', //                                               4
        '    sources:', //                                                5
        '      - { kind: gentoo, flavour: runit, mirror: https://m.example }', // 6
        '      - { kind: gentoo, flavour: openrc }', //                   7
        '      - { kind: void, libc: uclibc, mirror: ftp://m.example }', // 8
        `      - { kind: gentoo, flavour: openrc, mirror: https://m.example, signature: { key: g, fingerprint: ${FPR} } }`, // 9
        `      - { kind: gentoo, flavour: openrc, mirror: https://m.example, signature: { file: x.asc, key: g, fingerprint: ${FPR} } }`, // 10
        // A tarball's signature without `file`: its sha256sums is clearsigned (Fedora's CHECKSUM), so it is valid.
        `      - { kind: tarball, url: x.tar, sha256sums: SUMS, signature: { key: g, fingerprint: ${FPR} } }`, // 11
      ].join('\n'),
    );
    const e = await rejection(loadCatalog([dir]));
    expect(e.message.split('\n')).toEqual([
      `${file}:6: releases[0].sources[0].flavour: expected one of: openrc, systemd`,
      `${file}:7: releases[0].sources[1].mirror: required key is missing`,
      `${file}:8: releases[0].sources[2].mirror: expected an http(s) URL`,
      `${file}:8: releases[0].sources[2].libc: expected one of: glibc, musl`,
      `${file}:10: releases[0].sources[4].signature.file: gentoo: the signature is inline in the files it signs; give only key and fingerprint`,
    ]);
  });

  it('refuses a suite, mirror or image name that a program or a URL would read as more than a name', async () => {
    const file = join(dir, 'names.yml');
    await writeFile(
      file,
      [
        'family: n', //                                                                                   1
        'packageManager: apt', //                                                                         2
        'releases:', //                                                                                   3
        '  - name: n-1', //                                                                               4
        '    sources:', //                                                                                5
        "      - { kind: mmdebstrap, suite: '--customize-hook=touch /pwned' }", //                         6
        "      - { kind: mmdebstrap, suite: sid, mirror: 'deb [trusted=yes] http://m.example/ sid main' }", // 7
        "      - { kind: mmdebstrap, suite: sid, variant: '-', components: [main, '--x'] }", //             8
        "      - { kind: lxc, dist: '../../x', release: '9-Stream' }", //                                   9
        '      - { kind: mmdebstrap, suite: stable-backports, mirror: http://m.example/debian }', //        10
      ].join('\n'),
    );
    const e = await rejection(loadCatalog([dir]));
    expect(e.message.split('\n')).toEqual([
      `${file}:6: releases[0].sources[0].suite: expected a suite or codename such as bookworm or stable-backports`,
      `${file}:7: releases[0].sources[1].mirror: expected a mirror's http(s) or file:/// URL (one URL: no sources.list lines, no options)`,
      `${file}:8: releases[0].sources[2].variant: expected a variant name such as minbase or default`,
      `${file}:8: releases[0].sources[2].components[1]: expected a component name such as main or non-free-firmware`,
      `${file}:9: releases[0].sources[3].dist: expected a name as the image server writes it, such as ubuntu`,
    ]);
  });

  it("checks a tarball's signature: it needs sha256sums, a keyring name and a full fingerprint", async () => {
    const file = join(dir, 'signed.yml');
    const fpr = '843938DF228D22F7B3742BC0D94AA3F0EFE21092';
    await writeFile(
      file,
      [
        'family: s', //                                                                                   1
        'packageManager: none', //                                                                        2
        'releases:', //                                                                                   3
        '  - name: s-1', //                                                                               4
        '    sources:', //                                                                                5
        `      - { kind: tarball, url: x.tar, sha256sums: SUMS, signature: { file: SUMS.gpg, key: ok, fingerprint: ${fpr} } }`, // 6
        `      - { kind: tarball, url: x.tar, signature: { file: SUMS.gpg, key: ok, fingerprint: ${fpr} } }`, // 7
        '      - { kind: tarball, url: x.tar, sha256sums: SUMS, signature: { file: SUMS.gpg, key: ../x, fingerprint: D94AA3F0EFE21092 } }', // 8
        '      - { kind: tarball, url: x.tar, sha256sums: SUMS, signature: { file: SUMS.gpg } }', //   9
      ].join('\n'),
    );
    const e = await rejection(loadCatalog([dir]));
    expect(e.message.split('\n')).toEqual([
      `${file}:7: releases[0].sources[1].sha256sums: required key is missing`,
      `${file}:8: releases[0].sources[2].signature.key: expected a keyring name such as ubuntu-cdimage (distros/keys/<key>.gpg)`,
      `${file}:8: releases[0].sources[2].signature.fingerprint: expected the 40 upper-case hex digits of the signing primary key's fingerprint`,
      `${file}:9: releases[0].sources[3].signature.key: required key is missing`,
      `${file}:9: releases[0].sources[3].signature.fingerprint: required key is missing`,
    ]);
  });

  it('rejects a name or alias defined twice in one directory, naming both places', async () => {
    await writeFile(
      join(dir, 'a.yml'),
      'family: a\npackageManager: none\nsources: [{ kind: busybox }]\nreleases:\n  - { name: a-1, aliases: [a-latest] }\n',
    );
    await writeFile(
      join(dir, 'b.yml'),
      'family: b\npackageManager: none\nsources: [{ kind: busybox }]\nreleases:\n  - name: b-1\n  - { name: a-1 }\n  - { name: b-2, aliases: [a-latest] }\n',
    );
    const e = await rejection(loadCatalog([dir]));
    expect(e.message.split('\n')).toEqual([
      `${join(dir, 'b.yml')}:6: releases[1].name: "a-1" is already defined at ${join(dir, 'a.yml')}:5`,
      `${join(dir, 'b.yml')}:7: releases[2].aliases[0]: "a-latest" is already defined at ${join(dir, 'a.yml')}:5`,
    ]);
  });

  it('rejects a release without sources', async () => {
    await writeFile(join(dir, 'x.yml'), 'family: x\npackageManager: none\nreleases:\n  - name: x-1\n');
    const e = await rejection(loadCatalog([dir]));
    expect(e.message).toBe(
      `${join(dir, 'x.yml')}:4: releases[0]: x-1 has no sources: give \`sources\` to the release or to its family`,
    );
  });

  it('reports YAML syntax errors with their line', async () => {
    await writeFile(join(dir, 'x.yml'), 'family: x\nreleases: [\n');
    expect((await rejection(loadCatalog([dir]))).message).toMatch(new RegExp(`^${join(dir, 'x.yml')}:\\d+: `));
  });
});
