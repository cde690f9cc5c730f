import { Args, Flags } from './oclif.js';

// `vmatrix report`'s manual: its summary, description, examples and flags (commands/report.ts is the command).

export const reportSummary =
  'Show the results of a run, rebuild its reports, or join the results of CI shards into one (--merge).';

export const reportDescription = [
  'Reads results.json files written by vmatrix test (--last: the newest run of the project in the current directory),',
  "prints them, and rebuilds any report from them: --junit, --html, --json. Cells' logs and artifacts are read",
  'from the project the results file sits in (.vmatrix/runs/<run-id>/), else from the one it names.',
  'With --merge, joins runs that each ran part of one matrix',
  '(vmatrix test --shard i/N, or --cell <id>, on separate CI runners) into the result one run of all those cells',
  'would have written: every cell once, in matrix order, the summary counted again. It refuses runs of different',
  'projects, configs or commits, parts that ran the same cell, and an incomplete set of shards.',
  '\n\nExit status, as for vmatrix test: 0 every cell passed, 1 a cell failed, 2 unusable results files.',
].join(' ');

export const reportExamples = [
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

export const reportArgs = {
  results: Args.string({ description: 'results.json files (with --merge, any number); none with --last.' }),
};

export const reportFlags = {
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
