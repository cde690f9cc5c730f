import { createHash, randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceSpec } from '../../src/catalog/types.js';
import { ensureBlob, ensureImage, partialPath, type RetryOptions } from '../../src/images/index.js';
import { Store } from '../../src/store/index.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { startNginx, type Nginx } from '../helpers/nginx.js';
import { tarOf } from '../helpers/tar.js';

// SAFETY 23-25 against bad networks: servers on 127.0.0.1 that drop, fail, lie about lengths, redirect
// in circles, stall, or send the wrong bytes. What must hold: a download resumes (Range + If-Range) or
// fails with a message naming the URL and the cause, and nothing unverified is kept in the store.
// test/integration/downloads.test.ts has the ordinary cases (one drop, 503s, nginx's 206/416).

const fast: RetryOptions = { tries: 4, baseMs: 1 };
const ETAG = '"n1"';
const big = randomBytes(2 << 20);
const bigDigest = sha256(big);
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

// ---- the node server: one handler per path, and a log of what each request asked for ----

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
interface Asked {
  path: string;
  range?: string;
  ifRange?: string;
  acceptEncoding?: string;
  sent?: [from: number, until: number];
}

let web: Server;
let nginx: Nginx;
const routes = new Map<string, Handler>();
const asked: Asked[] = [];
const stores: string[] = [];

beforeAll(async () => {
  web = createServer((req, res) => {
    const path = req.url!;
    asked.push({
      path,
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
      acceptEncoding: req.headers['accept-encoding'],
    });
    const handler = routes.get(path);
    if (handler) handler(req, res, askedFor(path).length);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  nginx = await startNginx(`
    location = /loop-a { return 302 /loop-b; }
    location = /loop-b { return 302 /loop-a; }
    location /gz/ { gzip on; gzip_types *; gzip_min_length 0; }`);
});

afterAll(async () => {
  web?.closeAllConnections(); // the stalled answers are still open
  await new Promise((r) => web?.close(r));
  await nginx?.stop();
  for (const dir of stores) await rm(dir, { recursive: true, force: true });
});

/** Serves `handler` at `path` on the node server; returns its URL. */
function route(path: string, handler: Handler): string {
  routes.set(path, handler);
  return `http://127.0.0.1:${(web.address() as AddressInfo).port}${path}`;
}

const askedFor = (path: string): Asked[] => asked.filter((a) => a.path === path);
const rangesAskedFor = (path: string): Array<[string | undefined, string | undefined]> =>
  askedFor(path).map((a) => [a.range, a.ifRange]);

/** Where an answer starting at `from` stops (the n-th request to its path); undefined: it sends it all. */
type Cut = (from: number, n: number) => number | undefined;

/**
 * `data` with a strong ETag, honouring Range + If-Range like nginx (206, or 416 past the end). Where `cut`
 * says, the answer stops and the connection dies, or, with `stall`, goes silent. The log records what was sent.
 */
function resumable(data: Buffer, cut: Cut = () => undefined, stall = false): Handler {
  return (req, res, n) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = range && req.headers['if-range'] === ETAG ? Number(range[1]) : 0;
    if (from >= data.length && from > 0) {
      res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
      return;
    }
    res.writeHead(from > 0 ? 206 : 200, {
      etag: ETAG,
      'content-length': data.length - from,
      ...(from > 0 ? { 'content-range': `bytes ${from}-${data.length - 1}/${data.length}` } : {}),
    });
    const until = Math.min(cut(from, n) ?? data.length, data.length);
    asked.at(-1)!.sent = [from, until];
    if (until === data.length) res.end(data.subarray(from));
    else res.write(data.subarray(from, until), () => stall || setTimeout(() => res.destroy(), 20));
  };
}

/** Writes a hand-made answer straight to the socket: what node's http module would not send. */
function raw(res: ServerResponse, head: string[], body: Buffer): void {
  res.socket!.end(
    Buffer.concat([Buffer.from(`${['HTTP/1.1 200 OK', ...head, 'connection: close'].join('\r\n')}\r\n\r\n`), body]),
  );
}

async function freshStore(): Promise<Store> {
  const s = new Store(await mkdtemp(join(tmpdir(), 'vmx-networks-')));
  stores.push(s.root);
  await s.init();
  return s;
}

/** SAFETY 24: no blob, no image, and no partial or staging dir left in tmp/. */
async function expectNothingKept(s: Store, digest: string): Promise<void> {
  expect(existsSync(s.blobPath(digest))).toBe(false);
  expect(await readdir(join(s.root, 'images'))).toEqual([]);
  expect(await readdir(s.tmpDir())).toEqual([]);
}

/** Runs `fn` with $VMATRIX_HTTP_TIMEOUT set, and puts the old value back. */
async function withHttpTimeout<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const old = process.env.VMATRIX_HTTP_TIMEOUT;
  process.env.VMATRIX_HTTP_TIMEOUT = value;
  try {
    return await fn();
  } finally {
    if (old === undefined) delete process.env.VMATRIX_HTTP_TIMEOUT;
    else process.env.VMATRIX_HTTP_TIMEOUT = old;
  }
}

