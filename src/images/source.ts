import type { DistroEntry, SourceSpec } from '../catalog/types.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../util/log.js';

// The contract between ensureImage and an image source (a kind in the catalog: tarball, mmdebstrap,
// busybox). A source first *plans*: it works out the image id cheaply, so a cache hit costs an
// existsSync; only on a miss is `build` called, inside the id's lock, into an empty staging rootfs.

export type ImageProgress = (e: {
  distro: string;
  phase: 'download' | 'build' | 'extract' | 'done';
  bytes?: number;
  total?: number;
  message?: string;
  /** Download speed and estimated seconds left, when known. */
  bytesPerSecond?: number;
  etaSeconds?: number;
}) => void;

export interface SourceContext {
  store: Store;
  distro: DistroEntry;
  log: Logger;
  offline: boolean;
  progress: (e: Omit<Parameters<ImageProgress>[0], 'distro'>) => void;
}

export interface Built {
  /** sha256 of the artifact the root came from, when there is one. */
  digest?: string;
  /** Bytes of regular files in the root. */
  size: number;
}

export interface SourcePlan {
  id: string;
  /** Fills `rootfs` (an empty directory inside `staging`). */
  build(rootfs: string, staging: string): Promise<Built>;
}

export type Planner<S extends SourceSpec> = (spec: S, ctx: SourceContext) => Promise<SourcePlan>;

/** Bumped when the way a source turns into a root changes, so that old images are not reused. */
export const IMAGE_FORMAT = 1;

export function describeSource(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'tarball':
      return `tarball ${spec.url}`;
    case 'mmdebstrap':
      return `mmdebstrap ${spec.suite}`;
    case 'busybox':
      return 'busybox (from the host)';
    case 'oci':
      return `oci ${spec.ref}`;
    case 'lxc':
      return `lxc ${spec.dist}/${spec.release}${spec.server ? ` from ${spec.server}` : ''}`;
  }
}
