import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DistroEntry } from '../../src/catalog/types.js';
import { ensureImage } from '../../src/images/index.js';
import { VmError } from '../../src/util/errors.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { tarOf } from '../helpers/tar.js';
import { storeMaker } from '../helpers/store.js';

// lxc images against a real HTTP server on 127.0.0.1 serving the image server's layout: the index, and
// per build a SHA256SUMS and a rootfs.tar.xz (made here with tar-stream and the host's xz).

const work = await mkdtemp(join(tmpdir(), 'vmx-images-lxc-'));
const OLD = '20241123_07:42';
const NEW = '20241124_07:42';
const dir = (dist: string, arch: string, build: string): string => `/images/${dist}/1/${arch}/default/${build}/`;

function xz(data: Buffer): Buffer {
  const r = spawnSync('xz', ['-c', '-T1'], { input: data, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`xz failed: ${r.stderr.toString()}`);
  return r.stdout;
}
const rootfs = async (build: string): Promise<Buffer> =>
  xz(
    await tarOf([
      { name: './', type: 'directory' },
      { name: './etc/os-release', content: 'ID=testos\nVERSION_ID=1\n' },
      { name: './etc/build', content: `${build}\n` },
    ]),
  );
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sums = (digest: string): string =>
  `${'0'.repeat(64)}  meta.tar.xz\n${digest}  rootfs.tar.xz\n${'f'.repeat(64)}  rootfs.squashfs\n`;

const files = new Map<string, Buffer | string>();
const roots: Record<string, Buffer> = { [OLD]: await rootfs(OLD), [NEW]: await rootfs(NEW) };
files.set(
  '/meta/1.0/index-system',
  [
    `debian;bookworm;amd64;default;${NEW};/images/debian/bookworm/amd64/default/${NEW}/`,
    `testos;1;amd64;default;${NEW};${dir('testos', 'amd64', NEW)}`,
    `testos;1;amd64;default;${OLD};${dir('testos', 'amd64', OLD)}`,
    `testos;1;amd64;cloud;20241125_07:42;/images/testos/1/amd64/cloud/20241125_07:42/`,
    `testos;1;arm64;default;${OLD};${dir('testos', 'arm64', OLD)}`,
    `badsums;1;amd64;default;${NEW};${dir('badsums', 'amd64', NEW)}`,
    '',
  ].join('\n'),
);
for (const build of [OLD, NEW]) {
  files.set(`${dir('testos', 'amd64', build)}rootfs.tar.xz`, roots[build]!);
  files.set(`${dir('testos', 'amd64', build)}SHA256SUMS`, sums(sha(roots[build]!)));
}
files.set(`${dir('badsums', 'amd64', NEW)}rootfs.tar.xz`, roots[NEW]);
files.set(`${dir('badsums', 'amd64', NEW)}SHA256SUMS`, sums('1'.repeat(64)));

const requests: string[] = [];
const count = (path: string): number => requests.filter((r) => r === path).length;
let server: Server;
const base = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent(req.url!);
    requests.push(path);
    const body = files.get(path);
    res.writeHead(body === undefined ? 404 : 200);
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterEach(() => {
  delete process.env.VMATRIX_LXC_SERVER;
});
afterAll(async () => {
  server.close();
  await rm(work, { recursive: true, force: true });
});

const freshStore = storeMaker(work);
const list = async (d: string): Promise<string[]> => readdir(d).catch(() => []);
const lxc = (dist = 'testos', arch = 'amd64'): DistroEntry => ({
  ...testDistro([{ kind: 'lxc', dist, release: '1', server: base() }]),
  arch,
});
async function failure(p: Promise<unknown>): Promise<VmError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e instanceof VmError) return e;
  throw new Error(`expected a VmError, got ${String(e)}`);
}