/** A small seeded PRNG (mulberry32), so that a failing run can be replayed with VMATRIX_TEST_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `count` piece sizes between 192 and 384 KiB: together less than `big`, so the answer after the last cut completes. */
function pieceSizes(seed: number, count: number): number[] {
  const next = prng(seed);
  return Array.from({ length: count }, () => (192 << 10) + Math.floor(next() * (192 << 10)));
}

const tarballDistro = (spec: Omit<Extract<SourceSpec, { kind: 'tarball' }>, 'kind'>) =>
  testDistro([{ kind: 'tarball', ...spec }]);
const osRelease = (rootfs: string): Promise<string> => readFile(join(rootfs, 'etc/os-release'), 'utf8');

const seed = Number(process.env.VMATRIX_TEST_SEED) || randomInt(1, 2 ** 31);

describe('dropped connections (SAFETY 23)', { tags: ['safety', 'network'], timeout: 20_000 }, () => {
  it(`resumes after 5 drops at random offsets, each time with Range + If-Range (seed ${seed})`, async () => {
    // The n-th answer dies a random piece past where it started. A drop may lose what the client had
    // received but not yet written (undici discards its buffer on the error): the resume asks from what
    // is on disk, so a range starts after the previous one's start and at most where that answer died.
    const pieces = pieceSizes(seed, 5);
    const url = route(
      '/drops.bin',
      resumable(big, (from, n) => (n <= pieces.length ? from + pieces[n - 1]! : undefined)),
    );
    const s = await freshStore();
    const blob = await ensureBlob(s, { url, digest: bigDigest, retry: { tries: 6, baseMs: 1 } });
    const log = askedFor('/drops.bin');
    const replay = `VMATRIX_TEST_SEED=${seed}; pieces ${pieces.join(', ')}; asked ${JSON.stringify(log)}`;
    expect(sha256(await readFile(blob)), replay).toBe(bigDigest);
    expect(log, replay).toHaveLength(6);
    expect(log[0]!.range, replay).toBeUndefined();
    for (const [i, a] of log.slice(1).entries()) {
      const start = Number(/^bytes=(\d+)-$/.exec(a.range ?? '')?.[1]);
      const [previousFrom, previousUntil] = log[i]!.sent!;
      expect(a.ifRange, replay).toBe(ETAG);
      expect(start, replay).toBeGreaterThan(previousFrom);
      expect(start, replay).toBeLessThanOrEqual(previousUntil);
    }
    expect(await readdir(s.tmpDir()), replay).toEqual([]);
  });

  it('a checksum list whose connection drops mid-body is fetched again, and the image is built', async () => {
    const list = Buffer.from(`${'0'.repeat(64)}  other.tar.gz\n${tarDigest}  root.tar.gz\n`);
    const sums = route('/drop-list/SHA256SUMS', (_req, res, n) => {
      res.writeHead(200, { 'content-length': list.length });
      if (n > 1) res.end(list);
      else res.write(list.subarray(0, 40), () => setTimeout(() => res.destroy(), 20));
    });
    const url = route('/drop-list/root.tar.gz', resumable(tarball));
    const ref = await ensureImage(await freshStore(), tarballDistro({ url, sha256sums: sums }), {
      log: memoryLogger(),
    });
    expect(await osRelease(ref.rootfs)).toBe('ID=testos\n');
    expect(askedFor('/drop-list/SHA256SUMS')).toHaveLength(2);
  });
});

