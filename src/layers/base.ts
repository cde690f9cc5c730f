import { rm } from 'node:fs/promises';
import type { Store } from '../store/index.js';
import type { LayerMeta } from '../store/types.js';
import { execCapture } from '../util/exec.js';
import { hashOf } from '../util/hash.js';
import type { LayerInputs } from './key.js';

// A setup layer that adds packages to a layer already in the store starts from a copy of that layer: the package
// manager then installs only what is new (one package instead of a hundred: dpkg's unpacking and configuring
// is most of a layer's build once the package cache holds the downloads). The copy becomes the build's upper
// dir, so the new layer is whole by itself, as if built from scratch: nothing in the store comes to depend on
// the base, which `image prune` may remove at any time.
//
// A base qualifies only when the new layer, built from scratch, would have run the very same things before
// installing what the base lacks: same format, image, package manager, arch mapping, workdir, env, setup
// inputs and recommends choice; its packages a strict subset of the new layer's; and no setup commands (they
// run after the packages, so a base with them holds what the new recipe may not want). The new layer may have
// setup commands of its own: they run after the install, as in a build from scratch.

/** What must be equal between a base and the new layer: everything but packages and setup (and its files). */
function sameGround(i: LayerInputs): string {
  const { packages: _p, setup: _s, files: _f, ...rest } = i;
  return hashOf(rest);
}

/** The largest layer in the store that the layer of `inputs` (id `id`) can start from, if any. */
export async function baseLayer(store: Store, id: string, inputs: LayerInputs): Promise<LayerMeta | undefined> {
  if (inputs.packages.length < 2) return undefined;
  const ground = sameGround(inputs);
  const wanted = new Set(inputs.packages);
  let best: { meta: LayerMeta; count: number } | undefined;
  for (const meta of await store.listLayers()) {
    if (meta.id === id || !meta.inputs || typeof meta.inputs !== 'object') continue;
    // layer.json's inputs are the layer's inputs plus the distro's name, for `image ls --layers`.
    const { distro: _d, ...theirs } = meta.inputs as LayerInputs & { distro?: string };
    if (!Array.isArray(theirs.packages) || !Array.isArray(theirs.setup) || theirs.setup.length > 0) continue;
    const count = theirs.packages.length;
    if (count === 0 || count >= wanted.size || !theirs.packages.every((p) => wanted.has(p))) continue;
    if (sameGround(theirs) !== ground) continue;
    if (!best || count > best.count) best = { meta, count };
  }
  return best?.meta;
}

/**
 * Copies the base's diff to `upper` (GNU cp -a: owners, modes, links, device nodes such as overlayfs's
 * whiteouts, extended attributes such as its opaque markers). False, with nothing left at `upper`, when the
 * copy failed (the base was removed or replaced meanwhile): the layer is then built from scratch.
 */
export async function copyBase(store: Store, base: LayerMeta, upper: string): Promise<boolean> {
  const r = await execCapture('cp', ['-a', '--', store.layerDiff(base.id), upper]).catch(() => undefined);
  if (r?.code === 0) return true;
  await rm(upper, { recursive: true, force: true });
  return false;
}
