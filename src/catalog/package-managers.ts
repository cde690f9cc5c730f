import { usageError } from '../util/errors.js';
import { shownLine } from '../util/tail.js';
import type { PackageManager, PackageManagerName } from './types.js';
import { stripAnsi } from '../util/ansi.js';

// Package managers as data: one install command, the option that leaves weak dependencies out, one clean
// command, how a message names the install, and the lines each prints about a package it does not have (so
// that a failed install can name it; matched one line at a time). `{packages}` becomes the quoted names.
// The install command installs what the distro's own does by default, Recommends and weak deps included:
// Debian's gcc, for one, only recommends the C library's headers, so leaving them out by default gives a
// compiler that cannot link.

export const packageManagers: Record<PackageManagerName, PackageManager> = {
  apt: {
    name: 'apt',
    // --force-unsafe-io (dpkg(1)): no fsync per unpacked file. The build is throwaway until the store commits its
    // upper dir, after a `sync -f` of the whole filesystem (store.ts commitDir): dpkg's own syncs buy nothing
    // there. Measured: cmake, gcc and make from a warm cache unpacked in 79 s instead of 100 s (a chroot of the
    // Debian 12 root, one run each, a busy 2-core host; docs/performance.md "Package cache").
    install:
      'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-unsafe-io install -y ' +
      '{packages}',
    // With a cache: the .debs (Dir::Cache::Archives) and the indexes (Dir::State::Lists) live in it, and
    // APT::Keep-Downloaded-Packages keeps the .debs after the install (apt.conf(5); Debian's docker images turn
    // it off for `apt` in /etc/apt/apt.conf.d/docker-clean, whose Post-Invoke rm names only the default
    // paths). `apt-get update` still runs on every build: with the lists at hand it asks the mirror for what
    // changed (If-Modified-Since, pdiffs; apt-get(8)), so an index past its Release file's Valid-Until is
    // refreshed, never trusted. A .deb found in the archives is used only if its hash matches the signed
    // index (apt-secure(8)). The clean below names no cache option, so it empties the default paths (and
    // the pkgcache.bin files) and leaves the cache alone.
    // apt creates neither directory nor their partial/ ("List directory …/partial is missing"): they are made in
    // the cell, by its root, which apt's download sandbox then hands partial/ to (_apt).
    cachedInstall: (
      'mkdir -p {cache}/archives/partial {cache}/lists/partial && ' +
      'apt-get {apt} update && DEBIAN_FRONTEND=noninteractive apt-get {apt} ' +
      '-o Dpkg::Options::=--force-unsafe-io install -y {packages}'
    ).replaceAll(
      '{apt}',
      '-o Dir::Cache::Archives={cache}/archives/ -o Dir::State::Lists={cache}/lists/ ' +
        '-o APT::Keep-Downloaded-Packages=true',
    ),
    noRecommends: '--no-install-recommends',
    clean: 'apt-get clean && rm -rf /var/lib/apt/lists/*',
    short: 'apt-get install',
    // A name with regex characters (`libstdc++.+`) is looked up as a glob or regex first.
    notFound: [
      /^E: Unable to locate package (\S+)$/,
      /^E: Package '(\S+)' has no installation candidate$/,
      /^E: Couldn't find any package by (?:glob|regex) '(\S+)'$/,
    ],
  },
  // --no-cache leaves no index behind, so there is nothing to clean. apk has no weak dependencies. It lists
  // what it cannot find under "ERROR: unable to select packages:", an indented line each (`required by:` on
  // the next one, or after).
  apk: {
    name: 'apk',
    install: 'apk add --no-cache {packages}',
    // apk(8): --cache-dir overrides the cache directory (packages and the indexes, APKINDEX.*.tar.gz), which
    // then holds what apk downloads; --update-cache (-U) fetches the indexes anew on every build.
    cachedInstall: 'apk add --cache-dir {cache} --update-cache {packages}',
    noRecommends: '',
    clean: '',
    short: 'apk add',
    notFound: [/^\s+(\S+) \(no such package\):/],
  },
  // dnf 4 and dnf 5 (after "Failed to resolve the transaction:") word a missing package alike.
  dnf: {
    name: 'dnf',
    install: 'dnf install -y {packages}',
    // dnf.conf(5): cachedir holds the repositories' metadata and, with keepcache, the packages it downloaded;
    // dnf(8): --refresh marks the metadata expired, so it is checked against the mirror on every build.
    cachedInstall: 'dnf install -y --setopt=cachedir={cache} --setopt=keepcache=True --refresh {packages}',
    noRecommends: '--setopt=install_weak_deps=False',
    clean: 'dnf clean all',
    short: 'dnf install',
    notFound: [/^No match for argument: (\S+)$/],
  },
  // -Syu, not -Sy: on a rolling distro a new package against old libraries is a partial upgrade, which Arch
  // does not support. `pacman -Scc --noconfirm` answers its own questions "no", so the cache goes by hand.
  // pacman's optional dependencies are never installed by themselves.
  pacman: {
    name: 'pacman',
    install: 'pacman -Syu --noconfirm --needed {packages}',
    // pacman(8): --cachedir is where packages are kept (the sync databases stay in the root: -Syu refreshes
    // them on every build, and the clean removes them).
    cachedInstall: 'mkdir -p {cache}/pkg && pacman -Syu --noconfirm --needed --cachedir {cache}/pkg {packages}',
    noRecommends: '',
    clean: 'rm -rf /var/cache/pacman/pkg/* /var/lib/pacman/sync/*',
    short: 'pacman -S',
    notFound: [/^error: target not found: (\S+)$/],
  },
  // Older zypper looks a name up as a capability too, and says so in the first form.
  zypper: {
    name: 'zypper',
    install: 'zypper --non-interactive install {packages}',
    // zypper(8): the global --cache-dir moves all of zypper's caches (raw metadata, solv files, packages) into
    // the cache; a repository keeps downloaded packages only with its keeppackages flag (`modifyrepo
    // --keep-packages`), set for the install and turned off again so that the layer's repo files are as the
    // image had them (openSUSE's images have it off); `refresh` checks the metadata on every build.
    cachedInstall:
      'zypper --non-interactive modifyrepo --all --keep-packages && ' +
      'zypper --non-interactive --cache-dir {cache} refresh && ' +
      'zypper --non-interactive --cache-dir {cache} install {packages} && ' +
      'zypper --non-interactive modifyrepo --all --no-keep-packages',
    noRecommends: '--no-recommends',
    clean: 'zypper clean -a',
    short: 'zypper install',
    notFound: [/^No provider of '(\S+)' found\.$/, /^Package '(\S+)' not found\.$/],
  },
  // Gentoo, from its official binary package host (https://wiki.gentoo.org/wiki/Gentoo_Binary_Host_Quickstart):
  // stage3s since the end of 2023 ship /etc/portage/binrepos.conf/gentoobinhost.conf, so `--getbinpkg` is all it
  // takes to fetch what the host has built for the stage's profile. Not --getbinpkgonly: a package the host lacks
  // (or built with other USE flags) is built from source rather than failing the install. Signatures are checked
  // as the profile asks; portage runs its trust helper, getuto, to set up the keys (PORTAGE_TRUST_HELPER in
  // cnf/make.globals, lib/portage/dbapi/bintree.py). A stage3 has no ebuild repository, and emerge resolves
  // names against it, so emerge-webrsync fetches the latest snapshot first (its signature checked:
  // sync-webrsync-verify-signature in cnf/repos.conf), unless a repository is already there. --noreplace leaves
  // what is installed alone (a second run does nothing); --ask=n overrides an EMERGE_DEFAULT_OPTS that asks.
  // Portage has no weak dependencies (PDEPEND is a hard one). The clean removes the repository as well as the
  // distfiles and binpkgs caches (DISTDIR, PKGDIR): the repository is hundreds of MB in some hundred thousand
  // small files that the stage3 did not have either, and a later install fetches it again by the same test (a
  // setup: command that runs emerge itself must do the same; docs/config.md says so).
  // (Options: man/emerge.1 and lib/_emerge/main.py; paths: cnf/; all in github.com/gentoo/portage.)
  emerge: {
    name: 'emerge',
    install:
      '{ [ -e /var/db/repos/gentoo/metadata/timestamp.x ] || emerge-webrsync --quiet; } && ' +
      'emerge --ask=n --color=n --nospinner --quiet-build=y --getbinpkg=y --noreplace {packages}',
    // make.conf(5): DISTDIR (source archives) and PKGDIR (binary packages, those --getbinpkg fetches) are
    // read from the environment; the ebuild repository is not cached (emerge-webrsync checks its signature).
    cachedInstall:
      '{ [ -e /var/db/repos/gentoo/metadata/timestamp.x ] || emerge-webrsync --quiet; } && ' +
      'DISTDIR={cache}/distfiles PKGDIR={cache}/binpkgs ' +
      'emerge --ask=n --color=n --nospinner --quiet-build=y --getbinpkg=y --noreplace {packages}',
    noRecommends: '',
    clean: 'rm -rf /var/db/repos/gentoo /var/cache/distfiles/* /var/cache/binpkgs/*',
    short: 'emerge',
    // lib/_emerge/depgraph.py (github.com/gentoo/portage) writes `emerge: there are no ebuilds to satisfy "NAME".`
    // (`binary packages` under --usepkgonly), the name in quotes as given, a failed category guess's `null/` cut.
    // A dependency's atom (`">=dev-libs/foo-2"`, with `(dependency required by …)` after) is not a name anyone
    // wrote in packages:, so only what a package name can be is taken.
    notFound: [/^emerge: there are no (?:ebuilds|binary packages) to satisfy "([A-Za-z0-9][^"\s]*)"\.$/],
  },
  // Void (https://docs.voidlinux.org/xbps/index.html; sources: github.com/void-linux/xbps). xbps updates itself
  // in a transaction of its own and refuses any other while an update of xbps is pending ("The 'xbps' package
  // must be updated, please run `xbps-install -u xbps`", bin/xbps-install/transaction.c, lib/transaction_ops.c;
  // github.com/void-linux/void-packages/issues/29158 for an image build that met it), so: sync and update xbps
  // alone ("is up to date" when it is), then the rest of the system, as on Arch (Void is rolling: a new package
  // against old libraries is a partial update), then the packages; each step takes "already installed/up to
  // date" as success. xbps has no weak dependencies. The package cache goes after; the repository index in
  // /var/db/xbps stays, a few MB that xbps-install -S refreshes anyway. -y does not answer the question about
  // importing a repository's key, but the official repositories' key ships with xbps itself (data/Makefile
  // installs it into /var/db/xbps/keys); a repository of a root's own with another key is answered "no" (a
  // setup step reads /dev/null), and -S fails with "Failed to import pubkey from URL".
  xbps: {
    name: 'xbps',
    install: 'xbps-install -Syu xbps && xbps-install -yu && xbps-install -y {packages}',
    // xbps-install(1): --cachedir is where downloaded packages are kept (each one checked against the signed
    // repository index before use).
    cachedInstall:
      'xbps-install -Syu --cachedir {cache} xbps && xbps-install -yu --cachedir {cache} && ' +
      'xbps-install -y --cachedir {cache} {packages}',
    noRecommends: '',
    clean: 'rm -rf /var/cache/xbps/*',
    short: 'xbps-install',
    // xbps 0.60 prints it through xbps_error_printf, which adds "ERROR: "; 0.59.1 printed it bare.
    notFound: [/^(?:ERROR: )?Package '(\S+)' not found in repository pool\.$/],
  },
  none: { name: 'none', install: '', noRecommends: '', clean: '', short: '', notFound: [] },
};

