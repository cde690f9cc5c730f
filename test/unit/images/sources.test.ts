import { describe, expect, it } from 'vitest';
import { debianArch } from '../../../src/util/arch.js';
import { mmdebstrapArgs } from '../../../src/images/mmdebstrap.js';
import { digestFor, normalizeDigest, urlBasename } from '../../../src/images/sha256sums.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

describe('checksum lists', () => {
  it('reads GNU lines (text and binary mode) and BSD lines, matching by basename', () => {
    const sums = `${'0'.repeat(64)}  other.tar.xz\n${A} *./images/rootfs.tar.xz\nSHA256 (alpine.tar.gz) = ${B}\n`;
    expect(digestFor(sums, 'rootfs.tar.xz')).toBe(A);
    expect(digestFor(sums, 'alpine.tar.gz')).toBe(B.toLowerCase());
    expect(digestFor(sums, 'missing.tar.xz')).toBeUndefined();
    expect(digestFor(sums, 'tar.xz')).toBeUndefined();
  });

  it('normalises digests and URL basenames', () => {
    expect(normalizeDigest(`sha256:${B}`)).toBe(B.toLowerCase());
    expect(normalizeDigest('abc')).toBeUndefined();
    expect(urlBasename('https://host.example/a/b/root%20fs.tar.xz?x=1')).toBe('root fs.tar.xz');
  });
});

describe('mmdebstrap', () => {
  it('builds as root in root mode, otherwise in a user namespace, writing a tar to stdout', () => {
    const r = {
      suite: 'bookworm',
      variant: 'minbase',
      components: ['main', 'contrib'],
      mirror: 'http://mirror.example/debian',
      arch: 'amd64',
    };
    expect(mmdebstrapArgs(r, true)).toEqual([
      '--variant=minbase',
      '--mode=root',
      '--arch=amd64',
      '--components=main,contrib',
      '--format=tar',
      '--',
      'bookworm',
      '-',
      'http://mirror.example/debian',
    ]);
    expect(mmdebstrapArgs(r, false)).toContain('--mode=unshare');
  });

  it("shares the suite's .debs with a cache dir through mmdebstrap's sync-in and sync-out hooks", () => {
    const r = { suite: 'bookworm', variant: 'minbase', components: ['main'], mirror: 'http://m/debian', arch: 'amd64' };
    const args = mmdebstrapArgs(r, true, '/s/caches/mmdebstrap-bookworm-amd64/data');
    expect(args.slice(0, 4)).toEqual([
      '--skip=essential/unlink',
      '--setup-hook=mkdir -p "$1"/var/cache/apt/archives/',
      '--setup-hook=sync-in /s/caches/mmdebstrap-bookworm-amd64/data /var/cache/apt/archives/',
      '--customize-hook=sync-out /var/cache/apt/archives /s/caches/mmdebstrap-bookworm-amd64/data',
    ]);
    expect(args.slice(4)).toEqual(mmdebstrapArgs(r, true));
    // mmdebstrap splits a special hook's arguments at spaces: such a path gets no cache, never a broken hook.
    expect(mmdebstrapArgs(r, true, '/my store/caches/x')).toEqual(mmdebstrapArgs(r, true));
  });

  it('passes a suite and a mirror that look like options as positionals, after --', () => {
    const r = {
      suite: '--customize-hook=touch /pwned',
      variant: 'minbase',
      components: ['main'],
      mirror: '--hook-dir=/x',
      arch: 'amd64',
    };
    const args = mmdebstrapArgs(r, true);
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '--customize-hook=touch /pwned', '-', '--hook-dir=/x']);
  });

  it("maps architecture names to Debian's", () => {
    expect(['x86_64', 'amd64', 'aarch64', 'armv7l', 'ppc64le'].map(debianArch)).toEqual([
      'amd64',
      'amd64',
      'arm64',
      'armhf',
      'ppc64el',
    ]);
  });
});
