import type { SourceSpec } from '../../catalog/types.js';
import { envError } from '../../util/errors.js';
import { hashOf, shortId } from '../../util/hash.js';
import { treeSize } from '../../util/tree.js';
import { IMAGE_FORMAT, sizeText, type Built, type Planner, type Prober, type SourceContext } from '../source.js';
import { RegistryClient, type FetchedManifest } from './client.js';
import { ensureLayerBlob, applyLayers } from './layers.js';
import { checkLayer, checkManifest, isIndex, ociPlatform, selectPlatform, type Manifest } from './media.js';
import { parseOciRef } from './ref.js';

type OciSpec = Extract<SourceSpec, { kind: 'oci' }>;

// An image pulled from an OCI/Docker registry. The plan costs one manifest request: the image id is the
// digest the ref resolves to (plus the platform, when that is an index), so a cache hit downloads nothing.
// Offline, or with the registry unreachable, ensureImage falls back to the newest image of the same ref.

export const planOci: Planner<OciSpec> = async (spec, ctx) => {
  const ref = parseOciRef(spec.ref, spec.insecure ?? false);
  if (ctx.offline)
    throw envError('OFFLINE', `${spec.ref}: the registry must be asked which image the ref names, and we are offline`);
  const client = new RegistryClient(ref);
  const top = await client.manifest(ref.reference);
  const platform = ociPlatform(ctx.distro.arch);
  return {
    id: shortId(hashOf({ kind: 'oci', digest: top.digest, platform, format: IMAGE_FORMAT })),
    build: (rootfs) => build(client, top, rootfs, ctx),
  };
};

async function build(client: RegistryClient, top: FetchedManifest, rootfs: string, ctx: SourceContext): Promise<Built> {
  const { digest, manifest, where } = await imageManifest(client, top, ctx.distro.arch);
  for (const layer of manifest.layers) checkLayer(layer, where);
  const blobs: string[] = [];
  for (const layer of manifest.layers) blobs.push(await ensureLayerBlob(client, layer, ctx));
  await applyLayers(blobs, rootfs, ctx);
  return { digest, size: await treeSize(rootfs) };
}

/** The image manifest for `arch`'s platform: `top` itself, or the index entry it selects. */
export async function imageManifest(
  client: RegistryClient,
  top: FetchedManifest,
  arch: string,
): Promise<{ digest: string; manifest: Manifest; where: string }> {
  let current = top;
  // An index may point at another index (rare, but allowed): follow a few levels, never a cycle.
  for (let depth = 0; depth < 4; depth++) {
    const doc = parseJson(current);
    if (!isIndex(doc, current.contentType)) {
      checkManifest(doc, current.url);
      return { digest: current.digest, manifest: doc, where: current.url };
    }
    const chosen = selectPlatform(doc, arch, current.url);
    current = await client.manifest(chosen.digest);
  }
  throw envError('OCI_BAD_MANIFEST', `${top.url}: indexes nested too deeply`);
}

function parseJson(m: FetchedManifest): Record<string, unknown> & { mediaType?: string } {
  try {
    const doc: unknown = JSON.parse(m.bytes.toString('utf8'));
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw envError('OCI_BAD_MANIFEST', `${m.url}: the manifest is not a JSON object`, {
    hint: 'the registry sent something other than a manifest',
  });
}

/**
 * --check: the manifest the ref names (an index narrowed to the arch's platform manifest), fetched with an
 * anonymous bearer token as a pull does, and a HEAD of every layer blob, whose Content-Length must be the
 * size the manifest gives it.
 */
export const probeOci: Prober<OciSpec> = async (spec, distro) => {
  const client = new RegistryClient(parseOciRef(spec.ref, spec.insecure ?? false));
  const top = await client.manifest(client.ref.reference);
  const { digest, manifest, where } = await imageManifest(client, top, distro.arch);
  let total = 0;
  for (const layer of manifest.layers) {
    checkLayer(layer, where);
    const size = await client.blobSize(layer.digest);
    if (size !== layer.size) {
      throw envError(
        'OCI_LAYER_CHANGED',
        `layer ${layer.digest} is served with ${size === undefined ? 'no size' : `${size} bytes`}, but ${where} ` +
          `says ${layer.size}`,
      );
    }
    total += layer.size;
  }
  const n = manifest.layers.length;
  return {
    checked: `manifest ${digest.slice(0, 19)}…, ${n} layer${n === 1 ? '' : 's'} present (${sizeText(total)})`,
    notes: [],
  };
};
