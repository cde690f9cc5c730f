import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decompress, extractTar } from '../archive/index.js';
import type { SignatureSpec, SourceSpec } from '../catalog/types.js';
import { envError, isVmError, messageOf, usageError } from '../util/errors.js';
import {
  alpinePin,
  compareVersions,
  latestMinirootfs,
  parseLatestReleases,
  type AlpinePin,
} from './alpine-releases.js';
import { hashOf, shortId } from '../util/hash.js';
import { ensureBlob } from './blob.js';
import { clearsignedBody } from './clearsigned.js';
import { artifactSize, fetchBytes, type OpenOptions } from './download.js';
import { digestFor, normalizeDigest, sha256File, urlBasename } from './sha256sums.js';
import { verifyClearsigned, verifySignature } from './signature.js';
import {
  IMAGE_FORMAT,
  PROBE_RETRY,
  sizeText,
  type Built,
  type Planner,
  type Prober,
  type SourceContext,
} from './source.js';

export type TarballSpec = Extract<SourceSpec, { kind: 'tarball' }>;

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
    return listedDigest({ ...spec, sha256sums: spec.sha256sums });
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

/** The sha256 that the spec's checksum list gives for its url's file name (the list verified first when signed). */
export async function listedDigest(spec: TarballSpec & { sha256sums: string }, o: OpenOptions = {}): Promise<string> {
  const name = urlBasename(spec.url);
  const digest = digestFor(await checksumList(spec.sha256sums, spec.signature, o), name);
  if (!digest)
    throw envError('CHECKSUM_NOT_LISTED', `${spec.sha256sums} has no sha256 for ${name}`, {
      hint: 'the release may have moved: update the catalog entry',
    });
  return digest;
}

/**
 * The checksum list as served, or as upstream signed it when the entry says upstream signs it: with a
 * detached signature (`file`: Ubuntu's SHA256SUMS.gpg), or clearsigned (no `file`: Fedora's *-CHECKSUM,
 * of which only what gpgv finds signed is read). A clearsigned list read without a key still counts only
 * its signed part, so the armour and anything after it never look like checksum lines.
 */
async function checksumList(url: string, sig: SignatureSpec | undefined, o: OpenOptions): Promise<string> {
  const data = await fetchBytes(url, undefined, o);
  if (!sig) return clearsignedBody(data.toString('utf8'));
  if (!sig.file) return (await verifyClearsigned({ url, data }, sig)).toString('utf8');
  const signatureUrl = new URL(sig.file, url).href;
  const signature = await fetchBytes(signatureUrl, 1 << 20, o).catch((e: unknown) => {
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
  return data.toString('utf8');
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
  return { digest, size: await extractBlob(blob, spec.url, rootfs, ctx) };
}

/** Extracts a verified blob downloaded from `url` into `rootfs`; the bytes of its regular files. */
export async function extractBlob(blob: string, url: string, rootfs: string, ctx: SourceContext): Promise<number> {
  ctx.progress({ phase: 'extract', message: `extracting ${urlBasename(url)}` });
  const r = await extractTar(await decompress(createReadStream(blob)), rootfs, {
    archive: url,
    onProgress: (p) => ctx.progress({ phase: 'extract', bytes: p.bytes }),
  });
  return r.bytes;
}

/**
 * --check: the artifact exists (its size), its sha256 is well-formed or its checksum list lists its file
 * name (the list's signature fetched and verified with gpgv when the entry names a key), and for an Alpine
 * minirootfs whether a newer point release of the branch is out (a note, never a failure).
 */
export const probeTarball: Prober<TarballSpec> = async (spec) => {
  const name = urlBasename(spec.url);
  const size = await artifactSize(spec.url, { retry: PROBE_RETRY });
  const checked = [`${name} ${sizeText(size)}`];
  if (spec.sha256) {
    if (!normalizeDigest(spec.sha256)) throw usageError('BAD_CHECKSUM', `"${spec.sha256}" is not a sha256`);
    checked.push('inline sha256');
  } else if (spec.sha256sums) {
    await listedDigest({ ...spec, sha256sums: spec.sha256sums }, { retry: PROBE_RETRY });
    const signed = spec.signature ? ` (signature good, ${spec.signature.key})` : '';
    checked.push(`${urlBasename(spec.sha256sums)} lists it${signed}`);
  } else if (!spec.url.startsWith('file:')) {
    throw usageError('TARBALL_NO_CHECKSUM', `tarball ${spec.url} has neither sha256 nor sha256sums`);
  }
  const pin = alpinePin(spec.url);
  const notes = pin ? await alpineNotes(pin, checked) : [];
  return { checked: checked.join(', '), notes };
};

/** Whether the pinned Alpine point release is the branch's latest, from latest-releases.yaml beside it. */
async function alpineNotes(pin: AlpinePin, checked: string[]): Promise<string[]> {
  let latest;
  try {
    const text = (await fetchBytes(pin.latestUrl, 1 << 20, { retry: PROBE_RETRY })).toString('utf8');
    latest = latestMinirootfs(parseLatestReleases(text), pin.arch);
  } catch (e) {
    return [`${pin.latestUrl}: ${messageOf(e)}`];
  }
  if (!latest) return [`${pin.latestUrl} lists no alpine-minirootfs for ${pin.arch}`];
  if (compareVersions(pin.version, latest.version) < 0)
    return [`pinned ${pin.version}; latest ${latest.version} (${pin.latestUrl})`];
  checked.push(`${pin.version} is the latest of ${pin.branch}`);
  return [];
}
