import type { Cell } from '../matrix/types.js';
import type { CellResult, RunEvent } from '../results/types.js';

/** The run event of one type, as the pipeline emits it. */
export type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

/**
 * A reporter: optional lifecycle hooks (vitest's reporter shape), called in the order of the run by the
 * dispatcher (dispatch.ts). A hook may return a promise (a file written at the end): the dispatcher's
 * flush waits for it, so a reporter keeps no "pending" state of its own for that.
 */
export interface Reporter {
  onRunStart?(event: EventOf<'run-start'>): void | Promise<void>;
  /** Every cell of the run, once, right after onRunStart: all are queued when the run starts. */
  onCellQueued?(cell: Cell): void | Promise<void>;
  /** Image and setup messages (`pulling`, `building setup layer`). */
  onProgress?(event: EventOf<'progress'>): void | Promise<void>;
  /** Bytes of an image download so far; several a second: throttle. */
  onDownload?(event: EventOf<'download'>): void | Promise<void>;
  onCellStarted?(cell: Cell): void | Promise<void>;
  onCellOutput?(event: EventOf<'cell-output'>): void | Promise<void>;
  onCellEnded?(result: CellResult): void | Promise<void>;
  onRunEnd?(event: EventOf<'run-end'>): void | Promise<void>;
  /** Resolves when what the reporter queued itself (output written in order) is written out. */
  flush?(): Promise<void>;
}

/** What a factory gets to build its reporter from. */
export interface ReporterContext {
  projectDir: string;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  color: boolean;
  /** The cell whose output is streamed live (`--follow`, `--verbose`), if any. */
  follow?: string;
  /** The reporters made before this one, in order: those that echo cells' output to the log. */
  earlier: Reporter[];
}

/** Builds a reporter, or none when it does not apply here (github off GitHub Actions). */
export type ReporterFactory = (context: ReporterContext) => Reporter | undefined | Promise<Reporter | undefined>;
