import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceSpec } from '../../src/catalog/types.js';
import { ensureImage, type ImageProgress } from '../../src/images/index.js';
import { Store } from '../../src/store/index.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { tarOf } from '../helpers/tar.js';
import { storeMaker } from '../helpers/store.js';

// Tarball images against a real HTTP server on 127.0.0.1: checksums from a SHA256SUMS file or inline,
// the blob cache, redirects, errors, fallback to the next source, and concurrent builds of one image.

const work = await mkdtemp(join(tmpdir(), 'vmx-images-tarball-'));
const tarball = gzipSync(
  await tarOf([
    { name: './', type: 'directory' },
    { name: './etc/os-release', content: 'ID=testos\nVERSION_ID=1\n' },
    { name: './usr/bin/true', content: '#!/bin/sh\n', mode: 0o755 },
    { name: './bin', type: 'symlink', linkname: 'usr/bin' },
  ]),
);
const digest = createHash('sha256').update(tarball).digest('hex');
const evil = gzipSync(await tarOf([{ name: '../escape', content: 'x' }]));
const evilDigest = createHash('sha256').update(evil).digest('hex');

const requests: Array<{ path: string; acceptEncoding?: string }> = [];
const count = (path: string): number => requests.filter((r) => r.path === path).length;

/** When set, /flaky/SHA256SUMS is gone: the index of an image built earlier cannot be reached. */
let flakyGone = false;

function route(req: IncomingMessage): { status: number; body?: Buffer | string; headers?: Record<string, string> } {
  switch (req.url) {
    case '/root.tar.gz':
      return { status: 200, body: tarball };
    case '/SHA256SUMS':
      return { status: 200, body: `${'0'.repeat(64)}  other.tar.gz\n${digest}  root.tar.gz\n` };
    case '/bad/root.tar.gz':
      return { status: 200, body: tarball };
    case '/flaky/SHA256SUMS':
      return flakyGone ? { status: 404, body: 'gone' } : { status: 200, body: `${digest}  root.tar.gz\n` };
    case '/bad/SHA256SUMS':
      return { status: 200, body: `${'1'.repeat(64)}  root.tar.gz\n` };
    case '/hop1/root.tar.gz':
      return { status: 302, headers: { location: '/hop2/root.tar.gz' } };
    case '/hop2/root.tar.gz':
      return { status: 301, headers: { location: `http://127.0.0.1:${port()}/root.tar.gz` } };
    case '/to-file/root.tar.gz':
      return { status: 302, headers: { location: 'file:///etc/passwd' } };
    // A server that labels the gzip file as gzip-encoded: a decompressing client would hash other bytes.
    case '/encoded/root.tar.gz':
      return { status: 200, body: tarball, headers: { 'content-encoding': 'gzip' } };
    case '/evil.tar.gz':
      return { status: 200, body: evil };
    default:
      return { status: 404, body: 'not found' };
  }
}

