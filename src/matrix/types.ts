/** One cell of the matrix: a distro plus one value per axis. */
export interface Cell {
  /** `debian-12/build=Debug`, `debian-12/arch=s390x,build=Debug`; `debian-12` when there are no axes. */
  id: string;
  /** Safe for a path segment, a hostname and a container id: `debian-12-build-debug`. Unique within a run. */
  slug: string;
  distro: string;
  /** The CPU architecture its image is of and its programs run as, as Debian spells it (`amd64`, `s390x`). */
  arch: string;
  /**
   * Axis name → value as a string, in matrix order, then keys added by include. Excludes `distro`; holds `arch`
   * (first) only when the matrix has cells of more than one arch, so that ids name the arch exactly then.
   */
  axes: Record<string, string>;
  /**
   * `boot` of the include entry that extended or added it (the last such entry that says): whether its PID 1 is
   * the distro's init. Absent when no include entry says; never part of its id, slug or axes.
   */
  boot?: boolean;
}
