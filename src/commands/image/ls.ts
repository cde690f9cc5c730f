import { Flags } from '@oclif/core';
import { Store } from '../../store/index.js';
import { BaseCommand } from '../_base.js';
import { table } from '../_table.js';

export default class ImageLs extends BaseCommand {
  static override summary = 'List the images in the store.';
  static override description = 'Images are extracted, read-only base roots, one per distinct source content, under $VMATRIX_HOME/images (default /var/lib/vmatrix for root).';
  static override examples = ['<%= config.bin %> image ls', '<%= config.bin %> image ls --json'];
  static override flags = { json: Flags.boolean({ description: 'Print the images as JSON.' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(ImageLs);
    const images = await Store.fromEnv().listImages();
    if (flags.json) {
      this.log(JSON.stringify(images, null, 2));
      return;
    }
    if (images.length === 0) {
      this.log('no images yet: `vmatrix test` or `vmatrix run <distro> -- true` fetches one');
      return;
    }
    this.log(table(['ID', 'DISTRO', 'ARCH', 'SIZE', 'CREATED', 'SOURCE'], images.map((i) => [
      i.id, i.distro, i.arch, `${(i.size / 1048576).toFixed(0)} MB`, i.created.slice(0, 19).replace('T', ' '), (i.source as { kind?: string })?.kind ?? '',
    ])));
  }
}
