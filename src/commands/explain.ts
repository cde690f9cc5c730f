import { basename, dirname, join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { checkedLastResultsFile, projectDirOf, readResults } from '../results/index.js';
import { explainCell, explanationLines } from '../triage/index.js';
import { usageError } from '../util/errors.js';
import { readEnd } from '../util/tail.js';
import {
  explainArgs,
  explainDescription,
  explainExamples,
  explainFlags,
  explainSummary,
} from '../cli/explain-flags.js';
import { BaseCommand } from './_base.js';

/** The most of a log (its end) or an inventory that explain reads. */
const READ_CAP = 32 * 1024 * 1024;

// `vmatrix explain`: a failing cell of a finished run against its nearest passing cells.
export default class Explain extends BaseCommand {
  static override summary = explainSummary;
  static override description = explainDescription;
  static override examples = explainExamples;
  static override args = explainArgs;
  static override flags = explainFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Explain);
    const file = await resultsFileOf(flags.run);
    const run = await readResults(file);
    const projectDir = projectDirOf(file, run);
    // results.json names the files to read: only those inside its own run directory, never through a link.
    const runDirs = [dirname(resolve(file))];
    const explanation = await explainCell(
      {
        run,
        readText: async (path) => (await readEnd(resolve(projectDir, path), READ_CAP, runDirs))?.bytes.toString('utf8'),
      },
      args.cell,
    );
    process.stdout.write(
      flags.json ? `${JSON.stringify(explanation, null, 2)}\n` : `${explanationLines(explanation).join('\n')}\n`,
    );
  }
}

/** The results.json of `--run` (an id, a run directory or a results.json), or of the newest run. */
async function resultsFileOf(run: string | undefined): Promise<string> {
  if (run === undefined) {
    const last = await checkedLastResultsFile(process.cwd());
    if (!(await stat(last).catch(() => undefined)))
      throw usageError('NO_RUN', `${process.cwd()} has no run yet (.vmatrix/runs/latest)`, {
        hint: 'run the matrix with vmatrix test, then explain a cell that failed; or name a run with --run',
      });
    return last;
  }
  const named = !run.includes('/') && run !== '.' && run !== '..';
  const path = named ? join(process.cwd(), '.vmatrix', 'runs', run) : resolve(run);
  const st = await stat(path).catch(() => undefined);
  const file = st?.isDirectory() ? join(path, 'results.json') : path;
  if (!st || (!st.isDirectory() && basename(file) !== 'results.json'))
    throw usageError('NO_RUN', `--run ${run}: no such run${named ? ' in .vmatrix/runs' : ''}`, {
      hint: 'ls .vmatrix/runs lists the runs; or give the path of a run directory or its results.json',
    });
  return file;
}
