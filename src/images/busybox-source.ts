import type { SourceSpec } from '../catalog/types.js';
import { hashOf, shortId } from '../util/hash.js';
import { treeSize } from '../util/tree.js';
import { buildBusyboxRoot, findStaticBusybox } from './busybox.js';
import { sha256File } from './sha256sums.js';
import { IMAGE_FORMAT, type Planner, type Prober } from './source.js';

/** The busybox root is determined by the host's busybox binary: its digest is the image's identity. */
export const planBusybox: Planner<Extract<SourceSpec, { kind: 'busybox' }>> = async (_spec, ctx) => {
  const digest = await sha256File(await findStaticBusybox());
  return {
    id: shortId(hashOf({ kind: 'busybox', digest, format: IMAGE_FORMAT })),
    build: async (rootfs) => {
      ctx.progress({ phase: 'build', message: "building the busybox root from the host's busybox" });
      await buildBusyboxRoot(rootfs);
      return { digest, size: await treeSize(rootfs) };
    },
  };
};

/** --check: the root is made on the host, so the host's static busybox is what must exist. */
export const probeBusybox: Prober<Extract<SourceSpec, { kind: 'busybox' }>> = async () => ({
  checked: `host: static busybox at ${await findStaticBusybox()}`,
  notes: [],
});
