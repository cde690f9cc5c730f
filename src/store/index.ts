// The on-disk store: blobs, images, layers, sources, cells, locks, staging. Imports only util.
export { Store } from './store.js';
export { withFileLock, type LockOptions } from './lock.js';
export { ownRecord, parseOwner, isAlive, type Owner } from './owner.js';
export type { ImageMeta, LayerMeta } from './types.js';
