import { Args, Flags } from './oclif.js';
import { allowHostNetworkFlag } from './common-flags.js';

// `vmatrix bisect`'s manual: its summary, description, examples and flags (commands/bisect.ts is the command).

export const bisectSummary = 'Find the commit that broke one cell: git bisect, each commit in a fresh cell.';

export const bisectDescription = [
  'Runs git bisect of the project between --good (a commit where the cell passes) and --bad (a ' +
    'later one where it fails), testing each commit git picks in a fresh copy-on-write cell of ' +
    'exactly that cell: its distro, axes and setup layer (cached; built again only when a commit ' +
    "changes the recipe), with that commit's own vmatrix.yml (or --config) and its files. Your " +
    'repository and working tree are not touched: the bisection runs in a clone in the store, ' +
    'removed at the end and on Ctrl-C.',
  'A commit is good when the cell passes, bad when it fails, times out or runs out of memory, and ' +
    "skipped (git bisect's exit 125) when its setup fails or its config has no such cell. Prints the " +
    "first bad commit, its subject and the end of the cell's log at it; each commit's run is kept " +
    'under .vmatrix/bisect/.',
  'Exit status: 0 found, 1 only skipped commits were left (it prints the candidates), 2 bad flags ' +
    'or commits (--good not an ancestor of --bad, --bad passes), 3 a host problem, 130 interrupted.',
].join('\n\n');

export const bisectExamples = [
  {
    description: 'Which commit since v1.2 broke the debian-11 cell where build=release',
    command: '<%= config.bin %> bisect debian-11/build=release --good v1.2 --bad HEAD',
  },
  {
    description: "Bisect with one command instead of the config's test steps",
    command: "<%= config.bin %> bisect debian-11/build=release --good v1.2 --bad HEAD --run 'make check'",
  },
  {
    description: 'The result as JSON (each commit tested, its verdict and log)',
    command: '<%= config.bin %> bisect debian-12 --good HEAD~30 --bad HEAD --json',
  },
];

export const bisectArgs = {
  cell: Args.string({
    description: 'The cell to bisect in: its id as vmatrix test lists it (debian-11/build=release).',
    required: true,
  }),
};

export const bisectFlags = {
  good: Flags.string({ description: 'A commit (sha, branch, tag, HEAD~N) where the cell passes.', required: true }),
  bad: Flags.string({
    description: 'A later commit where the cell fails.',
    default: 'HEAD',
  }),
  run: Flags.string({ description: 'One shell command to run in the cell instead of its test steps.' }),
  config: Flags.string({
    char: 'c',
    description:
      "The config file. Given, it is used for every commit; not given, each commit's own vmatrix.yml is read.",
    default: 'vmatrix.yml',
  }),
  json: Flags.boolean({ description: 'Print the result as one JSON object.' }),
  runtime: Flags.string({
    description: 'OCI runtime to use instead of the detected one.',
    options: ['runc', 'crun'],
  }),
  offline: Flags.boolean({ description: 'Use only images already in the store; never touch the network.' }),
  'allow-host-network': allowHostNetworkFlag,
};
