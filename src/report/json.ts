import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import type { RunEvent } from '../results/types.js';
import type { Reporter } from './types.js';

/** Writes <runDir>/results.json at the end of a run (atomically: a reader never sees half a file). */
export class JsonReporter implements Reporter {
  private pending: Promise<void> = Promise.resolve();

  onEvent(event: RunEvent): void {
    if (event.type !== 'run-end') return;
    this.pending = writeFileAtomic(join(event.runDir, 'results.json'), `${JSON.stringify(event.result, null, 2)}\n`);
  }

  flush(): Promise<void> {
    return this.pending;
  }
}
