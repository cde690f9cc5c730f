// catalog/: distros as data — loading distros/*.yml (built in, then $VMATRIX_CATALOG overrides),
// resolving names and aliases, and the package managers as tables of commands.
export type { Catalog, DistroEntry, SourceSpec, PackageManager, PackageManagerName } from './types.js';
export { loadCatalog, catalogDirs } from './load.js';
export { forArch } from './catalog.js';
export { parseCatalogFile, hostArch } from './parse.js';
export { packageManagers, installScript } from './package-managers.js';