describe('lxc images over HTTP', () => {
  it('takes the newest build, verifies it against its SHA256SUMS and records its digest', async () => {
    const store = await freshStore();
    const image = await ensureImage(store, lxc(), { log: memoryLogger() });
    expect(image.cached).toBe(false);
    expect(await readFile(join(image.rootfs, 'etc/build'), 'utf8')).toBe(`${NEW}\n`);
    expect(image.meta).toMatchObject({
      distro: 'testos-1',
      arch: 'amd64',
      digest: sha(roots[NEW]!),
      source: lxc().sources[0],
    });
    expect(existsSync(store.blobPath(sha(roots[NEW]!)))).toBe(true);
    expect(count(`${dir('testos', 'amd64', OLD)}rootfs.tar.xz`)).toBe(0);
    expect(await list(store.tmpDir())).toEqual([]);
  });

  it('on a cache hit asks only for the index and the sums', async () => {
    const store = await freshStore();
    process.env.VMATRIX_LXC_SERVER = base();
    const distro = testDistro([{ kind: 'lxc', dist: 'testos', release: '1' }]);
    const first = await ensureImage(store, distro, { log: memoryLogger() });
    const before = requests.length;
    const again = await ensureImage(store, distro, { log: memoryLogger() });
    expect(again).toMatchObject({ id: first.id, cached: true });
    expect(requests.slice(before)).toEqual(['/meta/1.0/index-system', `${dir('testos', 'amd64', NEW)}SHA256SUMS`]);
  });

  it('offline, reuses the newest image built from the same spec without a request', async () => {
    const store = await freshStore();
    const first = await ensureImage(store, lxc(), { log: memoryLogger() });
    const before = requests.length;
    const offline = await ensureImage(store, lxc(), { log: memoryLogger(), offline: true });
    expect(offline).toMatchObject({ id: first.id, cached: true });
    expect(requests.length).toBe(before);
    const e = await failure(ensureImage(store, lxc('testos', 'arm64'), { log: memoryLogger(), offline: true }));
    expect(e.code).toBe('OFFLINE');
  });

  it('picks the build of the selected arch', async () => {
    files.set(`${dir('testos', 'arm64', OLD)}rootfs.tar.xz`, roots[OLD]!);
    files.set(`${dir('testos', 'arm64', OLD)}SHA256SUMS`, sums(sha(roots[OLD]!)));
    const image = await ensureImage(await freshStore(), lxc('testos', 'arm64'), { log: memoryLogger() });
    expect(image.meta).toMatchObject({ arch: 'arm64', digest: sha(roots[OLD]!) });
  });

  it('refuses a SHA256SUMS mismatch and keeps nothing: no image, no blob, no staging dir', async () => {
    const store = await freshStore();
    const e = await failure(ensureImage(store, lxc('badsums'), { log: memoryLogger() }));
    expect(e).toMatchObject({ code: 'CHECKSUM_MISMATCH', exit: 3 });
    expect(await list(join(store.root, 'images'))).toEqual([]);
    expect(await list(join(store.root, 'blobs/sha256'))).toEqual([]);
    expect(await list(store.tmpDir())).toEqual([]);
  });

  it('names what the server has when the dist, release or arch is missing', async () => {
    const index = `${base()}/meta/1.0/index-system`;
    const arch = await failure(ensureImage(await freshStore(), lxc('testos', 's390x'), { log: memoryLogger() }));
    expect(arch).toMatchObject({ code: 'LXC_IMAGE_NOT_FOUND', exit: 3 });
    expect(arch.message).toBe(
      `testos-1: ${index} lists no testos/1 for s390x: it has testos 1 (amd64, amd64/cloud, arm64)`,
    );
    const dist = await failure(ensureImage(await freshStore(), lxc('nosuch'), { log: memoryLogger() }));
    expect(dist.message).toBe(
      `testos-1: ${index} lists no nosuch/1 for amd64: it has no nosuch at all; its dists are badsums, debian, testos`,
    );
  });
});
