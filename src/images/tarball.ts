import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decompress, extractTar } from '../archive/index.js';
import type { SignatureSpec, SourceSpec } from '../catalog/types.js';
import { envError, isVmError, usageError } from '../util/errors.js';
import { hashOf, shortId } from '../util/hash.js';
import { ensureBlob } from './blob.js';
import { fetchBytes } from './download.js';
import { digestFor, normalizeDigest, sha256File, urlBasename } from './sha256sums.js';
import { verifySignature } from './signature.js';
import { IMAGE_FORMAT, type Built, type Planner, type SourceContext } from './source.js';

type TarballSpec = Extract<SourceSpec, { kind: 'tarball' }>;

// A root filesystem tarball: verified against a sha256 (inline or from a checksum list) before anything
// is extracted, kept as a blob so a rebuilt image never downloads twice, and never cached when it is bad.

export const planTarball: Planner<TarballSpec> = async (spec, ctx) => {
  const digest = await expectedDigest(spec, ctx);
  return {
    id: shortId(hashOf({ kind: 'tarball', digest, format: IMAGE_FORMAT })),
    build: (rootfs) => buildTarball(spec, digest, rootfs, ctx),
  };
};

async function expectedDigest(spec: TarballSpec, ctx: SourceContext): Promise<string> {
  if (spec.sha256) {
    const digest = normalizeDigest(spec.sha256);
    if (!digest)
      throw usageError('BAD_CHECKSUM', `${ctx.distro.file}: ${ctx.distro.name}: "${spec.sha256}" is not a sha256`);
    return digest;
  }
  if (spec.sha256sums) {
    if (ctx.offline)
      throw envError('OFFLINE', `${spec.sha256sums} is needed to know which image to use, and we are offline`);
    const name = urlBasename(spec.url);
    const digest = digestFor((await checksumList(spec.sha256sums, spec.signature)).toString('utf8'), name);
    if (!digest)
      throw envError('CHECKSUM_NOT_LISTED', `${spec.sha256sums} has no sha256 for ${name}`, {
        hint: 'the release may have moved: update the catalog entry',
      });
    return digest;
  }
  // A local file is its own authority; a download without a checksum would be trust on first use.
  if (spec.url.startsWith('file:')) return sha256File(fileURLToPath(spec.url));
  throw usageError(
    'TARBALL_NO_CHECKSUM',
    `${ctx.distro.file}: ${ctx.distro.name}: tarball ${spec.url} has neither sha256 nor sha256sums`,
    {
      hint: 'add `sha256: <hex>` or `sha256sums: <url>` to the source',
    },
  );
}

/** The checksum list as served, or as upstream signed it when the entry says upstream signs it. */
async function checksumList(url: string, sig: SignatureSpec | undefined): Promise<Buffer> {
  const data = await fetchBytes(url);
  if (!sig) return data;
  const signatureUrl = new URL(sig.file, url).href;
  const signature = await fetchBytes(signatureUrl, 1 << 20).catch((e: unknown) => {
    // The list came, its signature did not: that is a refusal, not a network hiccup to reuse an old image over.
    throw envError(
      'SIGNATURE_MISSING',
      `refusing ${url}: its signature ${signatureUrl} could not be downloaded ` +
        `(${isVmError(e) ? e.message : String(e)}); expected one by ${sig.key} (${sig.fingerprint})`,
      {
        hint:
          'nothing was cached. Try again later or from another source; a mirror must carry the signature file ' +
          'beside the list',
        cause: e,
      },
    );
  });
  await verifySignature({ url, data, signatureUrl, signature }, sig);
  return data;
}

async function buildTarball(spec: TarballSpec, digest: string, rootfs: string, ctx: SourceContext): Promise<Built> {
  let told = false;
  const blob = await ensureBlob(ctx.store, {
    url: spec.url,
    digest,
    offline: ctx.offline,
    onProgress: (t) => {
      ctx.progress({
        phase: 'download',
        ...t,
        ...(told ? {} : { message: `downloading ${spec.url}${t.bytes ? ` (resuming at ${t.bytes} bytes)` : ''}` }),
      });
      told = true;
    },
    onWait: (pid) =>
      ctx.progress({ phase: 'download', message: `waiting for process ${pid}, which is downloading ${spec.url}` }),
  });
  ctx.progress({ phase: 'extract', message: `extracting ${urlBasename(spec.url)}` });
  const r = await extractTar(await decompress(createReadStream(blob)), rootfs, {
    archive: spec.url,
    onProgress: (p) => ctx.progress({ phase: 'extract', bytes: p.bytes }),
  });
  return { digest, size: r.bytes };
}
