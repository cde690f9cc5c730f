import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { decompress, extractTar } from '../../archive/index.js';
import { envError, isVmError } from '../../util/errors.js';
import { ensureBlob } from '../blob.js';
import type { SourceContext } from '../source.js';
import type { RegistryClient } from './client.js';
import type { Descriptor } from './media.js';

// Layers: each blob goes through the store's blob downloader (verified while it streams, retried and
// resumed, one download per store, never kept when its digest is wrong); then the layers are applied in
// order, whiteouts included, by the archive module's extractor.

/** blobs/sha256/<hex> for the layer, downloaded (with retries and resume) and verified unless the store has it. */
export async function ensureLayerBlob(client: RegistryClient, layer: Descriptor, ctx: SourceContext): Promise<string> {
  const hex = layer.digest.startsWith('sha256:') ? layer.digest.slice(7) : '';
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw envError('OCI_DIGEST_UNSUPPORTED', `layer ${layer.digest}: only sha256 digests are supported`);
  }
  const { url, headers } = client.blobRequest(layer.digest);
  let told = false;
  try {
    return await ensureBlob(ctx.store, {
      url,
      digest: hex,
      headers,
      offline: ctx.offline,
      maxBytes: layer.size,
      onProgress: (t) => {
        ctx.progress({
          phase: 'download',
          ...t,
          total: t.total ?? layer.size,
          ...(told ? {} : { message: `downloading ${layer.digest.slice(0, 19)}` }),
        });
        told = true;
      },
      onWait: (pid) =>
        ctx.progress({
          phase: 'download',
          message: `waiting for process ${pid}, which is downloading ${layer.digest.slice(0, 19)}`,
        }),
    });
  } catch (e) {
    if (isVmError(e) && e.code === 'CHECKSUM_MISMATCH') {
      throw envError('OCI_DIGEST_MISMATCH', `GET ${url}: the blob is not ${layer.digest}`, {
        cause: e,
        hint: 'the blob was damaged in the registry or on the way; nothing was kept',
      });
    }
    throw e;
  }
}

/** Applies layer blobs bottom to top into `rootfs`. */
export async function applyLayers(blobs: string[], rootfs: string, ctx: SourceContext): Promise<void> {
  for (const [i, blob] of blobs.entries()) {
    ctx.progress({ phase: 'extract', message: `applying layer ${i + 1}/${blobs.length}` });
    await extractTar(await decompress(createReadStream(blob)), rootfs, {
      whiteouts: 'oci',
      archive: `layer ${i + 1}/${blobs.length} (${basename(blob)})`,
      onProgress: (p) => ctx.progress({ phase: 'extract', bytes: p.bytes }),
    });
  }
}
