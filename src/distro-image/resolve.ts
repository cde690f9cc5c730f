import type { Catalog } from '../catalog/index.js';
import type { DistroEntry, PackageManagerName } from '../catalog/types.js';
import { ensureImage, ownImageBy, type EnsureOptions, type ImageRef } from '../images/index.js';
import { IDMAP_SIZE, type Runtime } from '../vps/index.js';
import { markUsed, readName, type Store } from '../store/index.js';
import { envError, isVmError, usageError } from '../util/errors.js';

// Imported images (`vmatrix image import … --as myos`) are not in the catalog: a name the catalog does not
// know is looked up in the store's names/, and stands in as an entry with no sources whose image is
// the imported one. The catalog wins when both know a name.

const IMPORTED = 'imported';

/**
 * The entry of `name` for `arch` (default: the catalog's, the host's unless `--arch` chose). An imported
 * image is of one arch: asked for another, it is an error rather than a cell that says one arch and runs another.
 */
export async function resolveDistro(
  catalog: Catalog,
  store: Store,
  name: string,
  wanted?: string,
): Promise<DistroEntry> {
  try {
    return catalog.resolve(name, wanted ? { arch: wanted } : {});
  } catch (e) {
    if (!isVmError(e) || e.code !== 'UNKNOWN_DISTRO') throw e;
    const rec = await readName(store, name).catch(() => undefined);
    if (!rec) throw e;
    const arch = (await store.readImage(rec.image).catch(() => undefined))?.arch ?? '';
    if (wanted && arch && wanted !== arch) {
      throw usageError(
        'UNSUPPORTED_ARCH',
        `${name} is an imported image of ${arch}, and the matrix asks for ${wanted}`,
        {
          hint:
            `import a ${wanted} root under another name (vmatrix image import FILE --as NAME --arch ${wanted}), ` +
            'or exclude this combination',
        },
      );
    }
    return {
      name,
      family: IMPORTED,
      release: IMPORTED,
      aliases: [],
      description: `imported image ${rec.image}`,
      packageManager: rec.packageManager as PackageManagerName,
      shell: rec.shell,
      arch,
      arches: [arch],
      sources: [],
      file: `imported image ${name}`,
    };
  }
}

/** ensureImage, or for an imported name the image it points at. */
export async function obtainImage(store: Store, distro: DistroEntry, opts: EnsureOptions): Promise<ImageRef> {
  if (distro.family !== IMPORTED || distro.sources.length > 0) return ensureImage(store, distro, opts);
  const rec = await readName(store, distro.name);
  const meta = rec && (await store.readImage(rec.image));
  if (!rec || !meta) {
    throw envError('IMAGE_GONE', `the image imported as ${distro.name} is no longer in the store`, {
      hint: `import it again: vmatrix image import FILE --as ${distro.name}`,
    });
  }
  await markUsed(store.imageDir(meta.id));
  return { id: meta.id, rootfs: store.imageRootfs(meta.id), meta, cached: true };
}

/**
 * The image, owned by the id range of the runtime's user namespace: cells whose root is not host root
 * need their files owned by the ids they map to (done once per image; see images/ownership.ts).
 */
export async function obtainCellImage(
  store: Store,
  distro: DistroEntry,
  opts: EnsureOptions,
  runtime: Runtime,
): Promise<ImageRef> {
  const image = await obtainImage(store, distro, opts);
  await ownImageBy(store, image, runtime.userns.map, IDMAP_SIZE, () =>
    opts.onProgress?.({
      distro: distro.name,
      phase: 'build',
      message: `giving image ${image.id} the ids of the cells' user namespace`,
    }),
  );
  return image;
}
