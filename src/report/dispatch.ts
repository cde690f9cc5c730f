import type { RunEvent } from '../results/types.js';
import type { Reporter } from './types.js';

// The one place that turns the pipeline's events into reporters' hook calls, and the one "flush at run
// end": it keeps the promises hooks return (files written at the end) and waits for them and every
// reporter's own flush.

export interface Dispatcher {
  /** The pipeline's `emit` sink. */
  emit(event: RunEvent): void;
  /** Resolves when every reporter has written everything; rejects when a file could not be written. */
  flush(): Promise<void>;
}

export function dispatcher(reporters: Reporter[]): Dispatcher {
  const pending: Promise<void>[] = [];
  return {
    emit(event) {
      for (const r of reporters) for (const done of deliver(r, event)) if (done instanceof Promise) pending.push(done);
    },
    async flush() {
      await Promise.all([...pending, ...reporters.map((r) => r.flush?.())]);
    },
  };
}

/** Calls the hooks of `r` for `event` (onCellQueued once per cell after onRunStart); returns what they return. */
function deliver(r: Reporter, e: RunEvent): Array<void | Promise<void>> {
  switch (e.type) {
    case 'run-start':
      return [r.onRunStart?.(e), ...e.cells.map((cell) => r.onCellQueued?.(cell))];
    case 'progress':
      return [r.onProgress?.(e)];
    case 'download':
      return [r.onDownload?.(e)];
    case 'cell-start':
      return [r.onCellStarted?.(e.cell)];
    case 'cell-output':
      return [r.onCellOutput?.(e)];
    case 'cell-end':
      return [r.onCellEnded?.(e.result)];
    case 'run-end':
      return [r.onRunEnd?.(e)];
  }
}
