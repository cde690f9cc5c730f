/** How an image can be obtained. A catalog entry lists these in order of preference. */
export type SourceSpec =
  // `arch`: the one architecture a tarball is for (upstream tarballs are per arch); absent = any.
  | { kind: 'tarball'; url: string; sha256?: string; sha256sums?: string; signature?: SignatureSpec; arch?: string }
  | { kind: 'mmdebstrap'; suite: string; variant?: string; mirror?: string; components?: string[] }
  | { kind: 'oci'; ref: string; insecure?: boolean }
  | { kind: 'lxc'; dist: string; release: string; variant?: string; server?: string }
  // Gentoo's weekly stage3 autobuilds: `<mirror>/releases/<arch>/autobuilds/latest-stage3-<arch>-<flavour>.txt`;
  // `signature`: the key that must have clearsigned that file and the .DIGESTS (no `file`: the signature is inline).
  | {
      kind: 'gentoo';
      flavour: 'openrc' | 'systemd';
      mirror: string;
      signature?: Pick<SignatureSpec, 'key' | 'fingerprint'>;
    }
  // Void's live images: the newest `void-<arch>[-musl]-ROOTFS-<date>.tar.xz` in `<mirror>/live/current/sha256sum.txt`.
  | { kind: 'void'; libc?: 'glibc' | 'musl'; mirror: string }
  | { kind: 'busybox' };

/**
 * An OpenPGP signature upstream publishes over a checksum list. `file`: a detached signature's URL, relative
 * to the list's; without it the list is clearsigned (Fedora's *-CHECKSUM); `key`: a keyring,
 * distros/keys/<key>.gpg (or in $VMATRIX_KEYRING_DIR); `fingerprint`: the primary key that must have made it.
 */
export interface SignatureSpec {
  file?: string;
  key: string;
  fingerprint: string;
}

export type PackageManagerName = 'apt' | 'apk' | 'dnf' | 'pacman' | 'zypper' | 'emerge' | 'xbps' | 'none';

export interface DistroEntry {
  /** Canonical name: `debian-12`. */
  name: string;
  family: string;
  release: string;
  aliases: string[];
  description: string;
  packageManager: PackageManagerName;
  /** The shell steps run with: `/bin/sh`. */
  shell: string;
  /** The architecture selected (by `resolve`, default the host's), Debian-style: amd64. */
  arch: string;
  /** Every architecture the distro has images for. */
  arches: string[];
  sources: SourceSpec[];
  /**
   * End of life: the last day upstream supports the release (`YYYY-MM-DD`), or `rolling` for a branch that
   * has none; absent when the catalog does not say (a user's entry, an imported image).
   */
  eol?: string;
  /** Where the date is published (a URL). */
  eolSource?: string;
  /** The catalog file it came from (for messages). */
  file: string;
}

/** An entry's support on a given day (catalog/status.ts): `date` is its end of life where it has one. */
export type SupportStatus =
  { state: 'supported'; date: string } | { state: 'eol'; date: string } | { state: 'rolling' } | { state: 'unknown' };

/** A package manager as a table of shell commands; `{packages}` is replaced by the quoted names. */
export interface PackageManager {
  name: PackageManagerName;
  /** Installs what the distro's own install command installs by default: weak dependencies included. */
  install: string;
  /**
   * The option, put before the names, that leaves weak dependencies (Recommends) out, for
   * `install_recommends: false`; '' for a manager that has none.
   */
  noRecommends: string;
  /** Removes caches so that the committed layer holds only what was installed. */
  clean: string;
  /**
   * The install when a package cache is mounted at `{cache}` (a setup layer's build, docs/images.md "Package
   * caches"): the manager keeps what it downloads there, and indexes where it can, instead of in the root.
   * `clean` still runs after it and must leave `{cache}` alone. Absent: the manager builds without a cache.
   */
  cachedInstall?: string;
  /** The install as people write it, for messages (`apt-get install`); the package names follow. */
  short: string;
  /** What it prints about a package it does not have: one line each, the first group the name. */
  notFound: RegExp[];
}

/** The distros vmatrix knows, from the built-in `distros/` and any user catalog directories. */
export interface Catalog {
  /** Every entry, built-in order first, entries only a user directory adds after; with `arch`, those that have it. */
  list(arch?: string): DistroEntry[];
  /**
   * An entry by canonical name or alias, with `arch` set to `opts.arch` (default: the host's); throws
   * usageError UNKNOWN_DISTRO with a suggestion, or UNSUPPORTED_ARCH when the distro lacks that arch.
   */
  resolve(nameOrAlias: string, opts?: { arch?: string }): DistroEntry;
}
