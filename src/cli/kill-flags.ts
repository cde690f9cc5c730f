import { Args, Flags } from './oclif.js';

// `vmatrix kill`'s manual: its summary, description, examples and flags (commands/kill.ts is the command).

export const killSummary = 'Stop a running vmatrix run, or kill one of its cells.';

export const killDescription = [
  'NAME is a run id, a matrix cell id (debian-12/cc=gcc), <run-id>/<cell id> or a container ' +
    'id, as `vmatrix ps` shows them.',
  '',
  'A run is asked to stop with SIGTERM: it kills its running cells at once, starts no more and ' +
    'still writes its results; kill waits until it has ended. --force ends it at once (SIGKILL): ' +
    'its cells die with it and the next vmatrix start sweeps what they left.',
  '',
  'A cell is killed with SIGKILL (every process in its cgroups); its run goes on with the ' +
    'other cells and reports it as failed, killed by SIGKILL.',
].join('\n');

export const killExamples = [
  { description: 'Stop a run, keeping its results', command: '<%= config.bin %> kill 20250301-101500-k3x9' },
  { description: 'Kill one cell; the rest of its run goes on', command: '<%= config.bin %> kill debian-12/cc=gcc' },
  {
    description: 'The same cell when two runs have it',
    command: '<%= config.bin %> kill 20250301-101500-k3x9/debian-12/cc=gcc',
  },
  { description: 'End a run at once', command: '<%= config.bin %> kill 20250301-101500-k3x9 --force' },
];

export const killArgs = {
  name: Args.string({
    description: 'Run id, cell id, <run-id>/<cell id> or container id (see vmatrix ps).',
    required: true,
  }),
};

export const killFlags = {
  force: Flags.boolean({
    description: 'For a run: SIGKILL instead of SIGTERM, no results written. (A cell is always killed with SIGKILL.)',
  }),
};
