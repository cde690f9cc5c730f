import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tarOf, type Spec } from './tar.js';

// OCI image layouts written by hand (image-spec image-layout.md), so the tests know every digest: layers
// from tar-stream's pack, gzipped or not, a config, manifests, and optionally a multi-platform index.

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface Blob {
  digest: string;
  size: number;
  bytes: Buffer;
  mediaType: string;
}

export const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function blob(bytes: Buffer, mediaType: string): Blob {
  return { digest: sha256(bytes), size: bytes.length, bytes, mediaType };
}

const descriptor = (b: Blob, extra: object = {}) => ({
  mediaType: b.mediaType,
  digest: b.digest,
  size: b.size,
  ...extra,
});

export interface Image {
  manifest: Blob;
  layers: Blob[];
  config: Blob;
  blobs: Blob[];
}

/** An image of `layers` (gzip unless `plain`), for linux/<arch>. */
export async function image(arch: string, layers: Array<{ entries: Spec[]; plain?: boolean }>): Promise<Image> {
  const tars = await Promise.all(layers.map((l) => tarOf(l.entries)));
  const layerBlobs = tars.map((t, i) =>
    layers[i]!.plain
      ? blob(t, 'application/vnd.oci.image.layer.v1.tar')
      : blob(gzipSync(t), 'application/vnd.oci.image.layer.v1.tar+gzip'),
  );
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: arch,
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: tars.map(sha256) },
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: descriptor(config),
        layers: layerBlobs.map((b) => descriptor(b)),
      }),
    ),
    OCI_MANIFEST,
  );
  return { manifest, layers: layerBlobs, config, blobs: [config, ...layerBlobs, manifest] };
}

/** A buildkit-style provenance attestation for `subject`: platform unknown/unknown, an in-toto layer. */
export function attestation(subject: Blob): { manifest: Blob; blobs: Blob[]; entry: object } {
  const statement = blob(Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}'), 'application/vnd.in-toto+json');
  const config = blob(
    Buffer.from('{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}'),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: descriptor(config),
        layers: [descriptor(statement)],
      }),
    ),
    OCI_MANIFEST,
  );
  const entry = descriptor(manifest, {
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': subject.digest },
  });
  return { manifest, blobs: [config, statement, manifest], entry };
}

export function index(entries: object[]): Blob {
  return blob(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries })), OCI_INDEX);
}

export const platformEntry = (m: Blob, architecture: string): object =>
  descriptor(m, { platform: { architecture, os: 'linux' } });

/** Writes an OCI layout holding `blobs`, with `tags` naming top-level manifests or indexes. */
export async function writeLayout(dir: string, blobs: Blob[], tags: Record<string, Blob>): Promise<void> {
  await mkdir(join(dir, 'blobs/sha256'), { recursive: true });
  for (const b of blobs) await writeFile(join(dir, 'blobs/sha256', b.digest.slice(7)), b.bytes);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const manifests = Object.entries(tags).map(([tag, b]) =>
    descriptor(b, { annotations: { 'org.opencontainers.image.ref.name': tag } }),
  );
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}
