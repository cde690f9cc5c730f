import { Args, Flags } from '../../cli/oclif.js';
import { importNamed } from '../../distro-image/index.js';
import { Store } from '../../store/index.js';
import { formatSize } from '../../util/size.js';
import { BaseCommand } from '../_base.js';

export default class ImageImport extends BaseCommand {
  static override summary = 'Make a root filesystem (tarball, directory or URL) an image you can name in vmatrix.yml.';
  static override description = [
    'The tarball may be compressed with gzip, xz, zstd or bzip2. After the import, NAME works like a distro of the',
    'catalog: `vmatrix run NAME -- ...` and `distros: [NAME]`. Since vmatrix cannot know how to install packages in',
    'it, say so with --package-manager (default none: `packages:` must then be empty). A name of ' +
      'the catalog is refused.',
  ].join('\n');

  static override examples = [
    '<%= config.bin %> image import rootfs.tar.xz --as myos',
    '<%= config.bin %> image import ./build/root --as myos-dev --package-manager apk',
    '<%= config.bin %> image import https://example.org/root.tar.zst --as remote-os --package-manager apt',
  ];

  static override args = {
    source: Args.string({
      description: 'A tarball file, a directory, or an http(s) URL of a tarball.',
      required: true,
    }),
  };
  static override flags = {
    as: Flags.string({ description: 'The name to use in vmatrix.yml and `vmatrix run`.', required: true }),
    'package-manager': Flags.string({
      description: 'How `packages:` are installed in it.',
      options: ['apt', 'apk', 'dnf', 'pacman', 'zypper', 'emerge', 'xbps', 'none'],
      default: 'none',
    }),
    shell: Flags.string({ description: 'The shell setup and test steps run with.', default: '/bin/sh' }),
    arch: Flags.string({ description: "Its architecture (default: the host's)." }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImageImport);
    const meta = await importNamed(Store.fromEnv(), {
      from: args.source,
      name: flags.as,
      packageManager: flags['package-manager'],
      shell: flags.shell,
      arch: flags.arch,
      onProgress: (e) => {
        if (e.message) process.stderr.write(`${flags.as}: ${e.message}\n`);
      },
    });
    this.log(`imported ${args.source} as ${flags.as}: image ${meta.id} (${formatSize(meta.size)})`);
  }
}
