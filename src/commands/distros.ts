import { Args, Flags } from '../cli/oclif.js';
import { configFlag } from '../cli/common-flags.js';
import { projectCatalog } from '../plan/index.js';
import { configGiven } from './_pairs.js';
import { BaseCommand } from './_base.js';
import { distrosJson, distrosTable } from '../cli/distros-table.js';
import { checkDistros, entriesToCheck, namesWithoutCheck } from '../cli/distros-check.js';

export default class Distros extends BaseCommand {
  static override summary = 'List the distros vmatrix knows (the catalog), or --check that their images still exist.';
  static override description =
    'The catalog is data: distros/*.yml in the package, plus directories named in ' +
    "$VMATRIX_CATALOG (colon-separated), then the files the project's vmatrix.yml names in `catalog:`; " +
    'a later entry overrides an earlier one of the same name. STATUS is each ' +
    "release's support today: supported until its end-of-life date, EOL since it, or rolling. --check asks " +
    "upstream, without downloading a root, whether each entry's image sources still work (index, checksum " +
    'list, signature, the artifact and its size) and prints one line per entry, OK or DEAD; it exits 1 ' +
    'naming every dead entry. An entry is alive when one of its sources for the arch is.';
  static override examples = [
    '<%= config.bin %> distros',
    '<%= config.bin %> distros --arch arm64',
    '<%= config.bin %> distros --json',
    { description: 'Check every entry for this host', command: '<%= config.bin %> distros --check' },
    {
      description: 'Check two entries (aliases resolve)',
      command: '<%= config.bin %> distros --check debian-13 alpine-latest',
    },
    { description: "With the entries of a project's catalog:", command: '<%= config.bin %> distros -c ci/vmatrix.yml' },
  ];
  static override strict = false;
  static override args = {
    distro: Args.string({ description: 'With --check: the distros to check (names or aliases); default all.' }),
  };
  static override flags = {
    json: Flags.boolean({ description: 'Print the catalog as JSON.', exclusive: ['check'] }),
    arch: Flags.string({ description: 'Only the distros that have images for this architecture (amd64, arm64…).' }),
    check: Flags.boolean({
      description: "Probe each entry's image sources upstream (no root is downloaded); exit 1 if one is dead.",
    }),
    config: configFlag,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Distros);
    const catalog = await projectCatalog(flags.config, configGiven(this.argv));
    const names = argv as string[];
    if (flags.check) {
      const code = await checkDistros(entriesToCheck(catalog, names, flags.arch), (l) => this.log(l));
      if (code !== 0) this.exit(code);
      return;
    }
    if (names.length > 0) throw namesWithoutCheck(names);
    const today = new Date();
    this.log(
      flags.json
        ? JSON.stringify(distrosJson(catalog.list(flags.arch), today), null, 2)
        : distrosTable(catalog.list(flags.arch), today),
    );
  }
}
