// What a cell had installed, read on the host from its image and setup layer: the shapes of
// `<cell>/inventory.json` (referenced from results.json as CellResult.inventory), which `vmatrix explain`
// compares between cells. Bump `version` on a breaking change.

/** One installed package, as its package manager names it. */
export interface InstalledPackage {
  name: string;
  /** As the package manager prints it: `2.36-9+deb12u14`, `1.2.3-r0`, `1:2.40-2`. */
  version: string;
  /** The package's arch when the database records one (`amd64`, `x86_64`, `noarch`, `all`). */
  arch?: string;
}

/** A compiler or the C library, with the package it came from (or the file it was read from). */
export interface Component {
  /** `glibc`, `musl`, `gcc`, `clang`… */
  name: string;
  version: string;
  /** The package (`libc6`, `gcc-12`, `musl`) or, when read from a file, its path in the cell (`/lib/libc.so.6`). */
  from: string;
}

/** What a cell's root (image plus setup layer) has installed. */
export interface PackageInventory {
  /**
   * The catalog's package manager of the distro (`apt`, `apk`, `dnf`, `zypper`, `pacman`, `xbps`, `emerge`,
   * `none`).
   */
  packageManager: string;
  /** Sorted by name, then arch. Empty when none could be read: `packagesNote` says why. */
  packages: InstalledPackage[];
  /** Why `packages` is empty or partial (`/var/lib/dpkg/status: not found`, rpm's BerkeleyDB database). */
  packagesNote?: string;
  libc?: Component;
  /** The compilers installed: C and C++, Go, Rust (gcc-12 and clang-16 side by side are two entries). */
  compilers: Component[];
}

/** `<cell>/inventory.json`. */
export interface CellInventory extends PackageInventory {
  version: 1;
  cell: string;
  distro: string;
  /** Debian's spelling of the cell's arch. */
  arch: string;
  /** The kernel the cell saw: the host's (`uname -r`), shared by every cell. */
  kernel: string;
  image: string;
  layer?: string;
  /**
   * The packages the cell's config asked for (its setup recipe, in the distro's names): what `vmatrix explain`
   * lists right after the C library when their versions differ.
   */
  requested?: string[];
  /** The environment the test steps got (the plan's, plus what vmatrix sets in every cell). */
  env: Record<string, string>;
  /** The test steps' full text, in order: how a log's `+ <step>` markers are found. */
  steps: string[];
  /** How long the host took to read it, in ms. */
  readMs: number;
}
