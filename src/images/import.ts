import { createReadStream, existsSync } from 'node:fs';
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
import { sha256File } from './sha256sums.js';
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
  const digest = st.isDirectory() ? undefined : await sha256File(path);
  const id = shortId(
    hashOf(
      digest
        ? { kind: 'import', digest, format: IMAGE_FORMAT }
        : { kind: 'import-dir', nonce: randomBytes(8).toString('hex') },
    ),
  );
  const existing = existsSync(join(store.imageDir(id), 'image.json')) ? await store.readImage(id) : undefined;
  if (existing) return existing;
  return store.withLock(`image-${id}`, async () => (await store.readImage(id)) ?? build(store, req, id, path, digest));
}

async function build(
  store: Store,
  req: ImportRequest,
  id: string,
  path: string,
  digest: string | undefined,
): Promise<ImageMeta> {
  return store.inStaging(`image-${id}`, async (dir) => {
    const rootfs = join(dir, 'rootfs');
    await mkdir(rootfs, { mode: 0o755 });
    req.onProgress?.({ message: digest ? `extracting ${req.from}` : `copying ${req.from}` });
    const size = digest
      ? (await extractTar(await decompress(createReadStream(path)), rootfs, { archive: req.from })).bytes
      : await copyTree(path, rootfs);
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
  });
}

/** cp -a keeps owners, modes, links, xattrs and device nodes, which a root needs and fs.cp does not all keep. */
async function copyTree(from: string, to: string): Promise<number> {
  const r = await execCapture('cp', ['-a', '--', `${from}/.`, to]);
  if (r.code !== 0) throw envError('IMPORT_COPY_FAILED', `copying ${from}: ${r.stderr.trim()}`);
  return treeSize(to);
}
