// processes/: `vmatrix ps` and `vmatrix kill` — the runs and cells alive on this host, found from the store's
// records, matched by name, and stopped; plus the sweep of what dead vmatrix processes left behind.
export { listRunning, type Running, type RunningCell, type RunningRun } from './ps.js';
export { killRunning, type KillOptions, type KillOutcome } from './kill.js';
export { sweepStore } from './sweep.js';
