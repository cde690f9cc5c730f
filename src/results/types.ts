import type { Cell } from '../matrix/types.js';

// The results a run produces and the events it emits while producing them. Reporters consume these;
// results.json is RunResult as JSON, so this file is also its schema (bump `version` on a breaking change).

/**
 * error = vmatrix could not run the cell (image, runtime); failed = the project's setup or test failed;
 * oom-killed = the test failed after the kernel killed one of its processes for exceeding the memory limit;
 * flaky = it failed or timed out, then passed on a retry (`retries:`): it counts as passed.
 */
export type CellStatus = 'passed' | 'flaky' | 'failed' | 'timed-out' | 'oom-killed' | 'error' | 'cancelled';

/** One test step of a cell, in the order run; steps after a failing one did not run and are not listed. */
export interface StepResult {
  name: string;
  /** null when the step did not finish: killed by a timeout (its own or the cell's), a cancel or the kernel. */
  exitCode: number | null;
  durationMs: number;
  /** The step's own timeout, when it had one. */
  timeoutMs?: number;
  /** Its own timeout expired: vmatrix killed the cell. (A step that exits 124 by itself just failed.) */
  timedOut?: boolean;
}

/** One run of a cell that was retried (`retries:`): each attempt is a fresh cell. */
export interface AttemptResult {
  attempt: number;
  status: CellStatus;
  exitCode: number | null;
  signal?: string | null;
  durationMs: number;
  /** The step that failed or timed out. */
  step?: string;
  /** Files copied out of this attempt, relative to `artifactsPath`. */
  artifacts?: string[];
  artifactsPath?: string;
}

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
  /** Its architecture, as Debian spells it (absent from results written before vmatrix knew arches). */
  arch?: string;
  /** Its axes; `arch` among them (first) when the matrix has more than one. */
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
  /**
   * What the cell had installed (`<cell dir>/inventory.json`, a CellInventory), relative to the project directory
   * like `logPath`; absent in results written before inventories, or when it could not be read.
   */
  inventory?: string;
  /** Where its writable layers were kept (`--keep`): open a shell on them with `vmatrix shell --run`. */
  kept?: string;
  /**
   * A one-line reason when status is error, what cancelled the cell (`--fail-fast`), or why its setup failed
   * (`setup step "apt-get install libfoo-dev" exited 100: package "libfoo-dev" was not found on debian-12 (apt)`).
   */
  message?: string;
  /** When its setup layer could not be built (phase setup): what went wrong, and the setup log's end and path. */
  setup?: SetupFailure;
  /** The memory limit in bytes (resources.memory) of an oom-killed cell, when it had one. */
  memoryLimit?: number;
  /** The test steps that ran (of the last attempt). */
  steps?: StepResult[];
  /**
   * The name of the step that failed or timed out, when one did: a test step, or with phase setup a setup
   * step (the install as people write it, `apt-get install gcc libfoo-dev`, or a setup command).
   */
  step?: string;
  /** Every attempt, when the cell was run more than once (`retries:`); the fields above are the last one's. */
  attempts?: AttemptResult[];
  /** Files copied out of the cell (`artifacts:`), relative to `artifactsPath`. */
  artifacts?: string[];
  /** The cell's artifacts dir, relative to the project directory. */
  artifactsPath?: string;
  /** Things the user should know that did not fail the cell (artifacts left out over the size cap). */
  warnings?: string[];
  /**
   * A system cell (`boot: true`): how long its system took to come up, its console and (failing) its journal,
   * relative to the project directory.
   */
  system?: { readyMs?: number; consoleLog: string; journal?: string };
  /** Its services (`services:`): each one's state, time to ready and log (relative to the project directory). */
  services?: Array<{
    name: string;
    distro: string;
    status: 'ready' | 'failed';
    readyMs?: number;
    message?: string;
    logPath: string;
  }>;
}

/** Why a cell's setup layer could not be built: every cell of the distro (and recipe) shares it. */
export interface SetupFailure {
  /** The setup log, relative to the project directory (the cell's log has a copy). */
  logPath: string;
  /** Its last lines. */
  tail: string[];
  /** What went wrong, when vmatrix can tell from the log: `package "libfoo-dev" was not found on debian-12 (apt)`. */
  error?: string;
  /** What to do about it. */
  hint?: string;
  /** The packages the package manager said it does not have. */
  missingPackages?: string[];
}

export interface RunSummary {
  total: number;
  /** Passed cells, flaky ones included. */
  passed: number;
  /** Of the passed cells, those that passed only on a retry (absent in results written before retries existed). */
  flaky?: number;
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
  /** Which matrix the cells are of, and which part of it ran: what `vmatrix report --merge` checks. */
  matrix?: RunMatrix;
  /** Set by `vmatrix report --merge`: the ids of the runs it joined, in matrix order of their cells. */
  mergedFrom?: string[];
}

/** The matrix a run belongs to: runs of one matrix merge into one result, in its order. */
export interface RunMatrix {
  /** A hash of the config as read (normalised: comments and layout do not count). */
  configHash: string;
  /** Every cell id of the matrix, in matrix order, before --only, --cell or --shard chose among them. */
  cells: string[];
  /** `2/3` when the run was the second of three shards. */
  shard?: string;
  /** What the shards were cut by: `matrix-order`, or `durations:<hash>` of the durations they were balanced by. */
  split?: string;
}

export type RunEvent =
  | {
      type: 'run-start';
      runId: string;
      runDir: string;
      cells: Cell[];
      jobs: number;
      runtime: string;
      runtimeReason: string;
    }
  | { type: 'progress'; scope: string; message: string }
  /** Bytes of an image download so far; frequent (several a second): reporters throttle. */
  | { type: 'download'; scope: string; bytes: number; total?: number; bytesPerSecond?: number; etaSeconds?: number }
  /** A cell took a slot: its image and setup layer are ready, its test steps start now. */
  | { type: 'cell-start'; cell: Cell }
  /** Lines a running cell's steps printed since the last such event (at most a few a second). */
  | { type: 'cell-output'; cell: string; lines: string[] }
  | { type: 'cell-end'; result: CellResult }
  | { type: 'run-end'; result: RunResult; runDir: string };

export type EventSink = (event: RunEvent) => void;
