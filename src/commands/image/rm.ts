import { Args } from '../../cli/oclif.js';
import { removeImages, Store } from '../../store/index.js';
import { formatSize } from '../../util/size.js';
import { BaseCommand } from '../_base.js';

export default class ImageRm extends BaseCommand {
  static override summary = 'Remove images (and the layers built on them) from the store.';
  static override description =
    'An image is named by its id (or the start of it), its distro (every image of it) or its ' +
    'imported name. The setup layers built on it go too. Refuses, removing nothing, when a ' +
    'running vmatrix uses one of them. The next run fetches what it needs again.';
  static override examples = ['<%= config.bin %> image rm debian-12', '<%= config.bin %> image rm 3f2a9c41 myos'];
  static override strict = false;
  static override args = {
    image: Args.string({ description: 'Image ids, distros or imported names.', required: true }),
  };

  async run(): Promise<void> {
    const { argv } = await this.parse(ImageRm);
    const removed = await removeImages(Store.fromEnv(), argv as string[]);
    for (const e of removed) {
      const of = e.kind === 'image' ? e.meta.distro : `on ${e.meta.image}`;
      this.log(`removed ${e.kind} ${e.id} (${of}, ${formatSize(e.size)})`);
    }
  }
}
