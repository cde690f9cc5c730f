// catalog/: distros as data — loading distros/*.yml (built in, then $VMATRIX_CATALOG overrides),
// resolving names and aliases, the package managers as tables of commands (and of what they print about a
// package they do not have), and common package names.
export type { Catalog, DistroEntry, SourceSpec, PackageManager, PackageManagerName, SupportStatus } from './types.js';
export { supportStatus, statusText, eolWarning, dayOf } from './status.js';
export { loadCatalog, catalogDirs, type ProjectCatalog } from './load.js';
export { forArch } from './catalog.js';
export { parseCatalogFile, hostArch } from './parse.js';
export { packageManagers, installScript, installSummary, missingPackages, usesCache } from './package-managers.js';
export { packageNames, mapPackageNames } from './package-names.js';
