import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../src/images/index.js';
import { Store } from '../../src/store/index.js';
import { execOrThrow } from '../../src/util/exec.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';

// Images built on this machine: a real Debian 12 from the host's own mirror via mmdebstrap (slow: tens of
// seconds), and the tiny busybox root. Both go through ensureImage into a temporary store.

const work = await mkdtemp(join(tmpdir(), 'vmx-images-build-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('mmdebstrap images', () => {
  it('builds debian-12 (bookworm, minbase) through our extractor', async () => {
    expect(process.getuid?.(), 'mmdebstrap --mode=root and device nodes need root').toBe(0);
    const store = new Store(join(work, 'store-debian'));
    await store.init();
    const distro = {
      ...testDistro([{ kind: 'mmdebstrap', suite: 'bookworm' }], 'debian-12'),
      family: 'debian',
      release: '12',
      packageManager: 'apt' as const,
    };
    const messages: string[] = [];
    const started = Date.now();
    const image = await ensureImage(store, distro, {
      log: memoryLogger(),
      onProgress: (e) => {
        if (e.message) messages.push(e.message);
      },
    });
    console.log(
      `debian-12 via mmdebstrap: ${((Date.now() - started) / 1000).toFixed(1)} s, ${(image.meta.size / 1e6).toFixed(0)} MB`,
    );

    expect(await readFile(join(image.rootfs, 'etc/os-release'), 'utf8')).toMatch(/VERSION_CODENAME=bookworm/);
    expect(existsSync(join(image.rootfs, 'usr/bin/apt'))).toBe(true);
    expect(await readlink(join(image.rootfs, 'bin'))).toBe('usr/bin');
    expect((await lstat(join(image.rootfs, 'usr/bin/passwd'))).mode & 0o7777).toBe(0o4755);
    expect((await lstat(join(image.rootfs, 'dev/null'))).isCharacterDevice()).toBe(true);
    expect(image.meta).toMatchObject({
      distro: 'debian-12',
      release: '12',
      source: { kind: 'mmdebstrap', suite: 'bookworm' },
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(image.meta.size).toBeGreaterThan(50e6);
    expect(messages.join('\n')).toMatch(/building bookworm \(minbase, amd64\) with mmdebstrap from \S+/);
    // The root runs: its own dpkg knows its packages.
    expect(await execOrThrow('chroot', [image.rootfs, 'dpkg-query', '-W', '-f=${Status}', 'apt'])).toBe(
      'install ok installed',
    );

    // docs/images.md "Package caches": the suite's .debs were synced out to the store, and the image has none.
    const archives = await readdirOrEmpty(join(store.root, 'caches/mmdebstrap-bookworm-amd64/data'));
    expect(archives.filter((f) => /^apt_.*\.deb$/.test(f))).toHaveLength(1);
    expect(
      (await readdirOrEmpty(join(image.rootfs, 'var/cache/apt/archives'))).filter((f) => f.endsWith('.deb')),
    ).toEqual([]);

    const again = await ensureImage(store, distro, { log: memoryLogger() });
    expect(again).toMatchObject({ id: image.id, cached: true });
  }, 900_000);

  it("fails with mmdebstrap's own words for a suite that does not exist, and keeps nothing", async () => {
    const store = new Store(join(work, 'store-bad-suite'));
    await store.init();
    const distro = testDistro([{ kind: 'mmdebstrap', suite: 'no-such-suite-vmatrix' }]);
    await expect(ensureImage(store, distro, { log: memoryLogger() })).rejects.toMatchObject({
      code: 'MMDEBSTRAP_FAILED',
      message: expect.stringMatching(/mmdebstrap no-such-suite-vmatrix from \S+ failed \(exit \d+\):\n[\s\S]+/),
    });
    expect(await readdirOrEmpty(join(store.root, 'images'))).toEqual([]);
    expect(await readdirOrEmpty(store.tmpDir())).toEqual([]);
  }, 300_000);
});

describe('busybox images', () => {
  it("builds a root from the host's static busybox, identified by its digest", async () => {
    const store = new Store(join(work, 'store-busybox'));
    await store.init();
    const distro = testDistro([{ kind: 'busybox' }], 'busybox');
    const image = await ensureImage(store, distro, { log: memoryLogger() });
    expect(await readFile(join(image.rootfs, 'etc/os-release'), 'utf8')).toContain('ID=busybox');
    expect(await readlink(join(image.rootfs, 'bin/sh'))).toBe('../bin/busybox');
    expect(image.meta.digest).toBe((await execOrThrow('sha256sum', [join(image.rootfs, 'bin/busybox')])).split(' ')[0]);
    expect(await execOrThrow('chroot', [image.rootfs, '/bin/sh', '-c', 'echo hello from $(uname -s)'])).toBe(
      'hello from Linux\n',
    );
    expect(await ensureImage(store, distro, { log: memoryLogger() })).toMatchObject({ id: image.id, cached: true });
  });
});

async function readdirOrEmpty(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  return readdir(dir).catch(() => []);
}
