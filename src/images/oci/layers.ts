import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decompress, extractTar } from '../../archive/index.js';
import { envError, messageOf } from '../../util/errors.js';
import { fsyncDir } from '../../util/fs.js';
import type { SourceContext } from '../source.js';
import type { RegistryClient } from './client.js';
import type { Descriptor } from './media.js';

// Layers: each blob is hashed while it streams to a temp file and only renamed into blobs/sha256 when the
// digest matches (a bad blob is never cached, never extracted); then the layers are applied in order,
// whiteouts included, by the archive module's extractor.

/** blobs/sha256/<hex> for the layer, downloaded and verified unless the store has it already. */
export async function ensureBlob(client: RegistryClient, layer: Descriptor, staging: string, ctx: SourceContext): Promise<string> {
  const hex = layer.digest.startsWith('sha256:') ? layer.digest.slice(7) : '';
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw envError('OCI_DIGEST_UNSUPPORTED', `layer ${layer.digest}: only sha256 digests are supported`);
  }
  const blob = ctx.store.blobPath(hex);
  if (existsSync(blob)) return blob;
  if (ctx.offline) throw envError('OFFLINE', `layer ${layer.digest} is not in the store yet, and we are offline`);
  const tmp = join(staging, `blob-${hex}`);
  const { body, url } = await client.blob(layer.digest);
  ctx.progress({ phase: 'download', bytes: 0, total: layer.size, message: `downloading ${layer.digest.slice(0, 19)}` });
  const hash = createHash('sha256');
  let bytes = 0;
  let last = 0;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      // The descriptor states the size: a registry that sends more is not sending this blob.
      if (bytes > layer.size) throw new Error(`more than the ${layer.size} bytes the manifest states`);
      hash.update(chunk);
      for (let at = 0; at < chunk.length;) at += (await fh.write(chunk, at, chunk.length - at)).bytesWritten;
      if (Date.now() - last >= 250 || bytes === layer.size) {
        last = Date.now();
        ctx.progress({ phase: 'download', bytes, total: layer.size });
      }
    }
    await fh.sync();
  } catch (e) {
    body.destroy();
    await fh.close();
    await rm(tmp, { force: true });
    throw envError('OCI_DOWNLOAD_FAILED', `GET ${url}: ${messageOf(e)}`, { cause: e, hint: 'try again; if it persists, the registry serves a broken blob' });
  }
  await fh.close();
  const got = hash.digest('hex');
  if (got !== hex) {
    await rm(tmp, { force: true });
    throw envError('OCI_DIGEST_MISMATCH', `GET ${url}: expected ${layer.digest}, got sha256:${got} (${bytes} bytes)`, {
      hint: 'the blob was damaged in the registry or on the way; nothing was kept',
    });
  }
  await mkdir(dirname(blob), { recursive: true, mode: 0o700 });
  await rename(tmp, blob);
  await fsyncDir(dirname(blob));
  return blob;
}

/** Applies layer blobs bottom to top into `rootfs`. */
export async function applyLayers(blobs: string[], rootfs: string, ctx: SourceContext): Promise<void> {
  for (const [i, blob] of blobs.entries()) {
    ctx.progress({ phase: 'extract', message: `applying layer ${i + 1}/${blobs.length}` });
    await extractTar(await decompress(createReadStream(blob)), rootfs, {
      whiteouts: 'oci',
      onProgress: (p) => ctx.progress({ phase: 'extract', bytes: p.bytes }),
    });
  }
}
