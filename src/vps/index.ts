// vps/: copy-on-write cells. Assembles a cell's root (overlayfs over an image and its setup layers, plus the
// project at /src), writes its OCI spec and runs it with runc or crun inside private mount and PID namespaces,
// so that nothing of a cell (process, mount, runtime state) outlives it, even when vmatrix is killed. Setup
// cells get an outbound-only network of their own (outbound.ts). Which CPU architectures the host's cells can
// run, natively or through qemu-user in binfmt_misc, and registering qemu where systemd does not (binfmt.ts).
// The only module that runs the OCI runtime binary.
export type { CellNetwork, CellResources, CellRunResult, CellRunSpec, Runtime } from './types.js';
export { CELL_PACKAGE_CACHE } from './types.js';
export { cellEnvironment } from './oci-spec.js';
export { cellRuntime, detectRuntime, runtimeHasSeccomp, seccompEnabled } from './runtime.js';
export { bootNeedsRoot, runCell } from './run-cell.js';
export { sweepCells, sweepStagedCells } from './sweep.js';
export {
  addRootSubids,
  chooseUserns,
  failClosed,
  freeSubidStart,
  hostId,
  IDMAP_SIZE,
  type IdMap,
  type UsernsChoice,
} from './userns.js';
export { readCellDir, killCell, type CellSeen } from './signal.js';
export {
  CGROUP_LIMITS,
  cgroupSupport,
  explainMissing,
  LIMIT_KEYS,
  requireLimits,
  type CgroupLimit,
  type CgroupSupport,
} from './cgroup-support.js';
export { seccompReason, seccompWanted } from './seccomp.js';
export {
  hostAddresses,
  missingToolsError,
  noTunError,
  outboundTools,
  setupNetwork,
  tunUsable,
  OUTBOUND_PACKAGES,
} from './outbound.js';
export {
  enterUserNamespace,
  needsNamespace,
  rootlessOverlay,
  subidProblem,
  userIds,
  usernsRefusal,
  watchParent,
  type UserIds,
} from './rootless.js';
export { archSupport, archSupports, type ArchSupport, type BinfmtOptions } from './binfmt.js';
export { registerQemu, type Registration } from './binfmt-register.js';
export { openGroupNet, type GroupNet } from './group-net.js';
export type { CellBoot } from './types.js';
