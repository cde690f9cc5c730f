import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBlob, ensureImage, partialPath, type Transfer } from '../../src/images/index.js';
import { Store } from '../../src/store/index.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { startNginx, type Nginx } from '../helpers/nginx.js';
import { tarOf } from '../helpers/tar.js';

// Robust downloads against a real nginx (its Range, ETag, If-Range, 206 and 416) and, for what nginx will
// not do on demand (drop a connection mid-body, answer 503), a small node server on 127.0.0.1.

const fast = { tries: 4, baseMs: 1 };
const blobData = randomBytes(3 << 20);
const blobDigest = sha256(blobData);
const tarball = gzipSync(
  await tarOf([
    { name: './', type: 'directory' },
    { name: './etc/os-release', content: 'ID=testos\n' },
  ]),
);
const tarDigest = sha256(tarball);

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

let nginx: Nginx;
let node: Server;
let store: Store;
const nodeRequests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const counters = new Map<string, number>();
const nodeUrl = (path: string): string => `http://127.0.0.1:${(node.address() as AddressInfo).port}${path}`;

function serveNode(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  nodeRequests.push({ url: req.url!, headers: req.headers });
  const n = (counters.get(req.url!) ?? 0) + 1;
  counters.set(req.url!, n);
  if (req.url === '/drop.bin') {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && req.headers['if-range'] === '"v1"') {
      const from = Number(range[1]);
      res.writeHead(206, {
        'content-range': `bytes ${from}-${blobData.length - 1}/${blobData.length}`,
        'content-length': blobData.length - from,
        etag: '"v1"',
      });
      res.end(blobData.subarray(from));
      return;
    }
    // Half the body, then the connection dies.
    res.writeHead(200, { 'content-length': blobData.length, etag: '"v1"' });
    res.write(blobData.subarray(0, blobData.length >> 1), () => setTimeout(() => res.destroy(), 20));
    return;
  }
  if (req.url === '/flaky.bin' && n > 2) {
    res.writeHead(200, { 'content-length': blobData.length });
    res.end(blobData);
    return;
  }
  res.writeHead(503);
  res.end('busy');
}

beforeAll(async () => {
  nginx = await startNginx('location = /moved/blob.bin { return 302 http://127.0.0.2:{port}/blob.bin; }');
  await writeFile(join(nginx.www, 'blob.bin'), blobData, { mode: 0o644 });
  await writeFile(join(nginx.www, 'root.tar.gz'), tarball, { mode: 0o644 });
  node = createServer(serveNode);
  await new Promise<void>((r) => node.listen(0, '127.0.0.1', r));
  store = new Store(await mkdtemp(join(tmpdir(), 'vmx-downloads-')));
  await store.init();
});

afterAll(async () => {
  await nginx?.stop();
  await new Promise((r) => node?.close(r));
  for (const dir of [store.root, ...fresh]) await rm(dir, { recursive: true, force: true });
});

/** A fresh store per test, so that no blob is already there. */
const fresh: string[] = [];
async function freshStore(): Promise<Store> {
  const s = new Store(await mkdtemp(join(tmpdir(), 'vmx-downloads-')));
  fresh.push(s.root);
  await s.init();
  return s;
}

async function etagOf(url: string): Promise<string> {
  const res = await request(url, { method: 'HEAD' });
  await res.body.dump();
  return String(res.headers.etag);
}

const requestsTo = async (uri: string) => (await nginx.log()).filter((l) => l.uri === uri);