describe('server errors (SAFETY 23)', { tags: ['safety', 'network'], timeout: 20_000 }, () => {
  it('a 500, then 200, for both the checksum list and the tarball: retried, and the image is built', async () => {
    const failOnce =
      (body: Buffer): Handler =>
      (_req, res, n) => {
        if (n === 1) res.writeHead(500).end('oops');
        else res.writeHead(200, { 'content-length': body.length }).end(body);
      };
    const sums = route('/flaky/SHA256SUMS', failOnce(Buffer.from(`${tarDigest}  root.tar.gz\n`)));
    const url = route('/flaky/root.tar.gz', failOnce(tarball));
    const log = memoryLogger();
    const ref = await ensureImage(await freshStore(), tarballDistro({ url, sha256sums: sums }), { log });
    expect(ref).toMatchObject({ cached: false, meta: { digest: tarDigest } });
    expect(await osRelease(ref.rootfs)).toBe('ID=testos\n');
    expect(askedFor('/flaky/SHA256SUMS')).toHaveLength(2);
    expect(askedFor('/flaky/root.tar.gz')).toHaveLength(2);
    expect(log.lines).toEqual([]); // no source was given up on
  });
});

describe('wrong Content-Length', { tags: ['safety', 'network'], timeout: 20_000 }, () => {
  it('announces more than it sends, then closes: treated as a drop, and resumed with Range + If-Range', async () => {
    const url = route('/claims-more.bin', (req, res, n) => {
      if (n > 1) return resumable(big)(req, res, n); // honest now: 206 for the rest, or 416 if nothing is left
      res.writeHead(200, { etag: ETAG, 'content-length': big.length + 1000 });
      res.write(big, () => setTimeout(() => res.destroy(), 20));
    });
    const s = await freshStore();
    const blob = await ensureBlob(s, { url, digest: bigDigest, retry: fast });
    expect(sha256(await readFile(blob))).toBe(bigDigest);
    const [first, second, ...more] = askedFor('/claims-more.bin');
    expect([first?.range, more]).toEqual([undefined, []]);
    // Up to all of it arrived before the drop (undici may discard what it had not handed over yet).
    expect(second).toMatchObject({ range: expect.stringMatching(/^bytes=[1-9]\d*-$/), ifRange: ETAG });
    expect(Number(/\d+/.exec(second!.range!)![0])).toBeLessThanOrEqual(big.length);
    expect(await readdir(s.tmpDir())).toEqual([]);
  });

  it('announces more than it ever sends, without a validator: each try starts over, then it gives up saying how far it got', async () => {
    const url = route('/always-short.bin', (_req, res) => {
      res.writeHead(200, { 'content-length': big.length + 1000 });
      res.write(big, () => setTimeout(() => res.destroy(), 20));
    });
    const s = await freshStore();
    const error = await ensureBlob(s, { url, digest: bigDigest, retry: { tries: 3, baseMs: 1 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'DOWNLOAD_FAILED',
      exit: 3,
      message: expect.stringMatching(
        new RegExp(`^GET ${url}: .+ after \\d+ of ${big.length + 1000} bytes \\(gave up after 3 tries\\)$`),
      ),
    });
    expect(rangesAskedFor('/always-short.bin')).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(existsSync(s.blobPath(bigDigest))).toBe(false);
  });

  it('announces less than it sends: only the announced bytes count, they fail the checksum, nothing is kept', async () => {
    const half = big.length >> 1;
    const url = route('/claims-less.bin', (_req, res) => raw(res, [`content-length: ${half}`, `etag: ${ETAG}`], big));
    const s = await freshStore();
    await expect(ensureBlob(s, { url, digest: bigDigest, retry: fast })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      exit: 3,
      message: `expected sha256 ${bigDigest}, got ${sha256(big.subarray(0, half))} for ${url}`,
    });
    await expectNothingKept(s, bigDigest);
  });

  it('bytes after the announced body are not appended to the file', async () => {
    const url = route('/trailing-junk.bin', (_req, res) =>
      raw(res, [`content-length: ${big.length}`], Buffer.concat([big, randomBytes(4096)])),
    );
    const blob = await ensureBlob(await freshStore(), { url, digest: bigDigest, retry: fast });
    expect((await readFile(blob)).equals(big)).toBe(true);
  });

  it('no Content-Length and more bytes than the size expected: refused at the limit, not retried, nothing kept', async () => {
    const url = route('/endless.bin', (_req, res) => raw(res, [], big));
    const s = await freshStore();
    const maxBytes = big.length - 1;
    await expect(ensureBlob(s, { url, digest: bigDigest, retry: fast, maxBytes })).rejects.toMatchObject({
      code: 'DOWNLOAD_TOO_LARGE',
      exit: 3,
      message: `GET ${url}: more than the ${maxBytes} bytes expected`,
    });
    expect(askedFor('/endless.bin')).toHaveLength(1);
    await expectNothingKept(s, bigDigest);
  });
});

