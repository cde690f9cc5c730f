import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PARTIAL_PREFIX, type Store } from '../store/index.js';
import { envError } from '../util/errors.js';
import { fsyncDir } from '../util/fs.js';
import { hashOf, shortId } from '../util/hash.js';
import type { RetryOptions } from './http.js';
import { downloadResumable, forget, type Transfer } from './resume.js';

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
