import { existsSync, createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decompress, extractTar } from '../archive/index.js';
import type { SourceSpec } from '../catalog/types.js';
import { envError, usageError } from '../util/errors.js';
import { fsyncDir } from '../util/fs.js';
import { hashOf, shortId } from '../util/hash.js';
import { downloadTo, fetchText } from './download.js';
import { digestFor, normalizeDigest, sha256File, urlBasename } from './sha256sums.js';
import { IMAGE_FORMAT, type Built, type Planner, type SourceContext } from './source.js';

type TarballSpec = Extract<SourceSpec, { kind: 'tarball' }>;

// A root filesystem tarball: verified against a sha256 (inline or from a checksum list) before anything
// is extracted, kept as a blob so a rebuilt image never downloads twice, and never cached when it is bad.

export const planTarball: Planner<TarballSpec> = async (spec, ctx) => {
  const digest = await expectedDigest(spec, ctx);
  return {
    id: shortId(hashOf({ kind: 'tarball', digest, format: IMAGE_FORMAT })),
    build: (rootfs, staging) => buildTarball(spec, digest, rootfs, staging, ctx),
  };
};

async function expectedDigest(spec: TarballSpec, ctx: SourceContext): Promise<string> {
  if (spec.sha256) {
    const digest = normalizeDigest(spec.sha256);
    if (!digest) throw usageError('BAD_CHECKSUM', `${ctx.distro.file}: ${ctx.distro.name}: "${spec.sha256}" is not a sha256`);
    return digest;
  }
  if (spec.sha256sums) {
    if (ctx.offline) throw envError('OFFLINE', `${spec.sha256sums} is needed to know which image to use, and we are offline`);
    const name = urlBasename(spec.url);
    const digest = digestFor(await fetchText(spec.sha256sums), name);
    if (!digest) throw envError('CHECKSUM_NOT_LISTED', `${spec.sha256sums} has no sha256 for ${name}`, { hint: 'the release may have moved: update the catalog entry' });
    return digest;
  }
  // A local file is its own authority; a download without a checksum would be trust on first use.
  if (spec.url.startsWith('file:')) return sha256File(fileURLToPath(spec.url));
  throw usageError('TARBALL_NO_CHECKSUM', `${ctx.distro.file}: ${ctx.distro.name}: tarball ${spec.url} has neither sha256 nor sha256sums`, {
    hint: 'add `sha256: <hex>` or `sha256sums: <url>` to the source',
  });
}

async function buildTarball(spec: TarballSpec, digest: string, rootfs: string, staging: string, ctx: SourceContext): Promise<Built> {
  const blob = ctx.store.blobPath(digest);
  if (!existsSync(blob)) await fetchBlob(spec.url, digest, blob, staging, ctx);
  ctx.progress({ phase: 'extract', message: `extracting ${urlBasename(spec.url)}` });
  const r = await extractTar(await decompress(createReadStream(blob)), rootfs, {
    onProgress: (p) => ctx.progress({ phase: 'extract', bytes: p.bytes }),
  });
  return { digest, size: r.bytes };
}

/** Download → sha256 → verify → rename into blobs/; a mismatch leaves nothing behind. */
async function fetchBlob(url: string, digest: string, blob: string, staging: string, ctx: SourceContext): Promise<void> {
  if (ctx.offline) throw envError('OFFLINE', `${url} is not in the store yet, and we are offline`);
  const tmp = join(staging, 'download');
  ctx.progress({ phase: 'download', bytes: 0, message: `downloading ${url}` });
  let last = 0;
  const got = await downloadTo(url, tmp, (bytes, total) => {
    if (Date.now() - last < 250 && bytes !== total) return;
    last = Date.now();
    ctx.progress({ phase: 'download', bytes, total });
  });
  if (got.sha256 !== digest) {
    await rm(tmp, { force: true });
    throw envError('CHECKSUM_MISMATCH', `expected sha256 ${digest}, got ${got.sha256} for ${url}`, {
      hint: 'the file changed upstream or was damaged on the way; nothing was kept. If upstream re-released it, update the catalog',
    });
  }
  await mkdir(dirname(blob), { recursive: true, mode: 0o700 });
  await rename(tmp, blob);
  await fsyncDir(dirname(blob));
}
