import { envError } from '../../util/errors.js';
import { debianArch } from '../../util/arch.js';

// The manifest documents of OCI image-spec and Docker's schema 2, and how a multi-platform index is
// narrowed to the one image a catalog entry's architecture needs.

export const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
export const ACCEPT = [...INDEX_TYPES, ...MANIFEST_TYPES].join(', ');

/** Layer media types we can apply: tar, gzip or zstd (decompress() tells them apart by magic). */
const LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
]);

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture?: string; os?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Manifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}
export interface Index {
  mediaType?: string;
  manifests: Descriptor[];
}

/** Debian's architecture names → GOARCH (and variant), which OCI platforms use. */
const OCI_ARCH: Record<string, { architecture: string; variant?: string }> = {
  amd64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  i386: { architecture: '386' },
  ppc64el: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
};

export function ociPlatform(arch: string): { architecture: string; variant?: string } {
  const deb = debianArch(arch);
  return OCI_ARCH[deb] ?? { architecture: deb };
}

export function isIndex(doc: { mediaType?: string; manifests?: unknown }, contentType?: string): doc is Index {
  return Array.isArray(doc.manifests) || INDEX_TYPES.includes(doc.mediaType ?? contentType ?? '');
}

/** The linux/<arch> image of an index; attestations (buildkit provenance) and unknown platforms never. */
export function selectPlatform(index: Index, arch: string, where: string): Descriptor {
  const want = ociPlatform(arch);
  const images = index.manifests.filter(
    (m) =>
      m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' &&
      !(m.platform?.os === 'unknown' && m.platform.architecture === 'unknown'),
  );
  const linux = images.filter((m) => m.platform?.os === 'linux' && m.platform.architecture === want.architecture);
  // arm64 images say variant v8 or nothing; for arm, v7 is what armhf runs.
  const pick =
    linux.find((m) => !want.variant || m.platform?.variant === want.variant) ?? (want.variant ? undefined : linux[0]);
  if (pick) return pick;
  const offered = images
    .map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/'))
    .join(', ');
  throw envError(
    'OCI_NO_PLATFORM',
    `${where} has no image for linux/${want.architecture}${want.variant ? `/${want.variant}` : ''} (it has: ` +
      `${offered || 'none'})`,
    {
      hint: 'set `arch` in the catalog entry to one the image is published for, or use another image',
    },
  );
}

export function checkLayer(layer: Descriptor, where: string): void {
  if (LAYER_TYPES.has(layer.mediaType)) return;
  throw envError(
    'OCI_LAYER_TYPE',
    `${where}: layer ${layer.digest} has media type ${layer.mediaType}, which vmatrix cannot apply`,
    {
      hint: 'only tar, tar+gzip and tar+zstd layers of Linux images are supported',
    },
  );
}

export function checkManifest(doc: Partial<Manifest>, where: string): asserts doc is Manifest {
  if (doc.config && Array.isArray(doc.layers) && doc.layers.every((l) => typeof l?.digest === 'string')) return;
  throw envError('OCI_BAD_MANIFEST', `${where}: not an OCI or Docker schema 2 image manifest`, {
    hint: 'the registry may serve an old schema 1 manifest: push the image again with a current tool',
  });
}
