import { ciYaml } from '../config/index.js';
import { githubMatrix, gitlabParallel } from '../matrix/index.js';
import { planRun } from '../plan/index.js';
import { usageError } from '../util/errors.js';
import { inertLine } from '../util/inert.js';
import { matrixSummary, matrixDescription, matrixExamples, matrixFlags } from '../cli/matrix-flags.js';
import { BaseCommand } from './_base.js';
import { configGiven } from './_pairs.js';

export default class Matrix extends BaseCommand {
  static override summary = matrixSummary;
  static override description = matrixDescription;
  static override examples = matrixExamples;
  static override flags = matrixFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(Matrix);
    const format = flags.json ? 'json' : (flags.format ?? 'text');
    if (flags.shards !== undefined && format !== 'github' && format !== 'gitlab') {
      throw usageError('SHARDS_NEED_CI_FORMAT', '--shards is for a CI matrix: give --format github or --format gitlab');
    }
    const { cells } = await planRun(flags.config, {
      only: flags.only,
      arches: flags.arch,
      configGiven: configGiven(this.argv),
    });
    if (flags.shards !== undefined && flags.shards > cells.length) {
      process.stderr.write(
        `vmatrix: ${flags.shards} shards for ${cells.length} cell${cells.length === 1 ? '' : 's'}: ` +
          `${cells.length} shards, so that none is empty\n`,
      );
    }
    if (format === 'github') return this.log(JSON.stringify(githubMatrix(cells, flags.shards)));
    if (format === 'gitlab') return this.log(ciYaml(gitlabParallel(cells, flags.shards)));
    if (format === 'json')
      return this.log(
        JSON.stringify(
          cells.map(({ id, distro, arch, axes }) => ({ id, distro, arch, axes })),
          null,
          2,
        ),
      );
    for (const cell of cells) this.log(inertLine(cell.id));
    process.stderr.write(`${cells.length} cell${cells.length === 1 ? '' : 's'}\n`);
  }
}
