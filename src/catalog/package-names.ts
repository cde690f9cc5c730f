import type { PackageManagerName } from './types.js';

// One `packages:` list for every distro: common packages by their Debian name, and what each package
// manager installs for them. A manager a row does not name uses the Debian name unchanged; a name no
// row knows is passed through as written. `overrides:` are for everything else, and taken literally.
//
// A C or C++ compiler named here compiles and links on every family, whether or not weak dependencies are
// installed (`install_recommends`): Debian's gcc only recommends libc6-dev and Alpine's gcc does not pull
// in musl-dev, so those rows add them (Alpine's g++ row too: its libc-dev dependency is a virtual name, and
// saying musl-dev keeps the rule visible here). Debian's g++ gets libc6-dev through libstdc++-N-dev, dnf's
// and zypper's gcc require glibc-devel, and Arch's glibc ships its own headers. So do Gentoo's glibc and
// musl, and Void's gcc depends on glibc-devel or musl-devel (srcpkgs/gcc/template in void-packages).
//
// Gentoo names packages category/name, written out in full here: a bare name that two categories have is
// "ambiguous" to emerge. Most of these are in a stage3 already (emerge --noreplace then skips them). The
// categories are those of the gentoo repository today (make, cmake and meson live in dev-build/, clang in
// llvm-core/). Its gcc is C and C++ (USE=cxx, on by default) and its Python has venv and ensurepip; for
// cargo, rust-bin unpacks the Rust project's own build, so it needs no compiling whether or not the binary
// host has it. Void's gcc includes g++, and its base-devel is build-essential (gcc, make, pkg-config and the
// C library's headers: srcpkgs/base-devel/template in void-packages).

type Names = Partial<Record<Exclude<PackageManagerName, 'none'>, string[]>>;

const GCC_CXX = ['gcc', 'gcc-c++'];

export const packageNames: Record<string, Names> = {
  'build-essential': {
    apk: ['build-base'],
    dnf: [...GCC_CXX, 'make'],
    pacman: ['base-devel'],
    zypper: [...GCC_CXX, 'make'],
    emerge: ['sys-devel/gcc', 'dev-build/make'],
    xbps: ['base-devel'],
  },
  gcc: { apt: ['gcc', 'libc6-dev'], apk: ['gcc', 'musl-dev'], emerge: ['sys-devel/gcc'] },
  'g++': {
    apk: ['g++', 'musl-dev'],
    dnf: ['gcc-c++'],
    pacman: ['gcc'],
    zypper: ['gcc-c++'],
    emerge: ['sys-devel/gcc'],
    xbps: ['gcc'],
  },
  make: { emerge: ['dev-build/make'] },
  cmake: { emerge: ['dev-build/cmake'] },
  meson: { emerge: ['dev-build/meson'] },
  clang: { emerge: ['llvm-core/clang'] },
  'pkg-config': {
    apk: ['pkgconf'],
    dnf: ['pkgconf-pkg-config'],
    pacman: ['pkgconf'],
    emerge: ['dev-util/pkgconf'],
  },
  git: { emerge: ['dev-vcs/git'] },
  curl: { emerge: ['net-misc/curl'] },
  'ca-certificates': { emerge: ['app-misc/ca-certificates'] },
  'xz-utils': {
    apk: ['xz'],
    dnf: ['xz'],
    pacman: ['xz'],
    zypper: ['xz'],
    emerge: ['app-arch/xz-utils'],
    xbps: ['xz'],
  },
  python3: { pacman: ['python'], emerge: ['dev-lang/python'] },
  'python3-pip': { apk: ['py3-pip'], pacman: ['python-pip'], emerge: ['dev-python/pip'] },
  'python3-pytest': { apk: ['py3-pytest'], pacman: ['python-pytest'], emerge: ['dev-python/pytest'] },
  // Only Debian splits `python3 -m venv` out of Python.
  'python3-venv': {
    apk: ['python3'],
    dnf: ['python3'],
    pacman: ['python'],
    zypper: ['python3'],
    emerge: ['dev-lang/python'],
    xbps: ['python3'],
  },
  'golang-go': { apk: ['go'], dnf: ['golang'], pacman: ['go'], zypper: ['go'], emerge: ['dev-lang/go'], xbps: ['go'] },
  cargo: { pacman: ['rust'], emerge: ['dev-lang/rust-bin'] },
  'zlib1g-dev': {
    apk: ['zlib-dev'],
    dnf: ['zlib-devel'],
    pacman: ['zlib'],
    zypper: ['zlib-devel'],
    emerge: ['sys-libs/zlib'],
    xbps: ['zlib-devel'],
  },
  'libssl-dev': {
    apk: ['openssl-dev'],
    dnf: ['openssl-devel'],
    pacman: ['openssl'],
    zypper: ['libopenssl-devel'],
    emerge: ['dev-libs/openssl'],
    xbps: ['openssl-devel'],
  },
};

/** `packages` as `pm` names them: each known name mapped, unknown ones kept, duplicates dropped. */
export function mapPackageNames(pm: PackageManagerName, packages: string[]): string[] {
  const out = packages.flatMap((name) => {
    const row = Object.hasOwn(packageNames, name) ? packageNames[name] : undefined;
    return (pm === 'none' ? undefined : row?.[pm]) ?? [name];
  });
  return [...new Set(out)];
}
