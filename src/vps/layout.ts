import { join } from 'node:path';

// Where everything of one cell lives inside its scratch dir. One place, so that runCell, the launcher script
// and the sweep agree, and so that removing `dir` removes all of it.
export interface CellPaths {
  dir: string;
  bundle: string;
  config: string;
  hosts: string;
  resolv: string;
  /** Mount point of the root overlay (inside the cell's private mount namespace only). */
  rootfs: string;
  upper: string;
  work: string;
  srcUpper: string;
  srcWork: string;
  /** Mount point of the tmpfs that holds the runtime's state (--root): it vanishes with the namespace. */
  state: string;
  /** The runtime's own log (--log): how we tell "runc failed" from "the test failed". */
  runtimeLog: string;
  /** stderr of the mount steps of the launcher script. */
  setupLog: string;
  marker: string;
}

export function cellPaths(dir: string, upper?: string): CellPaths {
  return {
    dir,
    bundle: join(dir, 'bundle'),
    config: join(dir, 'bundle', 'config.json'),
    hosts: join(dir, 'bundle', 'hosts'),
    resolv: join(dir, 'bundle', 'resolv.conf'),
    rootfs: join(dir, 'rootfs'),
    upper: upper ?? join(dir, 'upper'),
    work: join(dir, 'work'),
    srcUpper: join(dir, 'src-upper'),
    srcWork: join(dir, 'src-work'),
    state: join(dir, 'state'),
    runtimeLog: join(dir, 'runtime.log'),
    setupLog: join(dir, 'setup.log'),
    marker: join(dir, 'cell.json'),
  };
}
