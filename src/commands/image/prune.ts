import { Flags } from '../../cli/oclif.js';
import { pruneStore, Store } from '../../store/index.js';
import { parseDuration } from '../../util/duration.js';
import { formatSize, parseSize } from '../../util/size.js';
import { BaseCommand } from '../_base.js';

export default class ImagePrune extends BaseCommand {
  static override summary =
    'Remove images, layers and package caches that have not been used for a while, or that make the store too big.';
  static override description = [
    'First everything not used for --older-than (default 30d when --max-size is not given); then, with',
    '--max-size, the least recently used until the store fits. A layer goes with the image it was built on. Nothing a',
    'running vmatrix uses is removed. Package caches (the downloads setup builds share) go by --older-than only;',
    '--older-than 0s removes every one not in use.',
  ].join('\n');

  static override examples = [
    '<%= config.bin %> image prune --dry-run',
    '<%= config.bin %> image prune --older-than 7d',
    '<%= config.bin %> image prune --max-size 20G',
  ];

  static override flags = {
    'older-than': Flags.string({ description: 'Remove what was last used longer ago than this (30d, 12h).' }),
    'max-size': Flags.string({
      description: 'Then remove the least recently used until images and layers fit in this (20G, 500M).',
    }),
    'dry-run': Flags.boolean({ description: 'Only list what would be removed.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ImagePrune);
    const olderThan = flags['older-than'] ?? (flags['max-size'] ? undefined : '30d');
    const r = await pruneStore(Store.fromEnv(), {
      olderThanMs: olderThan === undefined ? undefined : parseDuration(olderThan, '--older-than'),
      maxBytes: flags['max-size'] === undefined ? undefined : parseSize(flags['max-size'], '--max-size'),
      dryRun: flags['dry-run'],
    });
    const verb = flags['dry-run'] ? 'would remove' : 'removed';
    for (const e of r.removed) {
      const of = e.kind === 'image' ? e.meta.distro : `on ${e.meta.image}`;
      this.log(
        `${verb} ${e.kind} ${e.id} (${of}, ${formatSize(e.size)}, last used ${e.lastUsed.toISOString().slice(0, 10)})`,
      );
    }
    for (const c of r.caches) {
      const used = c.lastUsed.toISOString().slice(0, 10);
      this.log(`${verb} package cache ${c.key} (${formatSize(c.size)}, last used ${used})`);
    }
    const runs = `${r.keptRuns.length} run${r.keptRuns.length === 1 ? '' : 's'}`;
    if (r.keptRuns.length) this.log(`${verb} the kept cells of ${runs}: ${r.keptRuns.join(', ')}`);
    const inUse = r.skippedInUse.length ? ` (${r.skippedInUse.length} in use by a running vmatrix)` : '';
    const freed = r.removed.length ? `${verb} ${formatSize(r.freedBytes)}` : 'nothing to remove';
    this.log(`${freed}; ${formatSize(r.keptBytes)} kept${inUse}`);
  }
}
