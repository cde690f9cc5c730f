import { Flags } from '../../cli/oclif.js';
import { inventory, Store } from '../../store/index.js';
import { BaseCommand } from '../_base.js';
import { imagesText, layersText } from '../../cli/image-list.js';

export default class ImageLs extends BaseCommand {
  static override summary = 'List the images in the store.';
  static override description =
    'Images are extracted, read-only base roots, one per distinct source content, under ' +
    '$VMATRIX_HOME/images (default /var/lib/vmatrix for root). LAST USED is when a run last used ' +
    'the image; `vmatrix image prune` goes by it. --layers adds the setup layers, each with the ' +
    'inputs its id is a hash of.';
  static override examples = [
    '<%= config.bin %> image ls',
    '<%= config.bin %> image ls --layers',
    '<%= config.bin %> image ls --json',
  ];
  static override flags = {
    json: Flags.boolean({ description: 'Print the images (and layers) as JSON.' }),
    layers: Flags.boolean({
      description:
        'Also list the setup layers, each with what it was built from: image, packages, setup, env keys, setup_inputs.',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ImageLs);
    const all = (await inventory(Store.fromEnv())).filter((e) => flags.layers || e.kind === 'image');
    if (flags.json) {
      this.log(
        JSON.stringify(
          all.map((e) => ({
            ...e.meta,
            kind: e.kind,
            lastUsed: e.lastUsed.toISOString(),
            ...(e.kind === 'image' ? { names: e.names } : {}),
          })),
          null,
          2,
        ),
      );
      return;
    }
    const images = all.filter((e) => e.kind === 'image');
    const layers = all.filter((e) => e.kind === 'layer');
    if (images.length === 0) {
      this.log('no images yet: `vmatrix image pull <distro>` or `vmatrix run <distro> -- true` fetches one');
    } else {
      this.log(imagesText(images));
    }
    if (flags.layers)
      this.log(layers.length ? `\n${layersText(layers, images)}` : '\nno setup layers yet: `vmatrix test` builds them');
  }
}
