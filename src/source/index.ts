export { snapshotProject, snapshotTree, listProjectFiles, type SourceSnapshot } from './snapshot.js';
