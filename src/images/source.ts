import type { DistroEntry, SourceSpec } from '../catalog/types.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../util/log.js';
import { formatSize } from '../util/size.js';
import type { RetryOptions } from './http.js';

// The contract between ensureImage and an image source (a kind in the catalog: tarball, mmdebstrap,
// busybox, lxc, oci, gentoo, void). A source first *plans*: it works out the image id cheaply, so a cache hit costs an
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

/**
 * What `vmatrix distros --check` found when it probed a source upstream without downloading a root: what it
 * checked (`lxc index lists build 20261203_07:42, rootfs.tar.xz 2.9 MB`), and what is worth saying without
 * making the source dead (a pinned point release older than upstream's latest). A dead source throws.
 */
export interface ProbeReport {
  checked: string;
  notes: string[];
}

export type Prober<S extends SourceSpec> = (spec: S, distro: DistroEntry) => Promise<ProbeReport>;

/** A probe asks twice at most: it reports a dead source, it does not wait one out like a download does. */
export const PROBE_RETRY: RetryOptions = { tries: 2, baseMs: 250 };

/** A size for a line of --check, or that the server did not say one. */
export function sizeText(size: number | undefined): string {
  return size === undefined ? 'size not stated' : formatSize(size);
}

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
    case 'gentoo':
      return `gentoo stage3 (${spec.flavour}) from ${spec.mirror}`;
    case 'void':
      return `void ROOTFS (${spec.libc ?? 'glibc'}) from ${spec.mirror}`;
  }
}
