import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, type ImageRef } from '../../src/images/index.js';
import { Store } from '../../src/store/index.js';
import { withFileLock } from '../../src/store/lock.js';
import { detectRuntime, runCell, type Runtime } from '../../src/vps/index.js';
import { debianTarball, testCacheDir } from '../fixtures/debian-roots.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { blob, OCI_MANIFEST, writeLayout } from '../helpers/oci-layout.js';
import { push, startRegistry, type Registry } from '../helpers/oci-registry.js';
import { Sink, uniqueId } from './vps/helpers.js';

// The lxc and oci sources against a REAL Debian 12 root (mmdebstrap minbase, from test/fixtures), not a
// hand-made tree: the lxc one as the rootfs.tar.xz of a fixture image server, the oci one as the single
// gzip layer of an image pushed to docker-registry. Each image must then run a cell.

const work = await mkdtemp(join(tmpdir(), 'vmx-images-real-'));
const BUILD = '20250101_00:00';
const CELL = '. /etc/os-release; echo $VERSION_CODENAME; dpkg -s coreutils | grep Status';
const CELL_OUT = 'bookworm\nStatus: install ok installed\n';

interface Recompressed {
  file: string;
  digest: string;
  diffId: string;
  size: number;
}

/**
 * `zstd -dc <debian-12.tar.zst> | <compressor>` into the test cache as `name` (temp name, then rename),
 * built once; returns the sha256 of the compressed file and of the uncompressed tar (its OCI diff_id).
 */