let server: Server;
const port = (): number => (server.address() as AddressInfo).port;
const url = (path: string): string => `http://127.0.0.1:${port()}${path}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ path: req.url!, acceptEncoding: req.headers['accept-encoding'] });
    const r = route(req);
    res.writeHead(r.status, r.headers);
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.close();
  await rm(work, { recursive: true, force: true });
});

const freshStore = storeMaker(work);

const list = async (dir: string): Promise<string[]> => readdir(dir).catch(() => []);

describe('tarball images over HTTP', () => {
  it('downloads, verifies against SHA256SUMS, extracts and caches; the second call downloads nothing', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/root.tar.gz'), sha256sums: url('/SHA256SUMS') }]);
    const events: Parameters<ImageProgress>[0][] = [];
    const image = await ensureImage(store, distro, { log: memoryLogger(), onProgress: (e) => events.push(e) });

    expect(image.cached).toBe(false);
    expect(await readFile(join(image.rootfs, 'etc/os-release'), 'utf8')).toContain('ID=testos');
    expect(await readlink(join(image.rootfs, 'bin'))).toBe('usr/bin');
    expect(image.meta).toMatchObject({
      id: image.id,
      distro: 'testos-1',
      release: '1',
      arch: 'amd64',
      digest,
      size: 33,
      source: distro.sources[0],
    });
    expect(existsSync(store.blobPath(digest))).toBe(true);
    expect(await list(store.tmpDir())).toEqual([]);
    expect(new Set(events.map((e) => e.phase))).toEqual(new Set(['download', 'extract', 'done']));
    expect(events.every((e) => e.distro === 'testos-1')).toBe(true);
    expect(requests.find((r) => r.path === '/root.tar.gz')?.acceptEncoding).toBe('identity');

    const downloads = count('/root.tar.gz');
    const again = await ensureImage(new Store(store.root), distro, { log: memoryLogger() });
    expect(again).toMatchObject({ id: image.id, rootfs: image.rootfs, cached: true });
    expect(count('/root.tar.gz')).toBe(downloads);
  });

  it('with an inline sha256, a cache hit makes no request at all', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/root.tar.gz'), sha256: digest }]);
    await ensureImage(store, distro, { log: memoryLogger() });
    const before = requests.length;
    expect((await ensureImage(store, distro, { log: memoryLogger() })).cached).toBe(true);
    expect(requests.length).toBe(before);
  });

  it('rebuilds an image from the blob without downloading again', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/root.tar.gz'), sha256: digest }]);
    const first = await ensureImage(store, distro, { log: memoryLogger() });
    await rm(store.imageDir(first.id), { recursive: true });
    const before = count('/root.tar.gz');
    const rebuilt = await ensureImage(store, distro, { log: memoryLogger() });
    expect(rebuilt).toMatchObject({ id: first.id, cached: false });
    expect(count('/root.tar.gz')).toBe(before);
  });

  it('replaces an image dir whose image.json is unreadable', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/root.tar.gz'), sha256: digest }]);
    const first = await ensureImage(store, distro, { log: memoryLogger() });
    await writeFile(join(store.imageDir(first.id), 'image.json'), '{"trunc');
    const again = await ensureImage(store, distro, { log: memoryLogger() });
    expect(again).toMatchObject({ id: first.id, cached: false });
    expect(await store.readImage(first.id)).toMatchObject({ id: first.id, digest });
  });

  it('refuses a checksum mismatch and keeps nothing: no image, no blob, no staging dir', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/bad/root.tar.gz'), sha256sums: url('/bad/SHA256SUMS') }]);
    const error = await ensureImage(store, distro, { log: memoryLogger() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', exit: 3 });
    expect((error as Error).message).toContain(
      `expected sha256 ${'1'.repeat(64)}, got ${digest} for ${url('/bad/root.tar.gz')}`,
    );
    expect((error as Error).message).toContain('testos-1');
    expect(await list(join(store.root, 'images'))).toEqual([]);
    expect(await list(join(store.root, 'blobs/sha256'))).toEqual([]);
    expect(await list(store.tmpDir())).toEqual([]);
  });

  it('reports a 404 with the URL and status', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/gone.tar.gz'), sha256: digest }]);
    await expect(ensureImage(store, distro, { log: memoryLogger() })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining(`GET ${url('/gone.tar.gz')}: HTTP 404`),
    });
    expect(await list(store.tmpDir())).toEqual([]);
  });

  it('follows redirects, relative and absolute', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/hop1/root.tar.gz'), sha256: digest }]);
    const image = await ensureImage(store, distro, { log: memoryLogger() });
    expect(await readFile(join(image.rootfs, 'etc/os-release'), 'utf8')).toContain('ID=testos');
    expect(count('/hop2/root.tar.gz')).toBe(1);
  });

  it('refuses a redirect to a file: URL', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/to-file/root.tar.gz'), sha256: digest }]);
    await expect(ensureImage(store, distro, { log: memoryLogger() })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining('file: URL, refused'),
    });
  });

  it('hashes the bytes as sent, whatever Content-Encoding says', async () => {
    const store = await freshStore();
    const image = await ensureImage(
      store,
      testDistro([{ kind: 'tarball', url: url('/encoded/root.tar.gz'), sha256: digest }]),
      { log: memoryLogger() },
    );
    expect(image.meta.digest).toBe(digest);
  });

  it('falls back to the next source, and says why', async () => {
    const store = await freshStore();
    const log = memoryLogger();
    const distro = testDistro([
      { kind: 'tarball', url: url('/gone.tar.gz'), sha256: '2'.repeat(64) },
      { kind: 'tarball', url: url('/root.tar.gz'), sha256: digest },
    ]);
    const image = await ensureImage(store, distro, { log });
    expect(image.meta.source).toEqual(distro.sources[1]);
    expect(log.lines.join('\n')).toMatch(/testos-1: tarball .*gone\.tar\.gz: GET .* HTTP 404/);
  });

  it('names every source when all fail', async () => {
    const store = await freshStore();
    const distro = testDistro([
      { kind: 'tarball', url: url('/gone.tar.gz'), sha256: digest },
      { kind: 'tarball', url: url('/bad/root.tar.gz'), sha256sums: url('/bad/SHA256SUMS') },
    ]);
    await expect(ensureImage(store, distro, { log: memoryLogger() })).rejects.toMatchObject({
      code: 'IMAGE_UNAVAILABLE',
      exit: 3,
      message: expect.stringMatching(
        /no source of testos-1 worked:\n {2}- tarball .*gone.*HTTP 404\n {2}- tarball .*bad.*expected sha256/,
      ),
    });
  });

  it('refuses an archive that escapes its root, and commits no image', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/evil.tar.gz'), sha256: evilDigest }]);
    await expect(ensureImage(store, distro, { log: memoryLogger() })).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE' });
    expect(await list(join(store.root, 'images'))).toEqual([]);
    expect(await list(store.tmpDir())).toEqual([]);
    expect(existsSync(join(store.root, 'escape')) || existsSync(join(store.tmpDir(), 'escape'))).toBe(false);
  });

  it('builds an image once when two callers want it at the same time', async () => {
    const store = await freshStore();
    const distro = testDistro([{ kind: 'tarball', url: url('/root.tar.gz'), sha256sums: url('/SHA256SUMS') }]);
    const before = count('/root.tar.gz');
    const [a, b] = await Promise.all([
      ensureImage(store, distro, { log: memoryLogger() }),
      ensureImage(new Store(store.root), distro, { log: memoryLogger() }),
    ]);
    expect(a.id).toBe(b.id);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    expect(count('/root.tar.gz') - before).toBe(1);
    expect(await list(join(store.root, 'images'))).toEqual([a.id]);
  });

  it('offline: uses the image built earlier from the same source, and fails clearly without one', async () => {
    const store = await freshStore();
    const spec: SourceSpec = { kind: 'tarball', url: url('/root.tar.gz'), sha256sums: url('/SHA256SUMS') };
    await expect(ensureImage(store, testDistro([spec]), { log: memoryLogger(), offline: true })).rejects.toMatchObject({
      code: 'OFFLINE',
    });
    const built = await ensureImage(store, testDistro([spec]), { log: memoryLogger() });
    const before = requests.length;
    const offline = await ensureImage(store, testDistro([spec]), { log: memoryLogger(), offline: true });
    expect(offline).toMatchObject({ id: built.id, cached: true });
    expect(requests.length).toBe(before);
  });

  it('an image reused because its checksum list could not be reached is announced on the progress output', async () => {
    const store = await freshStore();
    const spec: SourceSpec = { kind: 'tarball', url: url('/root.tar.gz'), sha256sums: url('/flaky/SHA256SUMS') };
    flakyGone = false;
    const built = await ensureImage(store, testDistro([spec]), { log: memoryLogger() });
    flakyGone = true;
    try {
      const events: Array<Parameters<ImageProgress>[0]> = [];
      const reused = await ensureImage(store, testDistro([spec]), {
        log: memoryLogger(),
        onProgress: (e) => events.push(e),
      });
      expect(reused).toMatchObject({ id: built.id, cached: true });
      expect(events.map((e) => e.message)).toContainEqual(
        `reusing image ${built.id} built ${built.meta.created}, because the upstream index could not be reached: GET ${url('/flaky/SHA256SUMS')}: HTTP 404`,
      );
    } finally {
      flakyGone = false;
    }
  });

  it('reads file:// URLs, checksummed by their content when no sha256 is given', async () => {
    const store = await freshStore();
    const path = join(work, 'local root.tar.gz');
    await writeFile(path, tarball);
    const image = await ensureImage(store, testDistro([{ kind: 'tarball', url: pathToFileURL(path).href }]), {
      log: memoryLogger(),
    });
    expect(image.meta.digest).toBe(digest);
    expect(existsSync(store.blobPath(digest))).toBe(true);
  });

  it('refuses an http tarball without any checksum (a catalog mistake, exit 2)', async () => {
    const store = await freshStore();
    await expect(
      ensureImage(store, testDistro([{ kind: 'tarball', url: url('/root.tar.gz') }]), { log: memoryLogger() }),
    ).rejects.toMatchObject({ code: 'TARBALL_NO_CHECKSUM', exit: 2 });
  });
});
