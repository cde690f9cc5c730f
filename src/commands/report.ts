import { dirname, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { formatResultsText, useColor, writeHtmlReport } from '../report/index.js';
import { writeJunit } from '../report/junit-files.js';
import {
  cellsNotRun,
  exitCodeOf,
  checkedLastResultsFile,
  mergeResultFiles,
  projectDirOf,
  readResults,
  writeResults,
} from '../results/index.js';
import { usageError } from '../util/errors.js';
import { BaseCommand } from './_base.js';

export default class Report extends BaseCommand {
  static override summary =
    'Show the results of a run, rebuild its reports, or join the results of CI shards into one (--merge).';
  static override description = [
    'Reads results.json files written by vmatrix test (--last: the newest run of the project in the current directory),',
    "prints them, and rebuilds any report from them: --junit, --html, --json. Cells' logs and artifacts are read",
    'from the project the results file sits in (.vmatrix/runs/<run-id>/), else from the one it names.',
    'With --merge, joins runs that each ran part of one matrix',
    '(vmatrix test --shard i/N, or --cell <id>, on separate CI runners) into the result one run of all those cells',
    'would have written: every cell once, in matrix order, the summary counted again. It refuses runs of different',
    'projects, configs or commits, parts that ran the same cell, and an incomplete set of shards.',
    '\n\nExit status, as for vmatrix test: 0 every cell passed, 1 a cell failed, 2 unusable results files.',
  ].join(' ');

  static override examples = [
    {
      description: 'Join the shards a CI matrix uploaded, write the merged results.json and junit.xml',
      command: '<%= config.bin %> report --merge shard-*/results.json --output results.json --junit junit.xml',
    },
    { description: "Show the newest run's results again", command: '<%= config.bin %> report --last' },
    {
      description: "Rebuild a run's HTML report",
      command: '<%= config.bin %> report .vmatrix/runs/latest/results.json --html report.html',
    },
    { description: 'The results as JSON on stdout, for a script', command: '<%= config.bin %> report --last --json' },
  ];

  static override strict = false;
  static override args = {
    results: Args.string({ description: 'results.json files (with --merge, any number); none with --last.' }),
  };
  static override flags = {
    last: Flags.boolean({
      description: 'The newest run of the project in the current directory (.vmatrix/runs/latest/results.json).',
    }),
    merge: Flags.boolean({ description: 'Join the results of runs that each ran part of one matrix into one.' }),
    output: Flags.string({ char: 'o', description: 'Write the (merged) results.json to this file.' }),
    junit: Flags.string({
      description: "Write the results as JUnit XML to this file (as junit.xml beside each run's results.json).",
    }),
    html: Flags.string({
      description: "Write the HTML report to this file (as report.html beside each run's results.json).",
    }),
    json: Flags.boolean({ description: 'Print the (merged) results as JSON instead of text.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Report);
    const files = flags.last
      ? [await checkedLastResultsFile(process.cwd()), ...(argv as string[])]
      : (argv as string[]);
    if (files.length === 0)
      throw usageError('NO_RESULTS', 'no results file given', {
        hint: 'vmatrix report .vmatrix/runs/<run-id>/results.json, or --last for the newest run',
      });
    if (files.length > 1 && !flags.merge) {
      throw usageError('SEVERAL_RESULTS', `${files.length} results files given: which one to show?`, {
        hint: 'to join them into one, add --merge',
      });
    }
    const result = flags.merge ? await mergeResultFiles(files) : await readResults(files[0]!, { follow: !flags.last });
    const projectDir = projectDirOf(files[0]!, result);
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
