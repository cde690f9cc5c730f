// Image sources (tarball, mmdebstrap, busybox) and the cached, content-addressed images they build.
// The only user of undici. Imports archive, store, util and the catalog's types.
export { ensureImage, type EnsureOptions, type ImageRef } from './ensure.js';
export type { ImageProgress } from './source.js';
export { describeSource, IMAGE_FORMAT } from './source.js';
export { aptSources, hostDebianMirror, type AptSource } from './apt-mirror.js';
export { buildBusyboxRoot, findStaticBusybox } from './busybox.js';
export { debianArch } from '../util/arch.js';
export { importImage, type ImportRequest } from './import.js';
export { ensureBlob, partialPath, type BlobRequest } from './blob.js';
export type { Transfer } from './resume.js';
export type { RetryOptions } from './http.js';
export { imageIds, ownImageBy } from './ownership.js';