describe('redirect loops', { tags: ['safety', 'network'], timeout: 20_000 }, () => {
  it('A → B → A …: stops after 10 hops with "too many redirects", naming the URL, and does not retry', async () => {
    const url = nginx.url('/loop-a');
    await expect(ensureBlob(await freshStore(), { url, digest: bigDigest, retry: fast })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      exit: 3,
      message: expect.stringMatching(
        new RegExp(`^GET ${url}: too many redirects \\(more than 10, the last to http://[^ ]+/loop-b\\)$`),
      ),
    });
    const hops = (await nginx.log()).filter((l) => l.uri === '/loop-a' || l.uri === '/loop-b');
    expect(hops.map((l) => l.status)).toEqual(Array(11).fill(302));
  });
});

describe('stalled servers (VMATRIX_HTTP_TIMEOUT)', { tags: ['safety', 'network'], timeout: 20_000 }, () => {
  it('never sends headers: each try ends after the timeout, and the last says it gave up', async () => {
    const url = route('/silent.bin', () => {});
    const s = await freshStore();
    const error = await withHttpTimeout('1', () =>
      ensureBlob(s, { url, digest: bigDigest, retry: { tries: 2, baseMs: 1 } }).catch((e: unknown) => e),
    );
    expect(error).toMatchObject({
      code: 'DOWNLOAD_FAILED',
      exit: 3,
      message: `GET ${url}: no data for 1 s (VMATRIX_HTTP_TIMEOUT) (gave up after 2 tries)`,
      hint: expect.stringContaining('raise VMATRIX_HTTP_TIMEOUT'),
    });
    expect(askedFor('/silent.bin')).toHaveLength(2);
  });

  it('sends headers, then nothing: the body timeout catches it', async () => {
    const url = route('/headers-only.bin', (_req, res) =>
      res.writeHead(200, { etag: ETAG, 'content-length': big.length }).flushHeaders(),
    );
    const s = await freshStore();
    const error = await withHttpTimeout('1', () =>
      ensureBlob(s, { url, digest: bigDigest, retry: { tries: 2, baseMs: 1 } }).catch((e: unknown) => e),
    );
    expect(error).toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: `GET ${url}: no data for 1 s after 0 of ${big.length} bytes (VMATRIX_HTTP_TIMEOUT) (gave up after 2 tries)`,
    });
  });

  it('stalls mid-body: caught by the timeout, and the retry resumes from where it stopped', async () => {
    const half = big.length >> 1;
    const url = route(
      '/stalls.bin',
      resumable(big, (from) => (from < half ? half : undefined), true),
    );
    const retries: string[] = [];
    const s = await freshStore();
    const blob = await withHttpTimeout('1', () =>
      ensureBlob(s, { url, digest: bigDigest, retry: { ...fast, onRetry: (e) => retries.push(e.message) } }),
    );
    expect(sha256(await readFile(blob))).toBe(bigDigest);
    expect(retries).toEqual([
      `GET ${url}: no data for 1 s after ${half} of ${big.length} bytes (VMATRIX_HTTP_TIMEOUT)`,
    ]);
    expect(rangesAskedFor('/stalls.bin')).toEqual([
      [undefined, undefined],
      [`bytes=${half}-`, ETAG],
    ]);
  });

  it('a VMATRIX_HTTP_TIMEOUT that is not a number of seconds is a usage error, before any request', async () => {
    const url = route('/never-asked.bin', resumable(big));
    const s = await freshStore();
    await expect(
      withHttpTimeout('soon', () => ensureBlob(s, { url, digest: bigDigest, retry: fast })),
    ).rejects.toMatchObject({
      code: 'BAD_HTTP_TIMEOUT',
      exit: 2,
      message: 'VMATRIX_HTTP_TIMEOUT: "soon" is not a number of seconds',
    });
    expect(askedFor('/never-asked.bin')).toEqual([]);
  });
});

