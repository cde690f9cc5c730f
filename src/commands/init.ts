import { Flags } from '../cli/oclif.js';
import { relative } from 'node:path';
import { initConfig, PROJECT_KINDS, type ProjectKind } from '../config/index.js';
import { BaseCommand } from './_base.js';

export default class Init extends BaseCommand {
  static override summary = 'Write a commented starter vmatrix.yml for this project.';
  static override description = [
    'The kind of project is detected from its files: CMakeLists.txt (c-cmake), meson.build (c-meson),',
    'Cargo.toml (rust), go.mod (go), package.json (node), pyproject.toml, setup.py or ' +
      'requirements.txt (python), a Makefile (make),',
    "else generic; --kind chooses it. The file's first line points editors (the YAML language server) at",
    "vmatrix's JSON schema, so they complete and check it. An existing vmatrix.yml is kept unless --force.",
  ].join('\n');

  static override examples = [
    '<%= config.bin %> init',
    {
      description: 'A Python project, replacing the vmatrix.yml there is',
      command: '<%= config.bin %> init --kind python --force',
    },
  ];

  static override flags = {
    kind: Flags.string({
      description: 'The kind of project (default: detected from its files).',
      options: [...PROJECT_KINDS],
    }),
    force: Flags.boolean({ description: 'Replace an existing vmatrix.yml.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    const r = await initConfig(process.cwd(), { kind: flags.kind as ProjectKind | undefined, force: flags.force });
    const why = r.marker ? ` (from ${r.marker})` : flags.kind ? '' : ' (no file told the kind)';
    const test = r.hostNetwork
      ? "vmatrix test --allow-host-network (its test steps download with the host's network)"
      : 'vmatrix test';
    this.log(
      `wrote ${relative(process.cwd(), r.file)} for a ${r.kind} project${why}; next: vmatrix matrix, then ${test}`,
    );
  }
}
