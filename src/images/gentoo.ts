import type { SourceSpec } from '../catalog/types.js';
import { envError, usageError } from '../util/errors.js';
import { debianArch } from '../util/arch.js';
import { hashOf, shortId } from '../util/hash.js';
import { ensureBlobBySha512 } from './blob.js';
import { artifactSize, fetchBytes, type OpenOptions } from './download.js';
import {
  gentooArch,
  parseDigests,
  parseLatestStage3,
  sha512For,
  underBase,
  type LatestStage3,
} from './gentoo-index.js';
import { urlBasename } from './sha256sums.js';
import { verifyClearsigned } from './signature.js';
import { IMAGE_FORMAT, PROBE_RETRY, sizeText, type Planner, type Prober } from './source.js';
import { extractBlob } from './tarball.js';

type GentooSpec = Extract<SourceSpec, { kind: 'gentoo' }>;

// A Gentoo stage3 from the weekly autobuilds (the file formats are in gentoo-index.ts): the latest file
// names the newest tarball and its size, the tarball's .DIGESTS gives its SHA512, and the download is
// refused (nothing kept) unless both match. The image id is the SHA512, so a cache hit costs the two small
// files. Both files are clearsigned by Gentoo's release key: with `signature: { key, fingerprint }` only
// what gpgv finds signed by that key is read. The built-in entries carry none, because the key is not
// shipped in distros/keys (it could not be fetched where this was written); there, the mirror's https
// vouches for the digests.

export const planGentoo: Planner<GentooSpec> = async (spec, ctx) => {
  const arch = gentooArch(debianArch(ctx.distro.arch));
  if (!arch) {
    throw usageError('UNSUPPORTED_ARCH', `${ctx.distro.name}: no Gentoo stage3 for ${ctx.distro.arch} in vmatrix`, {
      hint: 'use --arch amd64 or --arch arm64',
    });
  }
  // A new build every week: without the latest file we cannot know which. ensureImage then falls back to
  // the newest image built from this spec.
  if (ctx.offline)
    throw envError('OFFLINE', `${latestUrl(spec, arch)} is needed to know which stage3 to use, and we are offline`);
  const { url, entry, sha512 } = await newestStage3(spec, arch);
  ctx.log.debug(`${ctx.distro.name}: ${entry.path} (${entry.size} bytes) from ${spec.mirror}`);
  return {
    id: shortId(hashOf({ kind: 'gentoo', sha512, format: IMAGE_FORMAT })),
    build: async (rootfs) => {
      let told = false;
      const blob = await ensureBlobBySha512(ctx.store, {
        url,
        sha512,
        size: entry.size,
        offline: ctx.offline,
        onProgress: (t) => {
          ctx.progress({
            phase: 'download',
            ...t,
            ...(told ? {} : { message: `downloading ${url}${t.bytes ? ` (resuming at ${t.bytes} bytes)` : ''}` }),
          });
          told = true;
        },
        onWait: (pid) =>
          ctx.progress({ phase: 'download', message: `waiting for process ${pid}, which is downloading ${url}` }),
      });
      return { digest: blob.sha256, size: await extractBlob(blob.path, url, rootfs, ctx) };
    },
  };
};

function latestUrl(spec: GentooSpec, arch: string): string {
  return `${spec.mirror.replace(/\/+$/, '')}/releases/${arch}/autobuilds/latest-stage3-${arch}-${spec.flavour}.txt`;
}

export interface Stage3 {
  /** The latest file, the tarball's URL, what the latest file says of it, and its SHA512 from its .DIGESTS. */
  latest: string;
  url: string;
  entry: LatestStage3;
  sha512: string;
}

/** The newest stage3 the mirror's latest file names, with its SHA512 (the two files verified when signed). */
export async function newestStage3(spec: GentooSpec, arch: string, o: OpenOptions = {}): Promise<Stage3> {
  const base = `${spec.mirror.replace(/\/+$/, '')}/releases/${arch}/autobuilds/`;
  const latest = latestUrl(spec, arch);
  const text = async (url: string, maxBytes: number): Promise<string> => {
    const data = await fetchBytes(url, maxBytes, o);
    return (spec.signature ? await verifyClearsigned({ url, data }, spec.signature) : data).toString('utf8');
  };
  const entries = parseLatestStage3(await text(latest, 64 << 10));
  const entry = entries.find((e) => e.path.endsWith('.tar.xz')) ?? entries[0];
  if (!entry) {
    throw envError('STAGE3_NOT_LISTED', `${latest} names no stage3 tarball`, {
      hint: 'the mirror may be in the middle of an update; try again later or use another mirror',
    });
  }
  const url = underBase(base, entry.path);
  if (!url) {
    throw envError('STAGE3_PATH_REFUSED', `refusing ${latest}: "${entry.path}" is not a path under ${base}`, {
      hint: 'nothing was downloaded. The mirror serves a latest file that points elsewhere: use another mirror',
    });
  }
  const digestsUrl = `${url}.DIGESTS`;
  const name = urlBasename(url);
  const sha512 = sha512For(parseDigests(await text(digestsUrl, 1 << 20)), name);
  if (!sha512) {
    throw envError('CHECKSUM_NOT_LISTED', `${digestsUrl} has no SHA512 for ${name}`, {
      hint: 'the build may be incomplete on the mirror; try again later',
    });
  }
  return { latest, url, entry, sha512 };
}

/** --check: the latest file, the .DIGESTS line, and a HEAD of the tarball with the size the latest file states. */
export const probeGentoo: Prober<GentooSpec> = async (spec, distro) => {
  const arch = gentooArch(debianArch(distro.arch));
  if (!arch) throw usageError('UNSUPPORTED_ARCH', `${distro.name}: no Gentoo stage3 for ${distro.arch} in vmatrix`);
  const stage3 = await newestStage3(spec, arch, { retry: PROBE_RETRY });
  const size = await artifactSize(stage3.url, { retry: PROBE_RETRY });
  if (size !== stage3.entry.size) {
    throw envError(
      'STAGE3_CHANGED',
      `${stage3.url} is ${size === undefined ? 'of no stated size' : `${size} bytes`}, but ${stage3.latest} says ` +
        `${stage3.entry.size}: changed`,
    );
  }
  const signed = spec.signature ? ` (signed by ${spec.signature.key})` : '';
  return {
    checked: `latest file names ${stage3.entry.path}, .DIGESTS has its SHA512${signed}, ${sizeText(size)} as stated`,
    notes: [],
  };
};