describe('bytes that fail the checksum (SAFETY 24)', { tags: ['safety', 'network'], timeout: 20_000 }, () => {
  it('a blob: refused naming both digests, nothing kept; a good server afterwards works', async () => {
    const bad = Buffer.from(big);
    bad[12345] ^= 1;
    let serving = bad;
    const url = route('/bitflip.bin', (req, res, n) => resumable(serving)(req, res, n));
    const s = await freshStore();
    await expect(ensureBlob(s, { url, digest: bigDigest, retry: fast })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      exit: 3,
      message: `expected sha256 ${bigDigest}, got ${sha256(bad)} for ${url}`,
    });
    await expectNothingKept(s, bigDigest);
    serving = big;
    expect(sha256(await readFile(await ensureBlob(s, { url, digest: bigDigest, retry: fast })))).toBe(bigDigest);
  });

  it('a tarball image: never extracted nor cached; a good server afterwards works', async () => {
    const evil = gzipSync(
      await tarOf([
        { name: './', type: 'directory' },
        { name: './etc/os-release', content: 'ID=evil\n' },
      ]),
    );
    let serving = evil;
    const url = route('/swapped/root.tar.gz', (req, res, n) => resumable(serving)(req, res, n));
    const s = await freshStore();
    const distro = tarballDistro({ url, sha256: tarDigest });
    await expect(ensureImage(s, distro, { log: memoryLogger() })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      exit: 3,
      message: `testos-1: expected sha256 ${tarDigest}, got ${sha256(evil)} for ${url}`,
    });
    await expectNothingKept(s, tarDigest);
    expect(await readdir(join(s.root, 'blobs/sha256'))).toEqual([]);
    serving = tarball;
    expect(await osRelease((await ensureImage(s, distro, { log: memoryLogger() })).rootfs)).toBe('ID=testos\n');
  });

  it('a resumed partial that fails the checksum is dropped and fetched once from zero, never kept spliced', async () => {
    await writeFile(join(nginx.www, 'spliced.bin'), big, { mode: 0o644 });
    const url = nginx.url('/spliced.bin');
    const head = await request(url, { method: 'HEAD' });
    await head.body.dump();
    const s = await freshStore();
    const partial = partialPath(s, url, bigDigest);
    await writeFile(partial, randomBytes(1000)); // not the file's first 1000 bytes, under the file's own ETag
    await writeFile(`${partial}.validator`, String(head.headers.etag));
    const blob = await ensureBlob(s, { url, digest: bigDigest, retry: fast });
    expect(sha256(await readFile(blob))).toBe(bigDigest);
    expect((await nginx.log()).filter((l) => l.uri === '/spliced.bin').map((l) => [l.status, l.range])).toEqual([
      [200, ''],
      [206, 'bytes=1000-'],
      [200, ''],
    ]);
    expect(await readdir(s.tmpDir())).toEqual([]);
  });
});

describe('content encodings (SAFETY 25)', { tags: ['safety', 'network'], timeout: 20_000 }, () => {
  it('a 200 with Content-Encoding: gzip is kept as sent, not decoded, and we asked for identity', async () => {
    const sent = gzipSync(big.subarray(0, 1 << 16));
    const url = route('/encoded.bin', (_req, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': sent.length }).end(sent),
    );
    const blob = await ensureBlob(await freshStore(), { url, digest: sha256(sent), retry: fast });
    expect((await readFile(blob)).equals(sent)).toBe(true);
    expect(askedFor('/encoded.bin').map((a) => a.acceptEncoding)).toEqual(['identity']);
  });

  it('nginx with gzip on: we ask for identity, so we get (and hash) the file itself', async () => {
    const text = Buffer.from('vmatrix hashes the bytes as sent\n'.repeat(20_000));
    await mkdir(join(nginx.www, 'gz'), { mode: 0o755 });
    await writeFile(join(nginx.www, 'gz', 'text.bin'), text, { mode: 0o644 });
    const url = nginx.url('/gz/text.bin');
    // The setup can fail the test: a client that accepts gzip does get gzip here.
    const probe = await request(url, { headers: { 'accept-encoding': 'gzip' } });
    await probe.body.dump();
    expect(probe.headers['content-encoding']).toBe('gzip');
    const blob = await ensureBlob(await freshStore(), { url, digest: sha256(text), retry: fast });
    expect((await readFile(blob)).equals(text)).toBe(true);
  });
});