describe('downloads', { tags: ['safety', 'network'] }, () => {
  it('resumes after the connection drops mid-body: the retry asks for the rest, with If-Range', async () => {
    const s = await freshStore();
    const events: Transfer[] = [];
    const blob = await ensureBlob(s, {
      url: nodeUrl('/drop.bin'),
      digest: blobDigest,
      retry: fast,
      onProgress: (t) => events.push(t),
    });
    expect(sha256(await readFile(blob))).toBe(blobDigest);
    const drops = nodeRequests.filter((r) => r.url === '/drop.bin');
    expect(drops).toHaveLength(2);
    expect(drops[0]!.headers.range).toBeUndefined();
    expect(drops[1]!.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(drops[1]!.headers['if-range']).toBe('"v1"');
    expect(events.at(-1)).toMatchObject({ bytes: blobData.length, total: blobData.length });
    expect(await readdir(s.tmpDir())).toEqual([]);
  });

  it('a later process resumes the partial an earlier one left, from nginx (206)', async () => {
    const s = await freshStore();
    const url = nginx.url('/blob.bin');
    const partial = partialPath(s, url, blobDigest);
    await writeFile(partial, blobData.subarray(0, 1000));
    await writeFile(`${partial}.validator`, await etagOf(url));
    const blob = await ensureBlob(s, { url, digest: blobDigest, retry: fast });
    expect(sha256(await readFile(blob))).toBe(blobDigest);
    expect((await requestsTo('/blob.bin')).at(-1)).toMatchObject({
      status: 206,
      range: 'bytes=1000-',
      ifRange: await etagOf(url),
    });
  });

  it('restarts from zero when the remote changed (If-Range does not match: 200), never splicing', async () => {
    const s = await freshStore();
    const url = nginx.url('/blob.bin');
    const partial = partialPath(s, url, blobDigest);
    await writeFile(partial, Buffer.alloc(5000, 7)); // bytes of "another version"
    await writeFile(`${partial}.validator`, '"an-old-etag"');
    const blob = await ensureBlob(s, { url, digest: blobDigest, retry: fast });
    expect(sha256(await readFile(blob))).toBe(blobDigest);
    expect((await requestsTo('/blob.bin')).at(-1)).toMatchObject({
      status: 200,
      range: 'bytes=5000-',
      ifRange: '"an-old-etag"',
    });
  });

  it('accepts a 416 for a complete partial whose digest matches', async () => {
    const s = await freshStore();
    const url = nginx.url('/blob.bin');
    const partial = partialPath(s, url, blobDigest);
    await writeFile(partial, blobData);
    await writeFile(`${partial}.validator`, await etagOf(url));
    const blob = await ensureBlob(s, { url, digest: blobDigest, retry: fast });
    expect(sha256(await readFile(blob))).toBe(blobDigest);
    expect((await requestsTo('/blob.bin')).at(-1)).toMatchObject({ status: 416, range: `bytes=${blobData.length}-` });
  });

  it('retries a 503 with backoff, then succeeds', async () => {
    const blob = await ensureBlob(await freshStore(), { url: nodeUrl('/flaky.bin'), digest: blobDigest, retry: fast });
    expect(sha256(await readFile(blob))).toBe(blobDigest);
    expect(counters.get('/flaky.bin')).toBe(3);
  });

  it('gives up after the last try with the URL and the status', async () => {
    const url = nodeUrl('/always-503.bin');
    await expect(
      ensureBlob(await freshStore(), { url, digest: blobDigest, retry: { tries: 3, baseMs: 1 } }),
    ).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      exit: 3,
      message: `GET ${url}: HTTP 503 (gave up after 3 tries)`,
    });
    expect(counters.get('/always-503.bin')).toBe(3);
  });

  it('refuses a body longer than the size it was told to expect, and keeps nothing', async () => {
    const s = await freshStore();
    const url = nodeUrl('/flaky.bin');
    counters.set('/flaky.bin', 5); // past its 503s: it sends the whole 3 MiB
    await expect(ensureBlob(s, { url, digest: blobDigest, retry: fast, maxBytes: 1 << 20 })).rejects.toMatchObject({
      code: 'DOWNLOAD_TOO_LARGE',
      exit: 3,
      message: `GET ${url}: more than the ${1 << 20} bytes expected`,
    });
    expect(counters.get('/flaky.bin')).toBe(6); // refused, not retried
    expect(await readdir(s.tmpDir())).toEqual([]);
  });

  it('follows a redirect to another host without forwarding Authorization', async () => {
    const blob = await ensureBlob(await freshStore(), {
      url: nginx.url('/moved/blob.bin'),
      digest: blobDigest,
      retry: fast,
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(sha256(await readFile(blob))).toBe(blobDigest);
    const log = await nginx.log();
    expect(log.filter((l) => l.uri === '/moved/blob.bin').at(-1)).toMatchObject({
      addr: '127.0.0.1',
      status: 302,
      auth: 'Bearer s3cret',
    });
    expect(log.filter((l) => l.uri === '/blob.bin').at(-1)).toMatchObject({ addr: '127.0.0.2', status: 200, auth: '' });
  });

  it('two concurrent downloads of one blob make one request', async () => {
    const s = await freshStore();
    const before = (await requestsTo('/blob.bin')).length;
    const [a, b] = await Promise.all(
      [0, 1].map(() => ensureBlob(s, { url: nginx.url('/blob.bin'), digest: blobDigest, retry: fast })),
    );
    expect(a).toBe(b);
    expect(sha256(await readFile(a!))).toBe(blobDigest);
    expect((await requestsTo('/blob.bin')).length - before).toBe(1);
  });

  it('offline: a missing image is a clear error; a cached one works without the network', async () => {
    const distro = testDistro([{ kind: 'tarball', url: nginx.url('/root.tar.gz'), sha256: tarDigest }]);
    await expect(ensureImage(store, distro, { log: memoryLogger(), offline: true })).rejects.toMatchObject({
      code: 'OFFLINE',
      exit: 3,
      message: 'offline: testos-1 is not in the store; run without --offline once',
    });
    expect(await requestsTo('/root.tar.gz')).toHaveLength(0);
    const built = await ensureImage(store, distro, { log: memoryLogger() });
    const again = await ensureImage(store, distro, { log: memoryLogger(), offline: true });
    expect(again).toMatchObject({ id: built.id, cached: true });
    expect(await requestsTo('/root.tar.gz')).toHaveLength(1);
  });
});
