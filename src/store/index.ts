// The on-disk store: blobs, images, layers, sources, cells, locks, staging. Imports only util.
export { Store } from './store.js';
export { markUsed, lastUsed, recordUse, idsInUse } from './usage.js';
export { inventory, type Entry } from './inventory.js';
export { inspectImages, removeImages, type Inspected } from './manage.js';
export { pruneStore, planPrune, type PruneOptions, type PruneResult } from './prune.js';
export { readName, writeName, listNames, type ImportedName } from './names.js';
export { PARTIAL_PREFIX } from './sweep.js';
export { withFileLock, tryFileLock, type LockOptions } from './lock.js';
export { takeCache, pruneCaches, type PackageCache, type PrunedCache } from './caches.js';
export { ownRecord, parseOwner, isAlive, type Owner } from './owner.js';
export { deadStaging, liveRuns, liveStaging, type LiveRun, type LiveStaging, type RunInfo } from './runs.js';
export type { ImageMeta, LayerMeta } from './types.js';
export { asStoreFull, noSpaceErrno } from './full.js';
