import type { PackageManagerName } from './types.js';

// One `packages:` list for every distro: common packages by their Debian name, and what each package
// manager installs for them. A manager a row does not name uses the Debian name unchanged; a name no
// row knows is passed through as written. `overrides:` are for everything else, and taken literally.
//
// A C or C++ compiler named here compiles and links on every family, whether or not weak dependencies are
// installed (`install_recommends`): Debian's gcc only recommends libc6-dev and Alpine's gcc does not pull
// in musl-dev, so those rows add them (Alpine's g++ row too: its libc-dev dependency is a virtual name, and
// saying musl-dev keeps the rule visible here). Debian's g++ gets libc6-dev through libstdc++-N-dev, dnf's
// and zypper's gcc require glibc-devel, and Arch's glibc ships its own headers.

type Names = Partial<Record<Exclude<PackageManagerName, 'none'>, string[]>>;

const GCC_CXX = ['gcc', 'gcc-c++'];

export const packageNames: Record<string, Names> = {
  'build-essential': {
    apk: ['build-base'],
    dnf: [...GCC_CXX, 'make'],
    pacman: ['base-devel'],
    zypper: [...GCC_CXX, 'make'],
  },
  gcc: { apt: ['gcc', 'libc6-dev'], apk: ['gcc', 'musl-dev'] },
  'g++': { apk: ['g++', 'musl-dev'], dnf: ['gcc-c++'], pacman: ['gcc'], zypper: ['gcc-c++'] },
  make: {},
  cmake: {},
  'pkg-config': { apk: ['pkgconf'], dnf: ['pkgconf-pkg-config'], pacman: ['pkgconf'] },
  git: {},
  curl: {},
  'ca-certificates': {},
  'xz-utils': { apk: ['xz'], dnf: ['xz'], pacman: ['xz'], zypper: ['xz'] },
  python3: { pacman: ['python'] },
  'python3-pip': { apk: ['py3-pip'], pacman: ['python-pip'] },
  // Only Debian splits `python3 -m venv` out of Python.
  'python3-pytest': { apk: ['py3-pytest'], pacman: ['python-pytest'] },
  'python3-venv': { apk: ['python3'], dnf: ['python3'], pacman: ['python'], zypper: ['python3'] },
  'golang-go': { apk: ['go'], dnf: ['golang'], pacman: ['go'], zypper: ['go'] },
  cargo: { pacman: ['rust'] },
  'zlib1g-dev': { apk: ['zlib-dev'], dnf: ['zlib-devel'], pacman: ['zlib'], zypper: ['zlib-devel'] },
  'libssl-dev': { apk: ['openssl-dev'], dnf: ['openssl-devel'], pacman: ['openssl'], zypper: ['libopenssl-devel'] },
};

/** `packages` as `pm` names them: each known name mapped, unknown ones kept, duplicates dropped. */
export function mapPackageNames(pm: PackageManagerName, packages: string[]): string[] {
  const out = packages.flatMap((name) => {
    const row = Object.hasOwn(packageNames, name) ? packageNames[name] : undefined;
    return (pm === 'none' ? undefined : row?.[pm]) ?? [name];
  });
  return [...new Set(out)];
}
