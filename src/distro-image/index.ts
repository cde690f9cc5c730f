// distro-image/: a distro name to an image in the store — catalog entries and imported images alike — and
// `vmatrix image pull|import`, the parts of them that need the catalog as well as the store.
export { pullImages, importNamed, type PullOptions } from './pull.js';
export { resolveDistro, obtainImage, obtainCellImage } from './resolve.js';
