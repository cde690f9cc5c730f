import { join } from 'node:path';
import type { RunEvent } from '../results/types.js';
import type { Reporter } from './types.js';

/**
 * Writes <runDir>/junit.xml at the end of a run, beside results.json. The XML code (junit-files.ts and
 * fast-xml-parser, about 0.1 s to load) is loaded while the cells run, not before the first one starts.
 */
export class JunitReporter implements Reporter {
  private pending: Promise<void> = Promise.resolve();
  private files?: Promise<typeof import('./junit-files.js')>;

  constructor(
    private readonly projectDir: string,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  onEvent(event: RunEvent): void {
    if (event.type === 'run-start') this.files ??= import('./junit-files.js');
    if (event.type !== 'run-end') return;
    // A report that cannot be written is worth a warning, not the run's result.
    this.pending = (this.files ??= import('./junit-files.js'))
      .then(({ writeJunit }) =>
        writeJunit(join(event.runDir, 'junit.xml'), event.result, this.projectDir, [event.runDir]),
      )
      .catch((e: unknown) => {
        this.err.write(`vmatrix: could not write junit.xml: ${(e as Error).message}\n`);
      });
  }

  flush(): Promise<void> {
    return this.pending;
  }
}
