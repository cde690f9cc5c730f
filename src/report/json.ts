import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import type { EventOf, Reporter } from './types.js';

/** Writes <runDir>/results.json at the end of a run (atomically: a reader never sees half a file). */
export class JsonReporter implements Reporter {
  onRunEnd({ result, runDir }: EventOf<'run-end'>): Promise<void> {
    return writeFileAtomic(join(runDir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
}
