import { Flags } from '@oclif/core';
import { planRun } from '../run/index.js';
import { BaseCommand } from './_base.js';

export default class Matrix extends BaseCommand {
  static override summary = 'Show the cells vmatrix.yml expands to, without running anything.';
  static override description = 'Applies exclude, then include, exactly as GitHub Actions does, so you can see what `vmatrix test` will run.';
  static override examples = [
    '<%= config.bin %> matrix',
    { description: 'For scripts and CI fan-out', command: '<%= config.bin %> matrix --json' },
  ];

  static override flags = {
    config: Flags.string({ char: 'c', description: 'Path of the config file.', default: 'vmatrix.yml' }),
    only: Flags.string({ description: 'Show only cells matching a cell id, a glob or axis=value. Repeatable.', multiple: true }),
    json: Flags.boolean({ description: 'Print the cells as JSON.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Matrix);
    const { cells } = await planRun(flags.config, { only: flags.only });
    if (flags.json) {
      this.log(JSON.stringify(cells.map(({ id, distro, axes }) => ({ id, distro, axes })), null, 2));
      return;
    }
    for (const cell of cells) this.log(cell.id);
    process.stderr.write(`${cells.length} cell${cells.length === 1 ? '' : 's'}\n`);
  }
}
