import { Flags } from '@oclif/core';
import { ciYaml } from '../config/index.js';
import { githubMatrix, gitlabParallel } from '../matrix/index.js';
import { planRun } from '../plan/index.js';
import { usageError } from '../util/errors.js';
import { inertLine } from '../util/inert.js';
import { BaseCommand } from './_base.js';
import { configGiven } from './_pairs.js';

export default class Matrix extends BaseCommand {
  static override summary = 'Show the cells vmatrix.yml expands to, without running anything.';
  static override description = [
    'Applies exclude, then include, exactly as GitHub Actions does, so you can see what `vmatrix test` will run.',
    '\n\n--format github prints the JSON of a GitHub Actions strategy.matrix with one job per cell (matrix.cell is the',
    'id for vmatrix test --cell, matrix.slug a name safe for artifacts); --format gitlab prints a GitLab CI',
    'parallel:matrix block (variable VMATRIX_CELL). With --shards N, one job per shard instead (matrix.shard or',
    'VMATRIX_SHARD, for vmatrix test --shard). GitHub runs at most 256 jobs from one matrix, GitLab 200: past that,',
    'use --shards. templates/ci/ has complete workflows for both.',
  ].join(' ');

  static override examples = [
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

  static override flags = {
    config: Flags.string({ char: 'c', description: 'Path of the config file.', default: 'vmatrix.yml' }),
    only: Flags.string({
      description: 'Show only cells matching a cell id, a glob or axis=value. Repeatable.',
      multiple: true,
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

  async run(): Promise<void> {
    const { flags } = await this.parse(Matrix);
    const format = flags.json ? 'json' : (flags.format ?? 'text');
    if (flags.shards !== undefined && format !== 'github' && format !== 'gitlab') {
      throw usageError('SHARDS_NEED_CI_FORMAT', '--shards is for a CI matrix: give --format github or --format gitlab');
    }
    const { cells } = await planRun(flags.config, { only: flags.only, configGiven: configGiven(this.argv) });
    if (flags.shards !== undefined && flags.shards > cells.length) {
      process.stderr.write(
        `vmatrix: ${flags.shards} shards for ${cells.length} cell${cells.length === 1 ? '' : 's'}: ${cells.length} shards, so that none is empty\n`,
      );
    }
    if (format === 'github') return this.log(JSON.stringify(githubMatrix(cells, flags.shards)));
    if (format === 'gitlab') return this.log(ciYaml(gitlabParallel(cells, flags.shards)));
    if (format === 'json')
      return this.log(
        JSON.stringify(
          cells.map(({ id, distro, axes }) => ({ id, distro, axes })),
          null,
          2,
        ),
      );
    for (const cell of cells) this.log(inertLine(cell.id));
    process.stderr.write(`${cells.length} cell${cells.length === 1 ? '' : 's'}\n`);
  }
}
