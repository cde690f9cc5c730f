import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { image, index, platformEntry, writeLayout } from '../helpers/oci-layout.js';
import { freePort, push, startRegistry, type Registry } from '../helpers/oci-registry.js';
import { tarOf } from '../helpers/tar.js';

// `vmatrix distros --check` (the built CLI) against upstreams reproduced on 127.0.0.1, each in its real
// layout: paths, file names and file formats as upstream publishes them (and as the sources cite them):
//   LXC image server   /lxc/meta/1.0/index-system (+ .asc), /lxc/images/<dist>/<release>/<arch>/default/<build>/
//   Alpine             /alpine/v3.21/releases/x86_64/ with the minirootfs, its .sha256 and latest-releases.yaml
//   Gentoo             /gentoo/releases/amd64/autobuilds/latest-stage3-amd64-openrc.txt, <stamp>/ with the
//                      tarball and its .DIGESTS, both clearsigned by a key made here
//   Ubuntu base        /ubuntu-base/releases/24.04.1/release/ with SHA256SUMS and SHA256SUMS.gpg
//   Fedora             /fedora/linux/releases/43/Container/x86_64/images/ with a clearsigned BSD-tag CHECKSUM;
//                      this server refuses HEAD (405), as some CDNs do, so the size comes from a ranged GET
//   Void               /void/live/current/sha256sum.txt and its ROOTFS
//   Debian             /debian/dists/trixie/Release
//   OCI                a real registry (docker-registry) on a free port, an index pushed by skopeo
// Then the fixtures are broken as upstream breaks them, and the check must name each dead entry and why.

const work = await mkdtemp(join(tmpdir(), 'vmx-distros-check-'));
const keyrings = join(work, 'keys');
const catalog = join(work, 'catalog');
const home = join(work, 'home');
const hex = (algorithm: string, b: Buffer | string): string => createHash(algorithm).update(b).digest('hex');

const rootfs = gzipSync(
  await tarOf([
    { name: './', type: 'directory' },
    { name: './etc/os-release', content: 'ID=checkos\n' },
  ]),
);

