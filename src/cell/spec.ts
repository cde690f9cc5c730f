import type { CellBoot, CellNetwork, CellResources, CellRunSpec, Runtime } from '../vps/index.js';
import { STEP_LOOP } from './steps.js';

// Every cell vmatrix starts — a test cell, a setup layer's cell, a shell — is put together here, so that
// what they share (the runtime's user namespace, the stack of read-only layers, the project's copy-on-write
// copy and its working directory) is decided in one place and each caller says only what differs.

/** What a cell stands on. */
export interface CellGround {
  runtime: Runtime;
  /** Read-only layers, newest first: a kept cell's writes, the setup layer, the image's root. */
  layers: readonly string[];
  /** The project, copy-on-write at `workdir` (the command's working directory); none: `/`. */
  project?: {
    tree: string;
    workdir: string;
    /** Read-only layers above `tree`, newest first (a kept cell's writes to the project). */
    layers?: string[];
  };
  /** Cgroup limits (resources.ts): the operator's ceilings, lowered by `resources:` for test cells. */
  resources?: CellResources;
  /** The arch of the image's programs (Debian's spelling): see CellRunSpec.arch. */
  arch?: string;
}

/** What one cell runs, and how. */
export interface CellCommand {
  /** The container's id: unique on the host (vps/types.ts). */
  id: string;
  hostname: string;
  /** The cell's scratch dir (it must not exist yet). */
  dir: string;
  args: string[];
  env: Record<string, string>;
  network: CellNetwork;
  /** Cell ids the command runs as (default root). */
  user?: { uid: number; gid: number };
  /** Writable dirs outside `dir` that outlive the cell: its root's, its project copy's. */
  keep?: { upper?: string; srcUpper?: string };
  /** A setup layer build's package cache (store/caches.ts); no other cell gets one. */
  packageCache?: { source: string };
  /** A terminal session joined to vmatrix's own (`vmatrix shell`). */
  terminal?: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  onControl?: (line: string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** A system cell: its init boots first and the command runs in it (vps' CellBoot). */
  boot?: CellBoot;
  /** A group's network namespace to join (a test cell's services'), with the names of 127.0.0.1 in it. */
  joinNetns?: number;
  joinUserns?: number;
  extraHosts?: string[];
}

/** The one way to a `runCell` spec: the cell's ground plus its command. */
export function cellSpec(ground: CellGround, command: CellCommand): CellRunSpec {
  const { project } = ground;
  const { keep, ...run } = command;
  return {
    ...run,
    lowerdirs: [...ground.layers],
    upper: keep?.upper,
    ...(project && {
      source: {
        lower: project.tree,
        dest: project.workdir,
        ...(project.layers && { layers: project.layers }),
        ...(keep?.srcUpper !== undefined && { upper: keep.srcUpper }),
      },
    }),
    cwd: project?.workdir ?? '/',
    userns: ground.runtime.userns.map,
    ...(ground.resources && { resources: ground.resources }),
    ...(ground.arch && { arch: ground.arch }),
  };
}

/** A cell's command for steps run one after another by the step loop (steps.ts); `name` is its $0. */
export function stepArgs(shell: string, name: string, steps: readonly { run: string }[]): string[] {
  return [shell, '-c', STEP_LOOP, name, ...steps.map((s) => s.run)];
}
