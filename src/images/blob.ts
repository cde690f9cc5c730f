import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PARTIAL_PREFIX, type Store } from '../store/index.js';
import { envError } from '../util/errors.js';
import { fsyncDir, writeFileAtomic } from '../util/fs.js';
import { hashOf, shortId } from '../util/hash.js';
import type { RetryOptions } from './http.js';
import { downloadResumable, forget, type Transfer } from './resume.js';
import { fileDigest } from './sha256sums.js';

// A verified download in blobs/sha256/: fetched once per store however many processes want it (a lock per
// digest: the second waits, then finds the blob), resumed from the partial a dropped connection or a
// killed vmatrix left in tmp/, and never kept when its sha256 is not the expected one.

export interface BlobRequest {
  url: string;
  /** The sha256 the file must have (hex). */
  digest: string;
  offline?: boolean;
  headers?: Record<string, string>;
  retry?: RetryOptions;
  onProgress?: (t: Transfer) => void;
  /** The size the file must not exceed (an OCI descriptor's): a longer body is refused, not retried. */
  maxBytes?: number;
  /** Called once when another process holds the blob's lock. */
  onWait?: (pid: number) => void;
}

export async function ensureBlob(store: Store, req: BlobRequest): Promise<string> {
  const blob = store.blobPath(req.digest);
  if (existsSync(blob)) return blob;
  if (req.offline) throw envError('OFFLINE', `${req.url} is not in the store yet, and we are offline`);
  const hex = req.digest.replace(/^sha256:/, '');
  return store.withLock(`blob-${hex}`, async () => (existsSync(blob) ? blob : fetchBlob(store, req, hex, blob)), {
    onWait: (h) => req.onWait?.(h.pid),
  });
}

/** Where the partial download of this URL+digest lives: the same for every process, so one resumes another's. */
export function partialPath(store: Store, url: string, digest: string): string {
  return join(store.tmpDir(), `${PARTIAL_PREFIX}${shortId(hashOf({ url, digest }))}`);
}

async function fetchBlob(store: Store, req: BlobRequest, hex: string, blob: string): Promise<string> {
  const partial = partialPath(store, req.url, hex);
  await mkdir(dirname(partial), { recursive: true, mode: 0o700 });
  let got = await downloadResumable(req.url, partial, req);
  // A resumed partial that does not verify may be an old, different file: one fresh download decides.
  if (got.sha256 !== hex && got.resumed) {
    await forget(partial);
    got = await downloadResumable(req.url, partial, req);
  }
  if (got.sha256 !== hex) {
    await forget(partial);
    throw envError('CHECKSUM_MISMATCH', `expected sha256 ${hex}, got ${got.sha256} for ${req.url}`, {
      hint:
        'the file changed upstream or was damaged on the way; nothing was kept. If upstream re-released it, ' +
        'update the catalog',
    });
  }
  await mkdir(dirname(blob), { recursive: true, mode: 0o700 });
  await rename(partial, blob);
  await fsyncDir(dirname(blob));
  await rm(`${partial}.validator`, { force: true });
  return blob;
}

export interface Sha512BlobRequest extends Omit<BlobRequest, 'digest' | 'maxBytes'> {
  /** The sha512 the file must have (hex), as upstream publishes it (Gentoo's .DIGESTS). */
  sha512: string;
  /** The size upstream states: a longer body is refused, a shorter or different one kept nowhere. */
  size?: number;
}

/**
 * A blob known by its sha512: checked after the download (and before anything is kept), then stored under
 * its sha256 like every blob, with `blobs/sha512/<hex>` holding that sha256 so the next build finds it.
 */
export async function ensureBlobBySha512(
  store: Store,
  req: Sha512BlobRequest,
): Promise<{ path: string; sha256: string }> {
  const hex = req.sha512.toLowerCase();
  if (!/^[0-9a-f]{128}$/.test(hex)) throw envError('BAD_DIGEST', `"${req.sha512}" is not a sha512 digest`);
  const pointer = join(store.root, 'blobs/sha512', hex);
  const known = async (): Promise<{ path: string; sha256: string } | undefined> => {
    const sha256 = (await readFile(pointer, 'utf8').catch(() => '')).trim();
    if (!/^[0-9a-f]{64}$/.test(sha256) || !existsSync(store.blobPath(sha256))) return undefined;
    return { path: store.blobPath(sha256), sha256 };
  };
  const hit = await known();
  if (hit) return hit;
  if (req.offline) throw envError('OFFLINE', `${req.url} is not in the store yet, and we are offline`);
  return store.withLock(`blob512-${hex.slice(0, 64)}`, async () => (await known()) ?? fetchSha512(store, req, hex), {
    onWait: (h) => req.onWait?.(h.pid),
  });
}

async function fetchSha512(
  store: Store,
  req: Sha512BlobRequest,
  hex: string,
): Promise<{ path: string; sha256: string }> {
  const partial = partialPath(store, req.url, hex);
  await mkdir(dirname(partial), { recursive: true, mode: 0o700 });
  const opts = { ...req, ...(req.size !== undefined ? { maxBytes: req.size } : {}) };
  const once = async (): Promise<{ sha256: string; sha512: string; bytes: number; resumed: boolean }> => {
    const got = await downloadResumable(req.url, partial, opts);
    return { ...got, sha512: await fileDigest(partial, 'sha512') };
  };
  let got = await once();
  if (got.sha512 !== hex && got.resumed) {
    await forget(partial);
    got = await once();
  }
  if (got.sha512 !== hex || (req.size !== undefined && got.bytes !== req.size)) {
    await forget(partial);
    const what =
      req.size !== undefined && got.bytes !== req.size
        ? `expected ${req.size} bytes, got ${got.bytes}`
        : `expected sha512 ${hex}, got ${got.sha512}`;
    throw envError('CHECKSUM_MISMATCH', `${what} for ${req.url}`, {
      hint:
        'the file changed upstream or was damaged on the way; nothing was kept. If upstream re-released it, ' +
        'try again: the newest build is looked up each time',
    });
  }
  const blob = store.blobPath(got.sha256);
  await mkdir(dirname(blob), { recursive: true, mode: 0o700 });
  await rename(partial, blob);
  await fsyncDir(dirname(blob));
  await rm(`${partial}.validator`, { force: true });
  await writeFileAtomic(join(store.root, 'blobs/sha512', hex), `${got.sha256}\n`);
  return { path: blob, sha256: got.sha256 };
}
