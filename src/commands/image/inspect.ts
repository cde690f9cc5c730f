import { Args } from '../../cli/oclif.js';
import { inspectImages, Store } from '../../store/index.js';
import { BaseCommand } from '../_base.js';

export default class ImageInspect extends BaseCommand {
  static override summary = 'Show what the store knows about an image, and the layers built on it.';
  static override description =
    'Prints image.json (distro, release, arch, source, digest, size, created) with the last use, ' +
    'the names it was imported under and the setup layers built on it, as JSON. An image is ' +
    'named by its id (or the start of it), its distro, or its imported name.';
  static override examples = ['<%= config.bin %> image inspect debian-12', '<%= config.bin %> image inspect 3f2a9c41'];
  static override args = { image: Args.string({ description: 'Image id, distro or imported name.', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(ImageInspect);
    const found = await inspectImages(Store.fromEnv(), args.image);
    const out = found.map(({ entry, layers }) => ({
      ...entry.meta,
      kind: entry.kind,
      lastUsed: entry.lastUsed.toISOString(),
      ...(entry.kind === 'image' ? { names: entry.names } : {}),
      layers: layers.map((l) => ({ ...l.meta, lastUsed: l.lastUsed.toISOString() })),
    }));
    this.log(JSON.stringify(out.length === 1 ? out[0] : out, null, 2));
  }
}
