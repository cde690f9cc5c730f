// doctor/: `vmatrix doctor` — checks that this host can run cells (kernel, runtime, namespaces, cgroups,
// tools) and the `--fix` commands for what it can install.
export { runDoctor, fixCommand, applyFix, type CheckResult } from './doctor.js';
