import type { Catalog } from '../catalog/index.js';
import type { DistroEntry, PackageManagerName } from '../catalog/types.js';
import { ensureImage, type EnsureOptions, type ImageRef } from '../images/index.js';
import { markUsed, readName, type Store } from '../store/index.js';
import { envError, isVmError } from '../util/errors.js';

// Imported images (`vmatrix image import … --as myos`) are not in the catalog: a name the catalog does not
// know is looked up in the store's names/, and stands in as an entry with no sources whose image is
// the imported one. The catalog wins when both know a name.

const IMPORTED = 'imported';

export async function resolveDistro(catalog: Catalog, store: Store, name: string): Promise<DistroEntry> {
  try {
    return catalog.resolve(name);
  } catch (e) {
    if (!isVmError(e) || e.code !== 'UNKNOWN_DISTRO') throw e;
    const rec = await readName(store, name).catch(() => undefined);
    if (!rec) throw e;
    const arch = (await store.readImage(rec.image).catch(() => undefined))?.arch ?? '';
    return {
      name, family: IMPORTED, release: IMPORTED, aliases: [], description: `imported image ${rec.image}`,
      packageManager: rec.packageManager as PackageManagerName, shell: rec.shell, arch, arches: [arch], sources: [], file: `imported image ${name}`,
    };
  }
}

/** ensureImage, or for an imported name the image it points at. */
export async function obtainImage(store: Store, distro: DistroEntry, opts: EnsureOptions): Promise<ImageRef> {
  if (distro.family !== IMPORTED || distro.sources.length > 0) return ensureImage(store, distro, opts);
  const rec = await readName(store, distro.name);
  const meta = rec && (await store.readImage(rec.image));
  if (!rec || !meta) {
    throw envError('IMAGE_GONE', `the image imported as ${distro.name} is no longer in the store`, { hint: `import it again: vmatrix image import FILE --as ${distro.name}` });
  }
  await markUsed(store.imageDir(meta.id));
  return { id: meta.id, rootfs: store.imageRootfs(meta.id), meta, cached: true };
}