async function recompressed(name: string, compressor: string[]): Promise<Recompressed> {
  const source = await debianTarball('12');
  const dir = testCacheDir();
  const file = join(dir, name);
  const sums = `${file}.sha256`; // "<digest> <diffId>", so a cache hit needs no re-hashing of the tar
  const done = async (): Promise<Recompressed | undefined> => {
    if (!existsSync(file) || !existsSync(sums)) return undefined;
    const [digest, diffId] = (await readFile(sums, 'utf8')).trim().split(' ');
    if (!digest || !diffId) return undefined;
    return { file, digest, diffId, size: (await stat(file)).size };
  };
  return (
    (await done()) ??
    withFileLock(join(dir, `${name}.lock`), async () => {
      const hit = await done();
      if (hit) return hit;
      const partial = join(dir, `${name}.partial-${process.pid}`);
      try {
        const zstd = spawn('zstd', ['-dc', source], { stdio: ['ignore', 'pipe', 'inherit'] });
        const comp = spawn(compressor[0]!, compressor.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
        const exit = (p: ReturnType<typeof spawn>, what: string) =>
          new Promise<void>((resolve, reject) => {
            p.once('error', reject);
            p.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}`))));
          });
        const tarHash = createHash('sha256');
        const fileHash = createHash('sha256');
        zstd.stdout!.on('data', (d: Buffer) => tarHash.update(d));
        comp.stdout!.on('data', (d: Buffer) => fileHash.update(d));
        await Promise.all([
          exit(zstd, 'zstd'),
          exit(comp, compressor[0]!),
          pipeline(zstd.stdout!, comp.stdin!),
          pipeline(comp.stdout!, createWriteStream(partial)),
        ]);
        const digest = fileHash.digest('hex');
        const diffId = tarHash.digest('hex');
        await writeFile(sums, `${digest} ${diffId}\n`);
        await rename(partial, file);
        return { file, digest, diffId, size: (await stat(file)).size };
      } finally {
        await rm(partial, { force: true });
      }
    })
  );
}

let runtime: Runtime;
async function cell(image: ImageRef): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  await mkdir(join(work, 'cells'), { recursive: true });
  const r = await runCell(runtime, {
    id: uniqueId('vmx-real'),
    hostname: 'cell',
    lowerdirs: [image.rootfs],
    dir: join(work, 'cells', uniqueId('c')),
    args: ['/bin/sh', '-c', CELL],
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    cwd: '/',
    network: 'none',
    stdout,
    stderr,
    timeoutMs: 60_000,
  });
  return { exitCode: r.exitCode, stdout: stdout.text, stderr: stderr.text };
}

async function osRelease(root: string): Promise<string> {
  return readFile(join(root, 'etc/os-release'), 'utf8');
}

let server: Server | undefined;
let registry: Registry | undefined;
beforeAll(async () => {
  runtime = await detectRuntime();
});
afterAll(async () => {
  if (server) await new Promise((r) => server!.close(r));
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('real Debian 12 roots', () => {
  it(
    'lxc: pulls a real rootfs.tar.xz from an image server, verifies it and runs a cell on it',
    { timeout: 600_000 },
    async () => {
      const xz = await recompressed('debian-12.rootfs.tar.xz', ['xz', '-T0', '-1', '-c']);
      const path = `/images/debian/bookworm/amd64/default/${BUILD}/`;
      const requests: string[] = [];
      server = createServer((req, res) => {
        const url = decodeURIComponent(req.url!);
        requests.push(url);
        if (url === '/meta/1.0/index-system') {
          res.end(
            `debian;bookworm;amd64;default;${BUILD};${path}\ndebian;bookworm;arm64;default;${BUILD};/images/debian/bookworm/arm64/default/${BUILD}/\n`,
          );
        } else if (url === `${path}SHA256SUMS`) {
          res.end(`${'0'.repeat(64)}  meta.tar.xz\n${xz.digest}  rootfs.tar.xz\n${'f'.repeat(64)}  rootfs.squashfs\n`);
        } else if (url === `${path}rootfs.tar.xz`) {
          res.writeHead(200, { 'content-length': String(xz.size), 'content-type': 'application/x-xz' });
          createReadStream(xz.file).pipe(res);
        } else {
          res.writeHead(404);
          res.end('not found');
        }
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      const store = new Store(join(work, 'store-lxc'));
      await store.init();
      const distro = testDistro([{ kind: 'lxc', dist: 'debian', release: 'bookworm', server: base }], 'debian-12');
      const image = await ensureImage(store, distro, { log: memoryLogger() });
      expect(image.cached).toBe(false);
      expect(requests).toContain(`${path}rootfs.tar.xz`);
      expect(await osRelease(image.rootfs)).toMatch(/^VERSION_CODENAME=bookworm$/m);
      expect(existsSync(join(image.rootfs, 'usr/bin/apt-get'))).toBe(true);
      const meta = JSON.parse(await readFile(join(store.imageDir(image.id), 'image.json'), 'utf8'));
      expect(meta.digest).toBe(xz.digest);
      expect(existsSync(store.blobPath(xz.digest))).toBe(true);

      const r = await cell(image);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(CELL_OUT);
      expect(r.exitCode).toBe(0);
    },
  );

  it(
    'oci: pulls a real root as a gzip layer from docker-registry and runs a cell on it',
    { timeout: 600_000 },
    async () => {
      const gz = await recompressed('debian-12.layer.tar.gz', ['gzip', '-1', '-c']);
      const layer = {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: `sha256:${gz.digest}`,
        size: gz.size,
      };
      const config = blob(
        Buffer.from(
          JSON.stringify({
            architecture: 'amd64',
            os: 'linux',
            config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
            rootfs: { type: 'layers', diff_ids: [`sha256:${gz.diffId}`] },
          }),
        ),
        'application/vnd.oci.image.config.v1+json',
      );
      const manifest = blob(
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: OCI_MANIFEST,
            config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
            layers: [layer],
          }),
        ),
        OCI_MANIFEST,
      );
      const layout = join(work, 'layout');
      await writeLayout(layout, [config, manifest], { '12': manifest });
      await copyFile(gz.file, join(layout, 'blobs/sha256', gz.digest)); // the 40 MB layer, not through memory

      registry = await startRegistry(join(work, 'registry'));
      await push(layout, '12', `${registry.host}/real/debian:12`);

      const store = new Store(join(work, 'store-oci'));
      await store.init();
      const image = await ensureImage(
        store,
        testDistro([{ kind: 'oci', ref: `${registry.host}/real/debian:12` }], 'debian-12'),
        { log: memoryLogger() },
      );
      expect(image.cached).toBe(false);
      expect(image.meta.digest).toBe(manifest.digest);
      expect(existsSync(store.blobPath(layer.digest))).toBe(true);
      expect(await osRelease(image.rootfs)).toMatch(/^VERSION_CODENAME=bookworm$/m);
      expect(existsSync(join(image.rootfs, 'usr/bin/apt-get'))).toBe(true);

      const r = await cell(image);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(CELL_OUT);
      expect(r.exitCode).toBe(0);
    },
  );
});
