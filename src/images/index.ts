// Image sources (tarball, mmdebstrap, busybox, lxc, oci, gentoo, void) and the cached, content-addressed images
// they build.
// The only user of undici. Imports archive, store, util, the catalog's types and config's YAML reader.
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
export { probeEntries, probeEntry, type EntryProbe, type SourceProbe } from './probe.js';
