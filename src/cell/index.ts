// cell/: one cell's test steps — the runtime spec every cell is built from (spec.ts), the step script and its
// clock, output capture and log caps, attempts and artifacts, resource limits and ceilings, the user steps run
// as, and keeping a cell's writes (`--keep`).
export type { KeepMode, KeptCell } from './keep.js';
export { cellSpec, stepArgs, type CellCommand, type CellGround } from './spec.js';
