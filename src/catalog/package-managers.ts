import { usageError } from '../util/errors.js';
import type { PackageManager, PackageManagerName } from './types.js';

// Package managers as data: one install command, the option that leaves weak dependencies out, and one
// clean command each. `{packages}` becomes the quoted names. The install command installs what the
// distro's own does by default, Recommends and weak deps included: Debian's gcc, for one, only recommends
// the C library's headers, so leaving them out by default gives a compiler that cannot link.

export const packageManagers: Record<PackageManagerName, PackageManager> = {
  apt: {
    name: 'apt',
    install: 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {packages}',
    noRecommends: '--no-install-recommends',
    clean: 'apt-get clean && rm -rf /var/lib/apt/lists/*',
  },
  // --no-cache leaves no index behind, so there is nothing to clean. apk has no weak dependencies.
  apk: { name: 'apk', install: 'apk add --no-cache {packages}', noRecommends: '', clean: '' },
  dnf: { name: 'dnf', install: 'dnf install -y {packages}', noRecommends: '--setopt=install_weak_deps=False', clean: 'dnf clean all' },
  // -Syu, not -Sy: on a rolling distro a new package against old libraries is a partial upgrade, which Arch
  // does not support. `pacman -Scc --noconfirm` answers its own questions "no", so the cache goes by hand.
  // pacman's optional dependencies are never installed by themselves.
  pacman: {
    name: 'pacman', install: 'pacman -Syu --noconfirm --needed {packages}', noRecommends: '',
    clean: 'rm -rf /var/cache/pacman/pkg/* /var/lib/pacman/sync/*',
  },
  zypper: { name: 'zypper', install: 'zypper --non-interactive install {packages}', noRecommends: '--no-recommends', clean: 'zypper clean -a' },
  none: { name: 'none', install: '', noRecommends: '', clean: '' },
};

// Names as the package managers themselves allow them (Debian policy is the strictest common subset,
// plus `=`/`:` for versions and architectures); anything else is a typo or an injection attempt.
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9.+:=~_-]*$/;

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

export interface InstallOptions {
  /** false: leave weak dependencies out (`install_recommends: false`), where the manager has them. Default true. */
  recommends?: boolean;
}

/**
 * The shell command that installs `packages` and cleans up after itself, or '' when there is nothing to
 * install. Blank names are dropped (a `${{ matrix.extra }}` that a cell lacks), duplicates kept once.
 */
export function installScript(pm: PackageManager | PackageManagerName, packages: string[], options: InstallOptions = {}): string {
  const manager = typeof pm === 'string' ? packageManagers[pm] : pm;
  const names = [...new Set(packages.map((p) => p.trim()).filter(Boolean))];
  if (names.length === 0) return '';
  for (const name of names) {
    if (!PACKAGE_NAME.test(name)) {
      throw usageError('BAD_PACKAGE_NAME', `"${name}" is not a package name`, {
        hint: 'a package name is letters, digits and . + : = ~ _ -, starting with a letter or digit',
      });
    }
  }
  if (manager.name === 'none' || !manager.install) {
    throw usageError('NO_PACKAGE_MANAGER', `cannot install ${names.join(', ')}: this distro has no package manager`, {
      hint: 'exclude the distro from cells that need packages, or install them from a setup step',
    });
  }
  const flag = options.recommends === false && manager.noRecommends ? [manager.noRecommends] : [];
  const install = manager.install.replace('{packages}', [...flag, ...names.map(quote)].join(' '));
  return manager.clean ? `${install} && ${manager.clean}` : install;
}
