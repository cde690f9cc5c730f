import { join } from 'node:path';
import type { EventOf, Reporter } from './types.js';

/**
 * Writes <runDir>/junit.xml at the end of a run, beside results.json. The XML code (junit-files.ts and
 * fast-xml-parser, about 0.1 s to load) is loaded while the cells run, not before the first one starts.
 */
export class JunitReporter implements Reporter {
  private files?: Promise<typeof import('./junit-files.js')>;

  constructor(
    private readonly projectDir: string,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  onRunStart(): void {
    this.files ??= import('./junit-files.js');
  }

  onRunEnd({ result, runDir }: EventOf<'run-end'>): Promise<void> {
    // A report that cannot be written is worth a warning, not the run's result.
    return (this.files ??= import('./junit-files.js'))
      .then(({ writeJunit }) => writeJunit(join(runDir, 'junit.xml'), result, this.projectDir, [runDir]))
      .catch((e: unknown) => {
        this.err.write(`vmatrix: could not write junit.xml: ${(e as Error).message}\n`);
      });
  }
}
