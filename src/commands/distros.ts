import { Flags } from '../cli/oclif.js';
import { loadCatalog } from '../catalog/index.js';
import { BaseCommand } from './_base.js';
import { table } from '../cli/table.js';

export default class Distros extends BaseCommand {
  static override summary = 'List the distros vmatrix knows (the catalog).';
  static override description =
    'The catalog is data: distros/*.yml in the package, plus directories named in ' +
    '$VMATRIX_CATALOG (colon-separated), whose entries override the built-in ones by name.';
  static override examples = [
    '<%= config.bin %> distros',
    '<%= config.bin %> distros --arch arm64',
    '<%= config.bin %> distros --json',
  ];
  static override flags = {
    json: Flags.boolean({ description: 'Print the catalog as JSON.' }),
    arch: Flags.string({ description: 'Only the distros that have images for this architecture (amd64, arm64…).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Distros);
    const entries = (await loadCatalog()).list(flags.arch);
    if (flags.json) {
      this.log(JSON.stringify(entries, null, 2));
      return;
    }
    this.log(
      table(
        ['NAME', 'ALIASES', 'PACKAGES', 'ARCH', 'SOURCES'],
        entries.map((d) => [
          d.name,
          d.aliases.join(', '),
          d.packageManager,
          d.arches.join(', '),
          d.sources.map((s) => s.kind).join(', '),
        ]),
      ),
    );
  }
}