// Names as the package managers themselves allow them (Debian policy is the strictest common subset, plus
// `=`/`:` for versions, architectures and slots, and `/` for Gentoo's category/name and apt's name/release);
// anything else is a typo or an injection attempt.
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9.+:=~_/-]*$/;

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

export interface InstallOptions {
  /** false: leave weak dependencies out (`install_recommends: false`), where the manager has them. Default true. */
  recommends?: boolean;
  /** A package cache's path in the cell (CELL_PACKAGE_CACHE): the manager's cachedInstall uses it, if it has one. */
  cache?: string;
}

/** Whether a manager can keep its downloads in a package cache (one mounted only when it can). */
export function usesCache(pm: PackageManagerName): boolean {
  return packageManagers[pm].cachedInstall !== undefined;
}

/** Blank names dropped (a `${{ matrix.extra }}` that a cell lacks), duplicates kept once. */
const namesOf = (packages: string[]): string[] => [...new Set(packages.map((p) => p.trim()).filter(Boolean))];

/**
 * The shell command that installs `packages` and cleans up after itself, or '' when there is nothing to
 * install.
 */
export function installScript(
  pm: PackageManager | PackageManagerName,
  packages: string[],
  options: InstallOptions = {},
): string {
  const manager = typeof pm === 'string' ? packageManagers[pm] : pm;
  const names = namesOf(packages);
  if (names.length === 0) return '';
  for (const name of names) {
    if (!PACKAGE_NAME.test(name)) {
      throw usageError('BAD_PACKAGE_NAME', `"${name}" is not a package name`, {
        hint: 'a package name is letters, digits and . + : = ~ _ / -, starting with a letter or digit',
      });
    }
  }
  if (manager.name === 'none' || !manager.install) {
    throw usageError('NO_PACKAGE_MANAGER', `cannot install ${names.join(', ')}: this distro has no package manager`, {
      hint: 'exclude the distro from cells that need packages, or install them from a setup step',
    });
  }
  const flag = options.recommends === false && manager.noRecommends ? [manager.noRecommends] : [];
  // The path goes into a shell command unquoted: only a plain absolute path is taken (vmatrix's own constant).
  if (options.cache !== undefined && !/^\/[A-Za-z0-9/_.-]+$/.test(options.cache))
    throw new Error(`package cache path ${options.cache} is not a plain absolute path`);
  const template = options.cache !== undefined && manager.cachedInstall ? manager.cachedInstall : manager.install;
  const install = template
    .replaceAll('{cache}', options.cache ?? '')
    .replace('{packages}', [...flag, ...names.map(quote)].join(' '));
  return manager.clean ? `${install} && ${manager.clean}` : install;
}

/** The install as a message names it: `apt-get install gcc libfoo-dev`. */
export function installSummary(pm: PackageManagerName, packages: string[]): string {
  return `${packageManagers[pm].short} ${namesOf(packages).join(' ')}`;
}

/** The packages an install's output says `pm` does not have, in the order it names them, each once. */
export function missingPackages(pm: PackageManagerName, output: string): string[] {
  const found = new Set<string>();
  for (const raw of output.split('\n')) {
    const line = shownLine(stripAnsi(raw)).trimEnd();
    for (const pattern of packageManagers[pm].notFound) {
      const name = pattern.exec(line)?.[1];
      if (name) found.add(name);
    }
  }
  return [...found];
}
