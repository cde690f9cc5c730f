import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../src/images/index.js';
import { Store } from '../../src/store/index.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { attestation, image, index, platformEntry, writeLayout, type Image } from '../helpers/oci-layout.js';
import { countingProxy, push, startRegistry, type Registry } from '../helpers/oci-registry.js';

// The oci source against a real registry (Debian's docker-registry, fed by skopeo from a hand-made OCI
// layout): a multi-arch index, three layers with whiteouts, the blob cache, a corrupted blob.

const work = await mkdtemp(join(tmpdir(), 'vmx-images-oci-'));
const mode = async (p: string): Promise<number> => (await lstat(p)).mode & 0o7777;
const ls = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();

let amd64: Image;
let registry: Registry;
let proxy: { host: string; requests: string[]; server: Server };
const oci = (ref: string) => testDistro([{ kind: 'oci', ref }]);

beforeAll(async () => {
  amd64 = await image('amd64', [
    {
      entries: [
        { name: 'etc/', type: 'directory' },
        { name: 'etc/os-release', content: 'ID=ocitest\n' },
        { name: 'etc/gone', content: 'g' },
        { name: 'usr/bin/tool', content: '#!/bin/sh\n', mode: 0o755 },
        { name: 'usr/bin/su', content: 'su', mode: 0o4755 },
        { name: 'sbin', type: 'symlink', linkname: 'usr/bin' },
        { name: 'data/', type: 'directory' },
        { name: 'data/a', content: 'a' },
        { name: 'data/sub/c', content: 'c' },
      ],
    },
    {
      entries: [
        { name: 'etc/.wh.gone' },
        { name: 'etc/added', content: 'added' },
        { name: 'data/', type: 'directory', mode: 0o750 },
        { name: 'data/.wh..wh..opq' },
        { name: 'data/new', content: 'new' },
      ],
    },
    {
      plain: true,
      entries: [
        { name: 'opt/app/run', content: 'run', mode: 0o755 },
        { name: 'opt/app/current', type: 'symlink', linkname: '/opt/app/run' },
      ],
    },
  ]);
  const arm64 = await image('arm64', [{ entries: [{ name: 'arch', content: 'arm64' }] }]);
  const att = attestation(amd64.manifest);
  const idx = index([att.entry, platformEntry(arm64.manifest, 'arm64'), platformEntry(amd64.manifest, 'amd64')]);
  const layout = join(work, 'layout');
  await writeLayout(layout, [...amd64.blobs, ...arm64.blobs, ...att.blobs, idx], {
    multi: idx,
    single: amd64.manifest,
  });
  registry = await startRegistry(join(work, 'registry'));
  await push(layout, 'multi', `${registry.host}/test/img:multi`);
  await push(layout, 'single', `${registry.host}/test/img:single`);
  proxy = await countingProxy(registry.host);
});

afterAll(async () => {
  proxy?.server.close();
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('oci source against docker-registry', () => {
  const store = new Store(join(work, 'store'));

  it('pulls linux/amd64 from a multi-arch index and applies the layers in order, whiteouts included', async () => {
    await store.init();
    const img = await ensureImage(store, oci(`${proxy.host}/test/img:multi`), { log: memoryLogger() });
    const root = img.rootfs;
    expect(img.cached).toBe(false);
    expect(img.meta.digest).toBe(amd64.manifest.digest);
    expect(JSON.parse(await readFile(join(store.imageDir(img.id), 'image.json'), 'utf8')).digest).toBe(
      amd64.manifest.digest,
    );
    expect(existsSync(join(root, 'arch'))).toBe(false); // not the arm64 image
    expect(await ls(join(root, 'etc'))).toEqual(['added', 'os-release']);
    expect(await ls(join(root, 'data'))).toEqual(['new']);
    expect(await mode(join(root, 'data'))).toBe(0o750);
    expect(await mode(join(root, 'usr/bin/su'))).toBe(0o4755);
    expect(await mode(join(root, 'usr/bin/tool'))).toBe(0o755);
    expect(await readlink(join(root, 'sbin'))).toBe('usr/bin');
    expect(await readlink(join(root, 'opt/app/current'))).toBe('/opt/app/run');
    for (const l of amd64.layers) expect(existsSync(store.blobPath(l.digest))).toBe(true);
  });

  it('a cached image costs one manifest request; offline reuses it', async () => {
    const before = proxy.requests.length;
    const again = await ensureImage(store, oci(`${proxy.host}/test/img:multi`), { log: memoryLogger() });
    expect(again.cached).toBe(true);
    expect(proxy.requests.slice(before)).toEqual(['GET /v2/test/img/manifests/multi']);
    const offline = await ensureImage(store, oci(`${proxy.host}/test/img:multi`), {
      log: memoryLogger(),
      offline: true,
    });
    expect(offline.id).toBe(again.id);
    expect(proxy.requests.length).toBe(before + 1);
  });

  it("a plain manifest tag records that manifest's digest", async () => {
    const img = await ensureImage(store, oci(`${registry.host}/test/img:single`), { log: memoryLogger() });
    expect(img.meta.digest).toBe(amd64.manifest.digest);
    expect(await ls(join(img.rootfs, 'data'))).toEqual(['new']);
  });

  it('an unknown tag is an environment error naming the URL and status', async () => {
    await expect(
      ensureImage(store, oci(`${registry.host}/test/img:nope`), { log: memoryLogger() }),
    ).rejects.toMatchObject({
      code: 'OCI_NOT_FOUND',
      exit: 3,
      message: expect.stringContaining(`http://${registry.host}/v2/test/img/manifests/nope: HTTP 404`),
    });
  });

  it('refuses a layer whose bytes do not match its digest, keeping nothing', async () => {
    const fresh = new Store(join(work, 'store-corrupt'));
    await fresh.init();
    const victim = amd64.layers[1]!;
    const data = join(
      registry.storage,
      'docker/registry/v2/blobs/sha256',
      victim.digest.slice(7, 9),
      victim.digest.slice(7),
      'data',
    );
    const good = await readFile(data);
    const bad = Buffer.from(good);
    bad[bad.length - 9]! ^= 0xff; // same size: only the digest can tell
    await writeFile(data, bad);
    try {
      await expect(
        ensureImage(fresh, oci(`${registry.host}/test/img:multi`), { log: memoryLogger() }),
      ).rejects.toMatchObject({
        code: 'OCI_DIGEST_MISMATCH',
        exit: 3,
        message: expect.stringContaining(victim.digest),
      });
    } finally {
      await writeFile(data, good);
    }
    expect(await readdir(join(fresh.root, 'images'))).toEqual([]);
    expect(existsSync(fresh.blobPath(victim.digest))).toBe(false);
    expect(await readdir(fresh.tmpDir())).toEqual([]);
  });
});