// A signing key, made here; its public key is the keyring the catalog entries name.
const gnupg = join(work, 'gnupg');
execFileSync('mkdir', ['-m', '700', '-p', gnupg]);
const gpg = (args: string[], input?: Buffer | string): Buffer =>
  execFileSync('gpg', ['--homedir', gnupg, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
gpg(['--quick-gen-key', 'upstream <release@example.invalid>', 'ed25519', 'sign', 'never']);
const FPR = gpg(['--with-colons', '--list-keys'])
  .toString()
  .split('\n')
  .find((l) => l.startsWith('fpr:'))!
  .split(':')[9]!;
const detach = (data: Buffer | string): Buffer => gpg(['--local-user', FPR, '--detach-sign', '--output', '-'], data);
const clearsign = (text: string): string => gpg(['--local-user', FPR, '--clearsign', '--output', '-'], text).toString();

// --- the layouts -------------------------------------------------------------------------------------
const files = new Map<string, Buffer | string>();

const BUILD = '20261203_07:42';
const LXC_DIR = `/lxc/images/alpine/3.21/amd64/default/${BUILD}`;
const lxcIndex = [
  `alpine;3.21;amd64;default;20261202_07:42;/images/alpine/3.21/amd64/default/20261202_07:42/`,
  `alpine;3.21;amd64;default;${BUILD};/images/alpine/3.21/amd64/default/${BUILD}/`,
  `alpine;3.21;arm64;default;${BUILD};/images/alpine/3.21/arm64/default/${BUILD}/`,
  `debian;trixie;amd64;default;${BUILD};/images/debian/trixie/amd64/default/${BUILD}/`,
].join('\n');
files.set('/lxc/meta/1.0/index-system', `${lxcIndex}\n`);
files.set('/lxc/meta/1.0/index-system.asc', detach(`${lxcIndex}\n`));
files.set(`${LXC_DIR}/rootfs.tar.xz`, rootfs);
files.set(`${LXC_DIR}/meta.tar.xz`, 'meta');
files.set(`${LXC_DIR}/SHA256SUMS`, `${hex('sha256', 'meta')}  meta.tar.xz\n${hex('sha256', rootfs)}  rootfs.tar.xz\n`);

const ALPINE_DIR = '/alpine/v3.21/releases/x86_64';
const MINI = 'alpine-minirootfs-3.21.0-x86_64.tar.gz';
files.set(`${ALPINE_DIR}/${MINI}`, rootfs);
files.set(`${ALPINE_DIR}/${MINI}.sha256`, `${hex('sha256', rootfs)}  ${MINI}\n`);
const alpineRelease = (title: string, flavor: string, file: string, version = '3.21.5'): string =>
  [
    '-',
    `  title: "${title}"`,
    '  desc: |',
    `    ${title} for x86_64.`,
    '  branch: v3.21',
    '  arch: x86_64',
    `  version: ${version}`,
    `  flavor: ${flavor}`,
    `  file: ${file}`,
    `  iso: ${file}`,
    '  date: 2026-10-02',
    '  time: 09:14:07',
    `  size: ${rootfs.length}`,
    `  sha256: ${hex('sha256', rootfs)}`,
    `  sha512: ${hex('sha512', rootfs)}`,
  ].join('\n');
files.set(
  `${ALPINE_DIR}/latest-releases.yaml`,
  [
    '---',
    alpineRelease('Standard', 'alpine-standard', 'alpine-standard-3.21.5-x86_64.iso'),
    alpineRelease('Mini root filesystem', 'alpine-minirootfs', 'alpine-minirootfs-3.21.5-x86_64.tar.gz'),
    alpineRelease('Virtual', 'alpine-virt', 'alpine-virt-3.21.5-x86_64.iso'),
    '',
  ].join('\n'),
);

const STAMP = '20261130T164622Z';
const STAGE3 = `stage3-amd64-openrc-${STAMP}.tar.xz`;
const AUTOBUILDS = '/gentoo/releases/amd64/autobuilds';
const gentooLatest = (size: number): string =>
  clearsign(`# Latest as of Mon, 30 Nov 2026 17:05:11 +0000\n# ts=1796058311\n${STAMP}/${STAGE3} ${size}\n`);
files.set(`${AUTOBUILDS}/latest-stage3-amd64-openrc.txt`, gentooLatest(rootfs.length));
files.set(`${AUTOBUILDS}/${STAMP}/${STAGE3}`, rootfs);
files.set(
  `${AUTOBUILDS}/${STAMP}/${STAGE3}.DIGESTS`,
  clearsign(
    `# BLAKE2B HASH\n${hex('blake2b512', rootfs)}  ${STAGE3}\n# SHA512 HASH\n${hex('sha512', rootfs)}  ${STAGE3}\n` +
      `# BLAKE2B HASH\n${hex('blake2b512', 'c')}  ${STAGE3}.CONTENTS.gz\n# SHA512 HASH\n${hex('sha512', 'c')}  ${STAGE3}.CONTENTS.gz\n`,
  ),
);

const UBUNTU_DIR = '/ubuntu-base/releases/24.04.1/release';
const UBUNTU = 'ubuntu-base-24.04.1-base-amd64.tar.gz';
const ubuntuSums = `${'0'.repeat(64)} *ubuntu-base-24.04.1-base-arm64.tar.gz\n${hex('sha256', rootfs)} *${UBUNTU}\n`;
files.set(`${UBUNTU_DIR}/${UBUNTU}`, rootfs);
files.set(`${UBUNTU_DIR}/SHA256SUMS`, ubuntuSums);
files.set(`${UBUNTU_DIR}/SHA256SUMS.gpg`, detach(ubuntuSums));

const FEDORA_DIR = '/fedora/linux/releases/43/Container/x86_64/images';
const FEDORA = 'Fedora-Container-Base-Generic-43-1.6.x86_64.oci.tar.xz';
const FEDORA_MINIMAL = 'Fedora-Container-Minimal-Base-43-1.6.x86_64.oci.tar.xz';
const fedoraChecksum = (names: string[]): string =>
  clearsign(names.map((n) => `# ${n}: ${rootfs.length} bytes\nSHA256 (${n}) = ${hex('sha256', rootfs)}\n`).join(''));
files.set(`${FEDORA_DIR}/${FEDORA}`, rootfs);
files.set(`${FEDORA_DIR}/${FEDORA_MINIMAL}`, rootfs);
files.set(`${FEDORA_DIR}/Fedora-Container-43-1.6-x86_64-CHECKSUM`, fedoraChecksum([FEDORA, FEDORA_MINIMAL]));

const VOID_ROOTFS = 'void-x86_64-ROOTFS-20261115.tar.xz';
files.set(
  '/void/live/current/sha256sum.txt',
  `SHA256 (void-aarch64-ROOTFS-20261115.tar.xz) = ${'1'.repeat(64)}\n` +
    `SHA256 (${VOID_ROOTFS}) = ${hex('sha256', rootfs)}\n` +
    `SHA256 (void-x86_64-musl-ROOTFS-20261115.tar.xz) = ${'2'.repeat(64)}\n`,
);
files.set(`/void/live/current/${VOID_ROOTFS}`, rootfs);

const debianRelease = (arches: string): string =>
  [
    'Origin: Debian',
    'Label: Debian',
    'Suite: stable',
    'Version: 13.2',
    'Codename: trixie',
    'Changelogs: https://metadata.ftp-master.debian.org/changelogs/@CHANGEPATH@_changelog',
    'Date: Sat, 15 Nov 2026 10:24:12 UTC',
    'Acquire-By-Hash: yes',
    'No-Support-for-Architecture-all: Packages',
    `Architectures: all ${arches}`,
    'Components: main contrib non-free-firmware non-free',
    'Description: Debian 13.2 Released 15 November 2026',
    'MD5Sum:',
    ' 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all',
    'SHA256:',
    ' 1b6a3f4f7bb3b4e6e0a3c1e0b5c3a4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6  1484322 contrib/Contents-all',
    '',
  ].join('\n');
files.set('/debian/dists/trixie/Release', debianRelease('amd64 arm64 armhf i386 ppc64el riscv64 s390x'));
// A suite this mirror carries as InRelease only (the same fields, clearsigned).
files.set(
  '/debian/dists/forky/InRelease',
  clearsign(debianRelease('amd64 arm64').replace('Codename: trixie', 'Codename: forky').replace('stable', 'testing')),
);

// --- the server ---------------------------------------------------------------------------------------
let server: Server;
let registry: Registry;
let registryDir: string;
let closedPort: number;
const base = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const methods: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    methods.push(`${req.method} ${path}`);
    // Fedora's mirror here refuses HEAD: the check must fall back to a one-byte ranged GET.
    if (req.method === 'HEAD' && path.startsWith('/fedora/')) return void res.writeHead(405).end();
    const body = files.get(path);
    if (body === undefined) return void res.writeHead(404).end('not found\n');
    const bytes = Buffer.from(body);
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [from, to] = [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)];
      res.writeHead(206, {
        'content-length': to - from + 1,
        'content-range': `bytes ${from}-${to}/${bytes.length}`,
      });
      return void res.end(req.method === 'HEAD' ? undefined : bytes.subarray(from, to + 1));
    }
    res.writeHead(200, { 'content-length': bytes.length });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closedPort = await freePort();

  registryDir = join(work, 'registry');
  const layout = join(work, 'layout');
  const amd64 = await image('amd64', [{ entries: [{ name: './etc/os-release', content: 'ID=fedora\n' }] }]);
  const arm64 = await image('arm64', [{ entries: [{ name: './etc/os-release', content: 'ID=fedora\n' }] }]);
  const idx = index([platformEntry(amd64.manifest, 'amd64'), platformEntry(arm64.manifest, 'arm64')]);
  await writeLayout(layout, [...amd64.blobs, ...arm64.blobs, idx], { '43': idx });
  registry = await startRegistry(registryDir);
  await push(layout, '43', `${registry.host}/fedora/fedora:43`);

  await mkdir(keyrings, { recursive: true });
  await writeFile(join(keyrings, 'test-upstream.gpg'), gpg(['--export', FPR]));
  await mkdir(catalog, { recursive: true });
  const sig = `{ key: test-upstream, fingerprint: ${FPR} }`;
  const entry = (name: string, sources: string[], aliases: string[] = []): string[] => [
    `  - name: ${name}`,
    `    release: "${name}"`,
    ...(aliases.length ? [`    aliases: [${aliases.join(', ')}]`] : []),
    '    sources:',
    ...sources.map((s) => `      - ${s}`),
  ];
  await writeFile(
    join(catalog, 'checkos.yml'),
    [
      'family: checkos',
      'packageManager: none',
      'arches: [amd64]',
      'releases:',
      ...entry(
        'chk-alpine',
        [
          `{ kind: lxc, dist: alpine, release: "3.21", server: "${base()}/lxc" }`,
          `{ kind: tarball, url: "${base()}${ALPINE_DIR}/${MINI}", sha256sums: "${base()}${ALPINE_DIR}/${MINI}.sha256" }`,
        ],
        ['chk-alpine-latest'],
      ),
      ...entry('chk-gentoo', [`{ kind: gentoo, flavour: openrc, mirror: "${base()}/gentoo", signature: ${sig} }`]),
      ...entry('chk-ubuntu', [
        `{ kind: tarball, url: "${base()}${UBUNTU_DIR}/${UBUNTU}", sha256sums: "${base()}${UBUNTU_DIR}/SHA256SUMS", ` +
          `signature: { file: SHA256SUMS.gpg, key: test-upstream, fingerprint: ${FPR} } }`,
      ]),
      ...entry('chk-fedora-base', [
        `{ kind: tarball, url: "${base()}${FEDORA_DIR}/${FEDORA}", ` +
          `sha256sums: "${base()}${FEDORA_DIR}/Fedora-Container-43-1.6-x86_64-CHECKSUM", signature: ${sig} }`,
      ]),
      ...entry('chk-void', [`{ kind: void, libc: glibc, mirror: "${base()}/void" }`]),
      ...entry('chk-debian', [`{ kind: mmdebstrap, suite: trixie, mirror: "${base()}/debian" }`]),
      ...entry('chk-debian-in', [`{ kind: mmdebstrap, suite: forky, mirror: "${base()}/debian" }`]),
      ...entry('chk-oci', [`{ kind: oci, ref: "${registry.host}/fedora/fedora:43" }`]),
      ...entry('chk-offline', [
        `{ kind: tarball, url: "http://127.0.0.1:${closedPort}/root.tar.gz", sha256: ${hex('sha256', rootfs)} }`,
      ]),
      '',
    ].join('\n'),
  );
  // Only the entries of this catalog: the built-in ones name upstream hosts, which tests never ask.
});

