// `vmatrix explain`: why one cell failed where its nearest cells passed. The failing cell is compared with the
// nearest passing cells (the same configuration on other distros, then the same distro's other configurations):
// axis values, the C library and compilers, packages ranked C library and toolchain first, the environment, and
// the first line where the failed step's log departs from theirs, masked of times, temp paths and ids.
export { explainCell, failedCells, parseInventory, type ExplainSource } from './explain.js';
export { explanationLines, PACKAGES_SHOWN } from './text.js';
export { PER_RELATION } from './neighbours.js';
export type {
  AxisDifference,
  Comparison,
  CompilerDifference,
  EnvDifference,
  ExplainedCell,
  Explanation,
  LibcDifference,
  LogComparison,
  LogDeparture,
  LogLine,
  PackageDifference,
  PackageDifferences,
  PackageRank,
  Relation,
} from './types.js';
