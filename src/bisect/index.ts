// bisect/: `vmatrix bisect` — git bisect of the project in one cell, each commit a fresh cell on the cached
// setup layer, in a clone in the store (the user's repository is never written).
export {
  bisectCell,
  verdictOf,
  BisectCancelled,
  type BisectOptions,
  type BisectResult,
  type BisectStep,
} from './bisect.js';
