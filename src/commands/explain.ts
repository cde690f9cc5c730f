import { basename, dirname, join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { checkedLastResultsFile, projectDirOf, readResults, type RunResult } from '../results/index.js';
import { inertLine } from '../util/inert.js';
import { explainCell, explanationLines, failedCells } from '../triage/index.js';
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
    const run = await readResults(file, { follow: false });
    const projectDir = projectDirOf(file, run);
    // results.json names the files to read: only those inside its own run directory, never through a link.
    const runDirs = [dirname(resolve(file))];
    const explanation = await explainCell(
      {
        run,
        readText: async (path) => (await readEnd(resolve(projectDir, path), READ_CAP, runDirs))?.bytes.toString('utf8'),
      },
      args.cell ?? firstFailed(run),
    );
    const others = args.cell ? [] : failedCells(run).filter((c) => c !== explanation.cell.id);
    process.stdout.write(
      flags.json ? `${JSON.stringify(explanation, null, 2)}\n` : `${explanationLines(explanation).join('\n')}\n`,
    );
    if (others.length > 0 && !flags.json)
      process.stderr.write(`vmatrix: also failed: ${inertLine(others.join(' '))} (vmatrix explain CELL for each)\n`);
  }
}

/** Without a cell named: the first that failed (its tests first), or NOTHING_FAILED (exit 2). */
function firstFailed(run: RunResult): string {
  const [first] = failedCells(run);
  if (first === undefined)
    throw usageError('NOTHING_FAILED', `no cell failed in run ${run.runId}: there is nothing to explain`, {
      hint: 'vmatrix explain takes a cell that failed; --run names an earlier run',
    });
  return first;
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
