import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { decompress, extractTar } from '../archive/index.js';
import { writeName, type Store } from '../store/index.js';
import type { ImageMeta } from '../store/types.js';
import { envError, messageOf } from '../util/errors.js';
import { execCapture } from '../util/exec.js';
import { hashOf, shortId } from '../util/hash.js';
import { treeSize } from '../util/tree.js';
import { debianArch } from '../util/arch.js';
import { downloadResumable, type Transfer } from './resume.js';
import { sha256FileInWorker } from './sha256sums.js';
import { IMAGE_FORMAT } from './source.js';

// `vmatrix image import FILE|DIR|URL --as NAME`: a root filesystem from elsewhere becomes an image under a
// name. A tarball (any compression the archive module knows) is identified by its sha256, so importing
// the same file twice reuses the image; a directory is copied as it is now, so every import is new.

export interface ImportRequest {
  from: string;
  name: string;
  packageManager: string;
  shell: string;
  arch?: string;
  onProgress?: (e: { message?: string } & Partial<Transfer>) => void;
}

export async function importImage(store: Store, req: ImportRequest): Promise<ImageMeta> {
  await store.init();
  const staging = await store.staging('import');
  try {
    const meta = await importInto(store, req, staging);
    await writeName(store, {
      name: req.name,
      image: meta.id,
      packageManager: req.packageManager,
      shell: req.shell,
      created: new Date().toISOString(),
    });
    return meta;
  } finally {
    await store.discard(staging);
  }
}

async function importInto(store: Store, req: ImportRequest, staging: string): Promise<ImageMeta> {
  const remote = /^https?:\/\//.test(req.from);
  const path = remote
    ? join(staging, 'download')
    : req.from.startsWith('file:')
      ? fileURLToPath(req.from)
      : resolve(req.from);
  if (remote) {
    req.onProgress?.({ message: `downloading ${req.from}` });
    await downloadResumable(req.from, path, { onProgress: (t) => req.onProgress?.(t) });
  }
  const st = await stat(path).catch((e: unknown) => {
    throw envError('IMPORT_NOT_FOUND', `cannot import ${req.from}: ${messageOf(e)}`, { cause: e });
  });
  if (!st.isDirectory()) return importTarball(store, req, path);
  const id = shortId(hashOf({ kind: 'import-dir', nonce: randomBytes(8).toString('hex') }));
  return store.withLock(`image-${id}`, () =>
    store.inStaging(`image-${id}`, async (dir) => {
      const rootfs = join(dir, 'rootfs');
      await mkdir(rootfs, { mode: 0o755 });
      req.onProgress?.({ message: `copying ${req.from}` });
      return commit(store, req, dir, id, undefined, await copyTree(path, rootfs));
    }),
  );
}

/**
 * A tarball's image id is its sha256, but the hash is not waited for: it is computed in a worker thread
 * while the main thread extracts into a staging dir (and the decompressor runs in its own process), so a
 * new import costs the extraction alone, not a read of the whole file before it. Once the digest is known,
 * an image already in the store (the same file imported before) stops the extraction and is returned.
 */
async function importTarball(store: Store, req: ImportRequest, path: string): Promise<ImageMeta> {
  const hashing = sha256FileInWorker(path);
  hashing.catch(() => {}); // awaited below; an early failure must not be an unhandled rejection meanwhile
  return store.inStaging('image', async (dir) => {
    const rootfs = join(dir, 'rootfs');
    await mkdir(rootfs, { mode: 0o755 });
    req.onProgress?.({ message: `extracting ${req.from}` });
    const input = await decompress(createReadStream(path));
    const extracting = extractTar(input, rootfs, { archive: req.from });
    extracting.catch(() => {}); // likewise: awaited (or abandoned after stopping it) below
    const stop = async (): Promise<void> => {
      input.destroy();
      await extracting.catch(() => {});
      await store.discard(dir);
    };
    let digest: string;
    try {
      digest = await hashing;
    } catch (e) {
      await stop();
      throw envError('IMPORT_NOT_FOUND', `cannot import ${req.from}: ${messageOf(e)}`, { cause: e });
    }
    const id = shortId(hashOf({ kind: 'import', digest, format: IMAGE_FORMAT }));
    const before = await store.readImage(id);
    if (before) {
      await stop();
      return before;
    }
    const { bytes } = await extracting;
    return store.withLock(`image-${id}`, async () => {
      // Another vmatrix may have committed the same file while we extracted: its image wins.
      const existing = await store.readImage(id);
      if (!existing) return commit(store, req, dir, id, digest, bytes);
      await store.discard(dir);
      return existing;
    });
  });
}

/** Writes image.json beside the root in `dir` and makes `dir` the image `id` (inside the id's lock). */
async function commit(
  store: Store,
  req: ImportRequest,
  dir: string,
  id: string,
  digest: string | undefined,
  size: number,
): Promise<ImageMeta> {
  const meta: ImageMeta = {
    id,
    distro: req.name,
    release: 'imported',
    arch: debianArch(req.arch),
    source: { kind: 'import', from: req.from },
    ...(digest ? { digest } : {}),
    size,
    created: new Date().toISOString(),
  };
  await writeFile(join(dir, 'image.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await store.commitDir(dir, store.imageDir(id));
  return meta;
}

/** cp -a keeps owners, modes, links, xattrs and device nodes, which a root needs and fs.cp does not all keep. */
async function copyTree(from: string, to: string): Promise<number> {
  const r = await execCapture('cp', ['-a', '--', `${from}/.`, to]);
  if (r.code !== 0) throw envError('IMPORT_COPY_FAILED', `copying ${from}: ${r.stderr.trim()}`);
  return treeSize(to);
}
