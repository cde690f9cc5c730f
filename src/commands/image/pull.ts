import { Args, Flags } from '../../cli/oclif.js';
import { configFlag } from '../../cli/common-flags.js';
import { pullImages } from '../../distro-image/index.js';
import { projectCatalog } from '../../plan/index.js';
import { Store } from '../../store/index.js';
import { formatSize } from '../../util/size.js';
import { stderrLogger } from '../../util/log.js';
import { BaseCommand } from '../_base.js';
import { configGiven } from '../_pairs.js';
import { stderrImageProgress } from '../_progress.js';

export default class ImagePull extends BaseCommand {
  static override summary = 'Fetch (or build) the images of distros into the store.';
  static override description =
    'Does ahead of time what `vmatrix test` does on first use: downloads, verifies and extracts ' +
    "each distro's image, all at once. An image already in the store costs nothing. An " +
    'interrupted download resumes where it stopped.';
  static override examples = [
    '<%= config.bin %> image pull debian-12',
    '<%= config.bin %> image pull debian-11 debian-12 alpine-3.20',
    '<%= config.bin %> image pull busybox --offline',
    "<%= config.bin %> image pull my-distro --config ci/vmatrix.yml   # an entry of the project's catalog:",
  ];
  static override strict = false;
  static override args = {
    distro: Args.string({ description: 'Distro names or aliases (see vmatrix distros).', required: true }),
  };
  static override flags = {
    offline: Flags.boolean({ description: 'Only check that the images are in the store; never touch the network.' }),
    config: configFlag,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ImagePull);
    const images = await pullImages({
      store: Store.fromEnv(),
      distros: argv as string[],
      offline: flags.offline,
      log: stderrLogger(),
      onProgress: stderrImageProgress(),
      catalog: await projectCatalog(flags.config, configGiven(this.argv)),
    });
    for (const i of images)
      this.log(
        `${i.meta.distro}: image ${i.id} (${formatSize(i.meta.size)})${i.cached ? ', already in the store' : ''}`,
      );
  }
}
