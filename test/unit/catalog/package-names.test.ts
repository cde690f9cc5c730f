import { describe, expect, it } from 'vitest';
import { installScript, mapPackageNames, packageNames, type PackageManagerName } from '../../../src/catalog/index.js';

// One packages: list for every distro: what each package manager installs for the common Debian names.

const MANAGERS = ['apt', 'apk', 'dnf', 'pacman', 'zypper', 'emerge', 'xbps'] as const;

const EXPECTED: Record<string, Record<(typeof MANAGERS)[number], string[]>> = {
  'build-essential': {
    apt: ['build-essential'],
    apk: ['build-base'],
    dnf: ['gcc', 'gcc-c++', 'make'],
    pacman: ['base-devel'],
    zypper: ['gcc', 'gcc-c++', 'make'],
    emerge: ['sys-devel/gcc', 'dev-build/make'],
    xbps: ['base-devel'],
  },
  python3: {
    apt: ['python3'],
    apk: ['python3'],
    dnf: ['python3'],
    pacman: ['python'],
    zypper: ['python3'],
    emerge: ['dev-lang/python'],
    xbps: ['python3'],
  },
  'python3-pip': {
    apt: ['python3-pip'],
    apk: ['py3-pip'],
    dnf: ['python3-pip'],
    pacman: ['python-pip'],
    zypper: ['python3-pip'],
    emerge: ['dev-python/pip'],
    xbps: ['python3-pip'],
  },
  'python3-venv': {
    apt: ['python3-venv'],
    apk: ['python3'],
    dnf: ['python3'],
    pacman: ['python'],
    zypper: ['python3'],
    emerge: ['dev-lang/python'],
    xbps: ['python3'],
  },
  git: {
    apt: ['git'],
    apk: ['git'],
    dnf: ['git'],
    pacman: ['git'],
    zypper: ['git'],
    emerge: ['dev-vcs/git'],
    xbps: ['git'],
  },
  cmake: {
    apt: ['cmake'],
    apk: ['cmake'],
    dnf: ['cmake'],
    pacman: ['cmake'],
    zypper: ['cmake'],
    emerge: ['dev-build/cmake'],
    xbps: ['cmake'],
  },
  // The init starters' packages (templates/init/).
  meson: {
    apt: ['meson'],
    apk: ['meson'],
    dnf: ['meson'],
    pacman: ['meson'],
    zypper: ['meson'],
    emerge: ['dev-build/meson'],
    xbps: ['meson'],
  },
  clang: {
    apt: ['clang'],
    apk: ['clang'],
    dnf: ['clang'],
    pacman: ['clang'],
    zypper: ['clang'],
    emerge: ['llvm-core/clang'],
    xbps: ['clang'],
  },
  'pkg-config': {
    apt: ['pkg-config'],
    apk: ['pkgconf'],
    dnf: ['pkgconf-pkg-config'],
    pacman: ['pkgconf'],
    zypper: ['pkg-config'],
    emerge: ['dev-util/pkgconf'],
    xbps: ['pkg-config'],
  },
  curl: {
    apt: ['curl'],
    apk: ['curl'],
    dnf: ['curl'],
    pacman: ['curl'],
    zypper: ['curl'],
    emerge: ['net-misc/curl'],
    xbps: ['curl'],
  },
  make: {
    apt: ['make'],
    apk: ['make'],
    dnf: ['make'],
    pacman: ['make'],
    zypper: ['make'],
    emerge: ['dev-build/make'],
    xbps: ['make'],
  },
  // A compiler brings its C library's headers (package-names.ts says why only these two rows add them).
  gcc: {
    apt: ['gcc', 'libc6-dev'],
    apk: ['gcc', 'musl-dev'],
    dnf: ['gcc'],
    pacman: ['gcc'],
    zypper: ['gcc'],
    emerge: ['sys-devel/gcc'],
    xbps: ['gcc'],
  },
  'g++': {
    apt: ['g++'],
    apk: ['g++', 'musl-dev'],
    dnf: ['gcc-c++'],
    pacman: ['gcc'],
    zypper: ['gcc-c++'],
    emerge: ['sys-devel/gcc'],
    xbps: ['gcc'],
  },
  cargo: {
    apt: ['cargo'],
    apk: ['cargo'],
    dnf: ['cargo'],
    pacman: ['rust'],
    zypper: ['cargo'],
    emerge: ['dev-lang/rust-bin'],
    xbps: ['cargo'],
  },
  'libssl-dev': {
    apt: ['libssl-dev'],
    apk: ['openssl-dev'],
    dnf: ['openssl-devel'],
    pacman: ['openssl'],
    zypper: ['libopenssl-devel'],
    emerge: ['dev-libs/openssl'],
    xbps: ['openssl-devel'],
  },
};

describe('mapPackageNames', () => {
  for (const [name, byManager] of Object.entries(EXPECTED)) {
    it(`maps ${name} for every package manager`, () => {
      for (const pm of MANAGERS) expect(mapPackageNames(pm, [name]), pm).toEqual(byManager[pm]);
    });
  }

  it('gives emerge every common name as category/name (a bare name can be ambiguous)', () => {
    for (const [name, row] of Object.entries(packageNames)) {
      expect(row.emerge, name).toBeDefined();
      for (const atom of row.emerge!) expect(atom, name).toMatch(/^(?:[a-z0-9]+-[a-z0-9]+|virtual)\/[\w+-]+$/);
    }
  });

  it('passes names it does not know through, in order', () => {
    expect(mapPackageNames('dnf', ['libfoo-devel', 'g++', 'zstd'])).toEqual(['libfoo-devel', 'gcc-c++', 'zstd']);
    expect(mapPackageNames('apk', ['constructor', 'toString'])).toEqual(['constructor', 'toString']);
  });

  it('lists a package once when two names map to it', () => {
    expect(mapPackageNames('dnf', ['build-essential', 'gcc', 'g++', 'make'])).toEqual(['gcc', 'gcc-c++', 'make']);
    expect(mapPackageNames('pacman', ['gcc', 'g++'])).toEqual(['gcc']);
    expect(mapPackageNames('apk', ['gcc', 'g++', 'build-essential'])).toEqual(['gcc', 'musl-dev', 'g++', 'build-base']);
    expect(mapPackageNames('emerge', ['build-essential', 'gcc', 'g++', 'make'])).toEqual([
      'sys-devel/gcc',
      'dev-build/make',
    ]);
    expect(mapPackageNames('xbps', ['gcc', 'g++', 'python3', 'python3-venv'])).toEqual(['gcc', 'python3']);
  });

  it('gives apt the Debian names, plus what a compiler needs, and leaves a distro without a package manager alone', () => {
    expect(mapPackageNames('apt', ['build-essential', 'python3-pip', 'gcc'])).toEqual([
      'build-essential',
      'python3-pip',
      'gcc',
      'libc6-dev',
    ]);
    expect(mapPackageNames('none', ['build-essential', 'gcc'])).toEqual(['build-essential', 'gcc']);
  });

  it('maps only to names the install command accepts', () => {
    const names = Object.keys(packageNames);
    for (const pm of MANAGERS satisfies readonly PackageManagerName[]) {
      expect(() => installScript(pm, mapPackageNames(pm, names)), pm).not.toThrow();
    }
  });
});
