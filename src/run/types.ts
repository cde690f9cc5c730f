import type { Cell } from '../matrix/types.js';

// The results a run produces and the events it emits while producing them. Reporters consume these;
// results.json is RunResult as JSON, so this file is also its schema (bump `version` on a breaking change).

/**
 * error = vmatrix could not run the cell (image, runtime); failed = the project's setup or test failed;
 * oom-killed = the test failed after the kernel killed one of its processes for exceeding the memory limit.
 */
export type CellStatus = 'passed' | 'failed' | 'timed-out' | 'oom-killed' | 'error' | 'cancelled';

export interface PhaseTimes {
  /** Obtaining the image (0 when cached). */
  image: number;
  /** Installing packages and running setup (0 when the layer was cached). */
  setup: number;
  test: number;
}

export interface CellResult {
  id: string;
  slug: string;
  distro: string;
  axes: Record<string, string>;
  status: CellStatus;
  /** The failing phase, when not passed. */
  phase?: 'image' | 'setup' | 'test';
  exitCode: number | null;
  signal?: string | null;
  durationMs: number;
  phases: PhaseTimes;
  imageId?: string;
  layerId?: string;
  /** Whether the setup layer came from the cache. */
  setupCached?: boolean;
  /** Relative to the project directory. */
  logPath: string;
  /** Where its writable layers were kept (`--keep`): open a shell on them with `vmatrix shell --run`. */
  kept?: string;
  /** A one-line reason when status is error. */
  message?: string;
  /** The memory limit in bytes (resources.memory) of an oom-killed cell, when it had one. */
  memoryLimit?: number;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  timedOut: number;
  oomKilled: number;
  errors: number;
  cancelled: number;
}

export interface RunResult {
  version: 1;
  runId: string;
  project: string;
  config: string;
  runtime: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  jobs: number;
  cells: CellResult[];
  summary: RunSummary;
  /** The commit the project's files came from (`--ref`, `--repo`); absent: the working tree. */
  source?: { repository: string; ref: string; commit: string };
}

export type RunEvent =
  | { type: 'run-start'; runId: string; runDir: string; cells: Cell[]; jobs: number; runtime: string; runtimeReason: string }
  | { type: 'progress'; scope: string; message: string }
  /** Bytes of an image download so far; frequent (several a second): reporters throttle. */
  | { type: 'download'; scope: string; bytes: number; total?: number; bytesPerSecond?: number; etaSeconds?: number }
  | { type: 'cell-start'; cell: Cell }
  | { type: 'cell-end'; result: CellResult }
  | { type: 'run-end'; result: RunResult; runDir: string };

export type EventSink = (event: RunEvent) => void;
