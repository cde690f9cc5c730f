import { Args, Flags } from './oclif.js';

// `vmatrix explain`'s manual: its summary, description, examples and flags (commands/explain.ts is the command).

export const explainSummary = 'Say why a cell failed where its nearest cells passed: what differs between them.';

export const explainDescription = [
  'Compares a failing cell of a run with the passing cells nearest to it: the same configuration ' +
    'on other distros, and the same distro with other axis values. It prints what differs, most ' +
    'telling first: the axis values; the C library, the compilers and the versions of the packages ' +
    "that differ (toolchain and libraries first; from each cell's inventory.json, read on the host " +
    "after the cell ran); the environment the steps got; and the first line where the failing step's " +
    "log departs from the passing cell's (the logs aligned by their steps, with timestamps, temp " +
    "paths, addresses, durations and the cells' own names masked).",
  'Reads the newest run of the project (.vmatrix/runs/latest) unless --run names another. Exit ' +
    'status: 0 explained, 2 no such run or cell, or the cell did not fail.',
].join('\n\n');

export const explainExamples = [
  {
    description: 'Why debian-11/build=release failed in the last run',
    command: '<%= config.bin %> explain debian-11/build=release',
  },
  {
    description: 'The same for an earlier run, as JSON for a script',
    command: '<%= config.bin %> explain --run 20261205-101500-ab12 debian-11/build=release --json',
  },
];

export const explainArgs = {
  cell: Args.string({
    description:
      'The failed cell: its id as the run lists it (debian-11/build=release). Default: the first cell that failed.',
  }),
};

export const explainFlags = {
  run: Flags.string({
    description: 'The run: its id (a directory of .vmatrix/runs), or the path of its directory or results.json.',
  }),
  json: Flags.boolean({ description: 'Print the comparison as one JSON object.' }),
};
