import { loadCatalog, type Catalog } from '../catalog/index.js';
import { importImage, type ImageProgress, type ImageRef, type ImportRequest } from '../images/index.js';
import type { Store } from '../store/index.js';
import type { ImageMeta } from '../store/types.js';
import { isVmError, usageError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { obtainImage, resolveDistro } from './resolve.js';
import { sweepStore } from '../processes/sweep.js';

// `vmatrix image pull` and `image import`: the parts that need the catalog as well as the store.

export interface PullOptions {
  store: Store;
  distros: string[];
  offline?: boolean;
  log: Logger;
  onProgress?: ImageProgress;
  /** Where names resolve (a project's catalog, with its own entries); default: built-in and $VMATRIX_CATALOG. */
  catalog?: Catalog;
}

/** Ensures each distro's image is in the store, all at once (they wait on the network, not on each other). */
export async function pullImages(o: PullOptions): Promise<ImageRef[]> {
  const catalog = o.catalog ?? (await loadCatalog());
  await o.store.init();
  await sweepStore(o.store);
  const entries = await Promise.all(o.distros.map((d) => resolveDistro(catalog, o.store, d)));
  return Promise.all(
    entries.map((d) => obtainImage(o.store, d, { log: o.log, offline: o.offline, onProgress: o.onProgress })),
  );
}

/** Imports under a name the catalog does not use: in `distros:` the catalog's entry would win. */
export async function importNamed(store: Store, req: ImportRequest): Promise<ImageMeta> {
  const catalog = await loadCatalog();
  const known = (() => {
    try {
      return catalog.resolve(req.name);
    } catch (e) {
      if (isVmError(e) && e.code === 'UNKNOWN_DISTRO') return undefined;
      throw e;
    }
  })();
  if (known)
    throw usageError('NAME_TAKEN', `"${req.name}" is a distro of the catalog (${known.name})`, {
      hint: 'import under another name, like my-' + req.name,
    });
  return store.writing(`importing ${req.name}`, () => importImage(store, req));
}
