import type { RunEvent } from '../results/types.js';

/** A reporter reacts to the events of a run; every hook is optional (vitest's reporter shape). */
export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Resolves when everything the reporter was given is written out. */
  flush?(): Promise<void>;
}
