import { dirname, resolve } from 'node:path';
import { formatResultsText, useColor, writeHtmlReport } from '../report/index.js';
import { writeJunit } from '../report/junit-files.js';
import {
  cellsNotRun,
  exitCodeOf,
  mergeResultFiles,
  projectDirOf,
  readResults,
  writeResults,
} from '../results/index.js';
import { resultsFiles } from '../cli/report-files.js';
import { reportSummary, reportDescription, reportExamples, reportArgs, reportFlags } from '../cli/report-flags.js';
import { BaseCommand } from './_base.js';

export default class Report extends BaseCommand {
  static override summary = reportSummary;
  static override description = reportDescription;
  static override examples = reportExamples;
  static override strict = false;
  static override args = reportArgs;
  static override flags = reportFlags;

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Report);
    const files = await resultsFiles(argv as string[], flags);
    const result = flags.merge ? await mergeResultFiles(files) : await readResults(files[0], { follow: !flags.last });
    const projectDir = projectDirOf(files[0], result);
    // A results.json names the logs and artifacts to read: only those of its own run directory are.
    const runDirs = files.map((f) => dirname(resolve(f)));
    if (flags.output) await writeResults(flags.output, result);
    if (flags.junit) await writeJunit(flags.junit, result, projectDir, runDirs);
    if (flags.html) await writeHtmlReport(result, projectDir, flags.html, runDirs);
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : formatResultsText(result, {
            color: useColor(process.stdout),
            notRun: flags.merge ? cellsNotRun(result) : [],
          }),
    );
    for (const [what, file] of [
      ['results', flags.output],
      ['junit', flags.junit],
      ['html', flags.html],
    ])
      if (file) process.stderr.write(`${what}: ${file}\n`);
    const code = exitCodeOf(result);
    if (code !== 0) this.exit(code);
  }
}
