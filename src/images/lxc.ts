import type { SourceSpec } from '../catalog/types.js';
import { envError, type VmError } from '../util/errors.js';
import { debianArch } from '../util/arch.js';
import { artifactSize, fetchText, type OpenOptions } from './download.js';
import {
  lxcDists,
  lxcOffer,
  lxcUrl,
  newestLxcImage,
  parseLxcIndex,
  type LxcImage,
  type LxcWanted,
} from './lxc-index.js';
import { digestFor } from './sha256sums.js';
import { PROBE_RETRY, sizeText, type Planner, type Prober } from './source.js';
import { planTarball } from './tarball.js';

type LxcSpec = Extract<SourceSpec, { kind: 'lxc' }>;

// An image from an LXC image server (the format of images.linuxcontainers.org): the index names the
// newest build's directory, whose SHA256SUMS gives the digest of its rootfs.tar.xz. From there on it is
// a tarball with a known sha256, so download, verification, the blob cache and extraction are the
// tarball source's, and the image id is the digest: a cache hit costs the index and the sums.

export const DEFAULT_LXC_SERVER = 'https://images.linuxcontainers.org';
const ROOTFS = 'rootfs.tar.xz';

/** The server: the spec's, else $VMATRIX_LXC_SERVER (a mirror, a proxy, a test server), else the public one. */
export function lxcServer(spec: LxcSpec, env: NodeJS.ProcessEnv = process.env): string {
  return (spec.server ?? (env.VMATRIX_LXC_SERVER || DEFAULT_LXC_SERVER)).replace(/\/+$/, '');
}

export const planLxc: Planner<LxcSpec> = async (spec, ctx) => {
  const server = lxcServer(spec);
  // The same spec names a new image with every build: without the index we cannot know which.
  // ensureImage then falls back to the newest image built from this spec.
  if (ctx.offline)
    throw envError('OFFLINE', `${server}'s index is needed to know which image to use, and we are offline`);
  const newest = await newestLxcBuild(spec, ctx.distro.arch);
  ctx.log.debug(`${ctx.distro.name}: ${spec.dist}/${spec.release} build ${newest.image.build} from ${server}`);
  return planTarball({ kind: 'tarball', url: newest.rootfs, sha256: newest.sha256 }, ctx);
};

export interface LxcBuild {
  image: LxcImage;
  /** The URL of the build's rootfs.tar.xz, and its sha256 from the build's SHA256SUMS. */
  rootfs: string;
  sha256: string;
}

/** The newest build of the spec's image for `arch` on its server, and its rootfs's digest (two small GETs). */
export async function newestLxcBuild(spec: LxcSpec, arch: string, o: OpenOptions = {}): Promise<LxcBuild> {
  const server = lxcServer(spec);
  const want: LxcWanted = {
    dist: spec.dist,
    release: spec.release,
    arch: debianArch(arch),
    variant: spec.variant ?? 'default',
  };
  const index = `${server}/meta/1.0/index-system`;
  const images = parseLxcIndex(await fetchText(index, 16 << 20, o));
  const image = newestLxcImage(images, want);
  if (!image) throw notListed(index, images, want);
  const sumsUrl = lxcUrl(server, image.path, 'SHA256SUMS');
  const sha256 = digestFor(await fetchText(sumsUrl, undefined, o), ROOTFS);
  if (!sha256) {
    throw envError('CHECKSUM_NOT_LISTED', `${sumsUrl} has no sha256 for ${ROOTFS}`, {
      hint: 'the build may be incomplete on the server; try again later',
    });
  }
  return { image, rootfs: lxcUrl(server, image.path, ROOTFS), sha256 };
}

function notListed(index: string, images: LxcImage[], want: LxcWanted): VmError {
  const what =
    `${want.dist}/${want.release} for ` +
    `${want.arch}${want.variant === 'default' ? '' : ` (variant ${want.variant})`}`;
  const offer = lxcOffer(images, want.dist);
  const has = offer
    ? `it has ${want.dist} ${offer}`
    : `it has no ${want.dist} at all; its dists are ${lxcDists(images).join(', ') || 'none'}`;
  return envError('LXC_IMAGE_NOT_FOUND', `${index} lists no ${what}: ${has}`, {
    hint:
      'the release may have been retired from the server: pick another release or --arch, or set `server:` / ' +
      '$VMATRIX_LXC_SERVER',
  });
}

/**
 * --check: the index lists a build of the image for the arch, the build's SHA256SUMS lists its
 * rootfs.tar.xz, and a HEAD of it. The index's .asc is not asked for: the catalog names no key for image
 * servers, so the real source does not check it either.
 */
export const probeLxc: Prober<LxcSpec> = async (spec, distro) => {
  const build = await newestLxcBuild(spec, distro.arch, { retry: PROBE_RETRY });
  const size = await artifactSize(build.rootfs, { retry: PROBE_RETRY });
  return {
    checked: `lxc index lists build ${build.image.build}, SHA256SUMS lists ${ROOTFS}, ${ROOTFS} ${sizeText(size)}`,
    notes: [],
  };
};
