export { snapshotProject, snapshotTree, listProjectFiles, type SourceSnapshot } from './snapshot.js';
export { snapshotRevision, repositoryFor, resolveRef, fileAtRevision } from './revision.js';
