import { Args, Flags } from '@oclif/core';
import { formatResultsText, useColor } from '../report/index.js';
import { cellsNotRun, exitCodeOf, mergeResultFiles, readResults, writeResults } from '../run/index.js';
import { usageError } from '../util/errors.js';
import { BaseCommand } from './_base.js';

export default class Report extends BaseCommand {
  static override summary = 'Show the results of a run, or join the results of CI shards into one (--merge).';
  static override description = [
    'Reads results.json files written by vmatrix test. With --merge, joins runs that each ran part of one matrix',
    '(vmatrix test --shard i/N, or --cell <id>, on separate CI runners) into the result one run of all those cells',
    'would have written: every cell once, in matrix order, the summary counted again. It refuses runs of different',
    'projects, configs or commits, parts that ran the same cell, and an incomplete set of shards.',
    '\n\nExit status, as for vmatrix test: 0 every cell passed, 1 a cell failed, 2 unusable results files.',
  ].join(' ');

  static override examples = [
    { description: 'Join the shards a CI matrix uploaded, write the merged results.json', command: '<%= config.bin %> report --merge shard-*/results.json --output results.json' },
    { description: 'Show one run\'s results again', command: '<%= config.bin %> report .vmatrix/runs/latest/results.json' },
  ];

  static override strict = false;
  static override args = { results: Args.string({ description: 'results.json files (with --merge, any number).', required: true }) };
  static override flags = {
    merge: Flags.boolean({ description: 'Join the results of runs that each ran part of one matrix into one.' }),
    output: Flags.string({ char: 'o', description: 'Write the (merged) results.json to this file.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Report);
    const files = argv as string[];
    if (files.length > 1 && !flags.merge) {
      throw usageError('SEVERAL_RESULTS', `${files.length} results files given: which one to show?`, { hint: 'to join them into one, add --merge' });
    }
    const result = flags.merge ? await mergeResultFiles(files) : await readResults(files[0]!);
    if (flags.output) await writeResults(flags.output, result);
    process.stdout.write(formatResultsText(result, { color: useColor(process.stdout), notRun: flags.merge ? cellsNotRun(result) : [] }));
    if (flags.output) process.stderr.write(`results: ${flags.output}\n`);
    const code = exitCodeOf(result);
    if (code !== 0) this.exit(code);
  }
}