afterAll(async () => {
  await registry?.stop();
  await new Promise((r) => server?.close(r));
});

// Tests send traffic to loopback only: anything not for 127.0.0.1 goes to a "proxy" that is a closed port
// there (the built-in entries name upstream hosts), so it fails at once without leaving this machine.
const check = (args: string[]): Promise<CliResult> => {
  const proxy = `http://127.0.0.1:${closedPort}`;
  return runCli(['distros', '--check', '--arch', 'amd64', ...args], {
    env: {
      VMATRIX_HOME: home,
      VMATRIX_CATALOG: catalog,
      VMATRIX_KEYRING_DIR: keyrings,
      http_proxy: proxy,
      https_proxy: proxy,
      HTTP_PROXY: proxy,
      HTTPS_PROXY: proxy,
      no_proxy: '127.0.0.1',
      NO_PROXY: '127.0.0.1',
      VMATRIX_DEBIAN_MIRROR: proxy,
    },
  });
};
const CHECKED = [
  'chk-alpine',
  'chk-gentoo',
  'chk-ubuntu',
  'chk-fedora-base',
  'chk-void',
  'chk-debian',
  'chk-debian-in',
  'chk-oci',
  'chk-offline',
];
const ALIVE = ['chk-alpine', 'chk-gentoo', 'chk-ubuntu', 'chk-fedora-base', 'chk-void', 'chk-debian', 'chk-oci'];
const lineOf = (r: CliResult, name: string): string => {
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no line for ${name} in:\n${r.stdout}\n${r.stderr}`);
  return line;
};

describe('vmatrix distros --check against upstream layouts on 127.0.0.1', () => {
  it('every source alive: exit 0, one line per entry in catalog order, saying what was checked', async () => {
    const r = await check(ALIVE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([...ALIVE, '7']);
    expect(lines.at(-1)).toBe('7 entries checked: all alive');
    for (const name of ALIVE) expect(lineOf(r, name)).toMatch(new RegExp(`^${name} +OK  `));
    expect(lineOf(r, 'chk-alpine')).toContain(
      `lxc index lists build ${BUILD}, SHA256SUMS lists rootfs.tar.xz, rootfs.tar.xz ${rootfs.length} B`,
    );
    expect(lineOf(r, 'chk-alpine')).toContain(`${MINI} ${rootfs.length} B, ${MINI}.sha256 lists it`);
    expect(lineOf(r, 'chk-gentoo')).toContain(
      `latest file names ${STAMP}/${STAGE3}, .DIGESTS has its SHA512 (signed by test-upstream), ${rootfs.length} B as stated`,
    );
    expect(lineOf(r, 'chk-ubuntu')).toContain('SHA256SUMS lists it (signature good, test-upstream)');
    expect(lineOf(r, 'chk-fedora-base')).toContain(
      `${FEDORA} ${rootfs.length} B, Fedora-Container-43-1.6-x86_64-CHECKSUM lists it (signature good, test-upstream)`,
    );
    expect(lineOf(r, 'chk-void')).toContain(`sha256sum.txt lists ${VOID_ROOTFS}, ${rootfs.length} B`);
    expect(lineOf(r, 'chk-debian')).toContain(`${base()}/debian/dists/trixie/Release: trixie has amd64`);
    expect(lineOf(r, 'chk-oci')).toMatch(/manifest sha256:[0-9a-f]{12}…, 1 layer present/);
    // Nothing was downloaded: artifacts were only asked for with HEAD, or one byte where HEAD is refused.
    for (const path of [`${LXC_DIR}/rootfs.tar.xz`, `${ALPINE_DIR}/${MINI}`, `${UBUNTU_DIR}/${UBUNTU}`])
      expect(methods.filter((m) => m.endsWith(` ${path}`)).every((m) => m.startsWith('HEAD '))).toBe(true);
    expect(methods).toContain(`GET ${FEDORA_DIR}/${FEDORA}`); // after its refused HEAD, ranged
  });

  it('an Alpine pin older than latest-releases.yaml says so, without failing the entry', async () => {
    const r = await check(['chk-alpine-latest']);
    expect(r.code).toBe(0);
    expect(lineOf(r, 'chk-alpine')).toContain(
      `note: pinned 3.21.0; latest 3.21.5 (${base()}${ALPINE_DIR}/latest-releases.yaml)`,
    );
    expect(r.stdout.trim().split('\n')).toHaveLength(2); // the alias selected the one entry
  });

  it('an unknown name is a usage error with a suggestion', async () => {
    const r = await check(['chk-gentto']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown distro "chk-gentto"');
    expect(r.stderr).toContain('did you mean chk-gentoo?');
    // Names without --check: a usage error that says how to check them, not a silent full listing.
    const listed = await runCli(['distros', 'chk-gentoo'], { env: { VMATRIX_CATALOG: catalog } });
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('hint: to check them: vmatrix distros --check chk-gentoo');
  });

  it('broken upstreams: exit 1, every dead entry named with its reason, no stack trace', async () => {
    files.delete(`${LXC_DIR}/rootfs.tar.xz`); // the build's rootfs moved away
    files.delete(`${UBUNTU_DIR}/SHA256SUMS.gpg`); // the signature is gone
    // A re-signed CHECKSUM that no longer lists the pinned file.
    files.set(`${FEDORA_DIR}/Fedora-Container-43-1.6-x86_64-CHECKSUM`, fedoraChecksum([FEDORA_MINIMAL]));
    files.set(`${AUTOBUILDS}/latest-stage3-amd64-openrc.txt`, gentooLatest(rootfs.length + 1)); // size changed
    files.delete(`/void/live/current/${VOID_ROOTFS}`);
    files.set('/debian/dists/trixie/Release', debianRelease('arm64 armhf'));
    const idx = await request(`http://${registry.host}/v2/fedora/fedora/manifests/43`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    });
    const digest = String(idx.headers['docker-content-digest']);
    await idx.body.dump();
    const gone = await request(`http://${registry.host}/v2/fedora/fedora/manifests/${digest}`, { method: 'DELETE' });
    await gone.body.dump();
    expect(gone.statusCode).toBe(202); // the tag is gone with the manifest it named

    const r = await check(CHECKED);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/^\s+at /m);
    const dead = ['chk-gentoo', 'chk-ubuntu', 'chk-fedora-base', 'chk-void', 'chk-debian', 'chk-oci', 'chk-offline'];
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`7 of 9 dead: ${dead.join(', ')}`);
    for (const name of dead) expect(lineOf(r, name)).toMatch(new RegExp(`^${name} +DEAD  DEAD `));

    // Alive through its second source; the dead first choice is warned of.
    const alpine = lineOf(r, 'chk-alpine');
    expect(alpine).toMatch(/^chk-alpine +OK {4}warning: first choice dead; DEAD lxc alpine\/3\.21/);
    expect(alpine).toContain(`HEAD ${base()}${LXC_DIR}/rootfs.tar.xz: HTTP 404 Not Found`);
    expect(alpine).toContain('note: pinned 3.21.0; latest 3.21.5');

    expect(lineOf(r, 'chk-ubuntu')).toContain(
      `refusing ${base()}${UBUNTU_DIR}/SHA256SUMS: its signature ${base()}${UBUNTU_DIR}/SHA256SUMS.gpg could not be downloaded`,
    );
    expect(lineOf(r, 'chk-fedora-base')).toContain(
      `${base()}${FEDORA_DIR}/Fedora-Container-43-1.6-x86_64-CHECKSUM has no sha256 for ${FEDORA}`,
    );
    expect(lineOf(r, 'chk-gentoo')).toContain(
      `${base()}${AUTOBUILDS}/${STAMP}/${STAGE3} is ${rootfs.length} bytes, but ${base()}${AUTOBUILDS}/latest-stage3-amd64-openrc.txt says ${rootfs.length + 1}: changed`,
    );
    expect(lineOf(r, 'chk-void')).toContain(`HEAD ${base()}/void/live/current/${VOID_ROOTFS}: HTTP 404 Not Found`);
    expect(lineOf(r, 'chk-debian')).toContain(
      `${base()}/debian/dists/trixie/Release lists no amd64 (Architectures: all arm64 armhf)`,
    );
    expect(lineOf(r, 'chk-oci')).toContain(`/v2/fedora/fedora/manifests/43: HTTP 404`);
    // Where the mirror has no Release, its InRelease answers.
    expect(lineOf(r, 'chk-debian-in')).toMatch(
      new RegExp(`^chk-debian-in +OK {4}mmdebstrap forky: ${base()}/debian/dists/forky/InRelease: forky has amd64$`),
    );
    expect(lineOf(r, 'chk-offline')).toContain(`HEAD http://127.0.0.1:${closedPort}/root.tar.gz: connect ECONNREFUSED`);
  });

  it('a changed digest in a signed list: the signature no longer holds, the entry is dead', async () => {
    files.set(`${UBUNTU_DIR}/SHA256SUMS`, ubuntuSums.replace(hex('sha256', rootfs), '3'.repeat(64)));
    files.set(`${UBUNTU_DIR}/SHA256SUMS.gpg`, detach(ubuntuSums)); // the old signature, over the old list
    const r = await check(['chk-ubuntu']);
    expect(r.code).toBe(1);
    expect(lineOf(r, 'chk-ubuntu')).toContain(
      `refusing ${base()}${UBUNTU_DIR}/SHA256SUMS: the signature does not match`,
    );
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 of 1 dead: chk-ubuntu');
  });

  it('no names: every entry for the arch in catalog order, built-in ones first (their upstreams unreachable here)', async () => {
    const r = await check([]);
    expect(r.code).toBe(1);
    const names = r.stdout
      .trim()
      .split('\n')
      .slice(0, -1)
      .map((l) => l.split(/\s+/)[0]);
    expect(names.slice(-CHECKED.length)).toEqual(CHECKED);
    expect(names).toContain('debian-13');
    expect(names).toContain('busybox');
    expect(new Set(names).size).toBe(names.length);
    expect(lineOf(r, 'busybox')).toMatch(/^busybox +OK {4}busybox \(from the host\): host: static busybox at \//);
    expect(lineOf(r, 'ubuntu-24.04')).toMatch(/^ubuntu-24\.04 +DEAD {2}DEAD lxc ubuntu\/noble: GET https:\/\/images/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^\\d+ of ${names.length} dead: .*chk-offline$`));
  });
});
