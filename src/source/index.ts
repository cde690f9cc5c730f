// source/: the project as cells see it at /src. snapshot.ts (the working tree, keyed by content: entries.ts
// lists it from git's index and status, worktree.ts; materialise.ts writes it) and revision.ts (a commit).
// git.ts runs git on a project that is not trusted; project-fs.ts reads its files without following symlinks.
export { snapshotProject, snapshotTree, type SourceSnapshot } from './snapshot.js';
export { snapshotRevision, repositoryFor, fileAtRef, commitOf } from './revision.js';
export { Bisection, requireRepository, type BisectState, type Verdict } from './bisect.js';
