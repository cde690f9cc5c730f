import { Flags } from './oclif.js';
import { configFlag } from './common-flags.js';

// `vmatrix matrix`'s manual: its summary, description, examples and flags (commands/matrix.ts is the command).

export const matrixSummary = 'Show the cells vmatrix.yml expands to, without running anything.';

export const matrixDescription = [
  'Applies exclude, then include, exactly as GitHub Actions does, so you can see what `vmatrix test` will run.',
  '\n\n--format github prints the JSON of a GitHub Actions strategy.matrix with one job per cell (matrix.cell is the',
  'id for vmatrix test --cell, matrix.slug a name safe for artifacts, matrix.arch its arch); --format gitlab',
  'prints a GitLab CI parallel:matrix block (variable VMATRIX_CELL). With --shards N, one job per shard instead',
  '(matrix.shard or VMATRIX_SHARD, for vmatrix test --shard). GitHub runs at most 256 jobs from one matrix,',
  'GitLab 200: past that, use --shards. templates/ci/ has complete workflows for both.',
].join(' ');

export const matrixExamples = [
  '<%= config.bin %> matrix',
  { description: 'The cells as JSON, for scripts', command: '<%= config.bin %> matrix --format json' },
  {
    description: 'A GitHub Actions matrix, one job per cell',
    command: 'echo "matrix=$(<%= config.bin %> matrix --format github)" >> "$GITHUB_OUTPUT"',
  },
  {
    description: 'A GitLab CI parallel:matrix of 4 shards',
    command: '<%= config.bin %> matrix --format gitlab --shards 4',
  },
];

export const matrixFlags = {
  config: configFlag,
  only: Flags.string({
    description: 'Show only cells matching a cell id, a glob or axis=value. Repeatable.',
    multiple: true,
  }),
  arch: Flags.string({
    description: 'Show only the cells of these arches (or, with no `arch:` in vmatrix.yml, the cells on them).',
    multiple: true,
    delimiter: ',',
  }),
  format: Flags.string({
    char: 'f',
    description: 'text: one cell id a line; json: the cells; github, gitlab: a CI matrix.',
    options: ['text', 'json', 'github', 'gitlab'],
  }),
  json: Flags.boolean({ description: 'Same as --format json.', exclusive: ['format'] }),
  shards: Flags.integer({
    description:
      'With --format github or gitlab: one job per shard (vmatrix test --shard i/N) instead of one per cell.',
    min: 1,
  }),
};
