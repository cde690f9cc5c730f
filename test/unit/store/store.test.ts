import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/index.js';
import type { ImageMeta } from '../../../src/store/types.js';
import { storeMaker } from '../../helpers/store.js';

const base = await mkdtemp(join(tmpdir(), 'vmx-store-'));
afterAll(() => rm(base, { recursive: true, force: true }));

const freshStore = storeMaker(base);

const image = (id: string, created: string): ImageMeta => ({
  id,
  distro: 'debian-12',
  release: '12',
  arch: 'amd64',
  source: { kind: 'busybox' },
  size: 1,
  created,
});

describe('Store.fromEnv', () => {
  it('prefers $VMATRIX_HOME', () => expect(Store.fromEnv({ VMATRIX_HOME: '/x/y' }, 0).root).toBe('/x/y'));
  it('uses /var/lib/vmatrix for root', () => expect(Store.fromEnv({ HOME: '/root' }, 0).root).toBe('/var/lib/vmatrix'));
  it('uses $XDG_DATA_HOME for other users', () =>
    expect(Store.fromEnv({ XDG_DATA_HOME: '/home/u/data', HOME: '/home/u' }, 1000).root).toBe('/home/u/data/vmatrix'));
  it('falls back to ~/.local/share', () =>
    expect(Store.fromEnv({ HOME: '/home/u' }, 1000).root).toBe('/home/u/.local/share/vmatrix'));
});

describe('Store layout', () => {
  it('creates its directories, the root 0700 even when it existed with wider permissions', async () => {
    const root = join(base, 'preexisting');
    await mkdir(root, { mode: 0o755 });
    await chmod(root, 0o755);
    const store = new Store(root);
    await store.init();
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect((await readdir(root)).sort()).toEqual([
      'blobs',
      'cells',
      'images',
      'layers',
      'locks',
      'retired',
      'sources',
      'tmp',
    ]);
    expect(existsSync(join(root, 'blobs/sha256'))).toBe(true);
  });

  it('names paths by id and digest', () => {
    const store = new Store('/s');
    const hex = 'ab'.repeat(32);
    expect(store.blobPath(hex)).toBe(`/s/blobs/sha256/${hex}`);
    expect(store.blobPath(`sha256:${hex}`)).toBe(`/s/blobs/sha256/${hex}`);
    expect(store.imageRootfs('abc')).toBe('/s/images/abc/rootfs');
    expect(store.layerDiff('def')).toBe('/s/layers/def/diff');
    expect(store.sourceDir('123')).toBe('/s/sources/123');
    expect(store.cellsDir()).toBe('/s/cells');
  });

  it('refuses ids and digests that could leave the store', () => {
    const store = new Store('/s');
    for (const id of ['../x', 'a/b', '.', '..', '', '.hidden'])
      expect(() => store.imageDir(id), id).toThrow(expect.objectContaining({ code: 'BAD_ID' }));
    expect(() => store.blobPath('../../etc/passwd')).toThrow(expect.objectContaining({ code: 'BAD_DIGEST' }));
  });
});

describe('staging and commitDir', () => {
  it('gives each caller its own staging dir under tmp/, with an owner file beside it', async () => {
    const store = await freshStore();
    const [a, b] = await Promise.all([store.staging('image'), store.staging('image')]);
    expect(a).not.toBe(b);
    expect(a.startsWith(join(store.root, 'tmp', 'image-'))).toBe(true);
    expect(existsSync(`${a}.owner`)).toBe(true);
    expect(await readdir(a)).toEqual([]);
  });

  it('renames a complete dir into place and drops its owner file', async () => {
    const store = await freshStore();
    const staging = await store.staging('image');
    await writeFile(join(staging, 'image.json'), '{}');
    await store.commitDir(staging, store.imageDir('abc'));
    expect(existsSync(join(store.imageDir('abc'), 'image.json'))).toBe(true);
    expect(await readdir(store.tmpDir())).toEqual([]);
  });

  it('refuses to commit over an existing dir, even an empty one (which rename would replace)', async () => {
    const store = await freshStore();
    await mkdir(store.imageDir('abc'));
    const staging = await store.staging('image');
    await expect(store.commitDir(staging, store.imageDir('abc'))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(existsSync(staging)).toBe(true);
  });

  it('discards a staging dir and its owner file', async () => {
    const store = await freshStore();
    const staging = await store.staging('image');
    await mkdir(join(staging, 'rootfs/ro'), { recursive: true });
    await chmod(join(staging, 'rootfs/ro'), 0o555);
    await store.discard(staging);
    expect(await readdir(store.tmpDir())).toEqual([]);
  });
});

describe('metadata', () => {
  it('writes, reads and lists images oldest first', async () => {
    const store = await freshStore();
    await store.writeImageMeta(image('new', '2024-02-01T00:00:00Z'));
    await store.writeImageMeta(image('old', '2024-01-01T00:00:00Z'));
    expect(await store.readImage('old')).toEqual(image('old', '2024-01-01T00:00:00Z'));
    expect((await store.listImages()).map((i) => i.id)).toEqual(['old', 'new']);
  });

  it('skips missing and corrupt metadata instead of failing the listing', async () => {
    const store = await freshStore();
    await store.writeImageMeta(image('good', '2024-01-01T00:00:00Z'));
    await mkdir(store.imageDir('nometa'));
    await mkdir(store.imageDir('corrupt'));
    await writeFile(join(store.imageDir('corrupt'), 'image.json'), '{"id": ');
    expect(await store.readImage('nometa')).toBeUndefined();
    expect((await store.listImages()).map((i) => i.id)).toEqual(['good']);
  });

  it('writes, reads and lists layers', async () => {
    const store = await freshStore();
    const layer = { id: 'l1', image: 'i1', inputs: { packages: ['make'] }, size: 10, created: '2024-01-01T00:00:00Z' };
    await store.writeLayerMeta(layer);
    expect(await store.readLayer('l1')).toEqual(layer);
    expect(await store.listLayers()).toEqual([layer]);
  });
});
