/** Bounds that keep a hostile archive from exhausting time, memory or disk (SAFETY.md 13). */
export interface Limits {
  maxEntries: number;
  /** Sum of the sizes of the regular files. */
  maxBytes: number;
  /** Bytes of an entry's name or link target. */
  maxPathLength: number;
  /** Components of an entry's name. */
  maxDepth: number;
}

// A Debian root has ~10k entries and ~300 MB; a fat Fedora one ~60k entries and a few GB.
export const DEFAULT_LIMITS: Limits = {
  maxEntries: 2_000_000,
  maxBytes: 64 * 1024 ** 3,
  maxPathLength: 4096,
  maxDepth: 512,
};
