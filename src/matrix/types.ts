/** One cell of the matrix: a distro plus one value per axis. */
export interface Cell {
  /** `debian-12/build=Debug` or `debian-12/build=Debug,cc=gcc`; `debian-12` when there are no axes. */
  id: string;
  /** Safe for a path segment, a hostname and a container id: `debian-12-build-debug`. Unique within a run. */
  slug: string;
  distro: string;
  /** Axis name → value as a string, in matrix order, then keys added by include. Excludes `distro`. */
  axes: Record<string, string>;
}
