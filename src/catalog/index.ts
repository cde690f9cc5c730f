// catalog/: distros as data — loading distros/*.yml (built in, then $VMATRIX_CATALOG overrides),
// resolving names and aliases, the package managers as tables of commands (and of what they print about a
// package they do not have), and common package names.
export type { Catalog, DistroEntry, SourceSpec, PackageManager, PackageManagerName } from './types.js';
export { loadCatalog, catalogDirs } from './load.js';
export { forArch } from './catalog.js';
export { parseCatalogFile, hostArch } from './parse.js';
export { packageManagers, installScript, installSummary, missingPackages } from './package-managers.js';
export { packageNames, mapPackageNames } from './package-names.js';
