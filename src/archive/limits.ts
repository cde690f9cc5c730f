import { usageError } from '../util/errors.js';

/** Bounds that keep a hostile archive from exhausting time, memory or disk (docs/safety.md, rule 13), per archive. */
export interface Limits {
  maxEntries: number;
  /** Sum of the sizes of the regular files. */
  maxBytes: number;
  /** Bytes of an entry's name or link target. */
  maxPathLength: number;
  /** Components of an entry's name. */
  maxDepth: number;
  /**
   * Symlink resolution over the whole archive: each link followed and each component of a link target
   * looked up is one step. One entry is capped at 255 links (ELOOP); this caps an archive that makes every
   * entry walk a long chain again (replacing a link empties the resolver's cache).
   */
  maxLinkSteps: number;
  /** Decompressed bytes per compressed byte read, checked once `ratioAfter` bytes came out. */
  maxRatio: number;
  ratioAfter: number;
  /** Memory xz may use to decompress (its --memlimit); the dictionary size of the stream decides. */
  xzMemory: number;
  /** Memory zstd may use to decompress (its --memory): the frame's window size decides. */
  zstdMemory: number;
}

const MiB = 1024 ** 2;

// A Debian root has ~10k entries and ~300 MB; a fat Fedora one ~60k entries and a few GB. Real roots
// compress 3-10:1 and gzip cannot pass 1032:1, so 250:1 over 64 MiB is only reached by a layer of zeros.
// xz -9 needs 65 MiB to decompress; zstd's own default window limit is 128 MiB (--long=27).
export const DEFAULT_LIMITS: Limits = {
  maxEntries: 2_000_000,
  maxBytes: 64 * 1024 ** 3,
  maxPathLength: 4096,
  maxDepth: 512,
  maxLinkSteps: 1_000_000,
  maxRatio: 250,
  ratioAfter: 64 * MiB,
  xzMemory: 256 * MiB,
  zstdMemory: 128 * MiB,
};

/** The environment variable with which an operator who trusts a source raises (or lowers) each budget. */
export const LIMIT_VARIABLES = {
  maxEntries: 'VMATRIX_ARCHIVE_MAX_ENTRIES',
  maxBytes: 'VMATRIX_ARCHIVE_MAX_BYTES',
  maxLinkSteps: 'VMATRIX_ARCHIVE_MAX_LINK_STEPS',
  maxRatio: 'VMATRIX_ARCHIVE_MAX_RATIO',
  xzMemory: 'VMATRIX_ARCHIVE_XZ_MEMORY',
  zstdMemory: 'VMATRIX_ARCHIVE_ZSTD_MEMORY',
} as const satisfies Partial<Record<keyof Limits, string>>;

export type TunableLimit = keyof typeof LIMIT_VARIABLES;

/** DEFAULT_LIMITS with the operator's overrides from the environment, then `given` (a caller's, a test's). */
export function effectiveLimits(given: Partial<Limits> = {}, env: NodeJS.ProcessEnv = process.env): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, variable] of Object.entries(LIMIT_VARIABLES) as Array<[TunableLimit, string]>) {
    const text = env[variable]?.trim();
    if (!text) continue;
    if (!/^[1-9]\d{0,15}$/.test(text)) {
      throw usageError('BAD_ARCHIVE_LIMIT', `${variable}: "${text}" is not a positive whole number`, {
        hint: `write a number, like ${variable}=${DEFAULT_LIMITS[key] * 2} (the default is ${DEFAULT_LIMITS[key]})`,
      });
    }
    limits[key] = Number(text);
  }
  return { ...limits, ...given };
}
