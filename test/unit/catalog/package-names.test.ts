import { describe, expect, it } from 'vitest';
import { installScript, mapPackageNames, packageNames, type PackageManagerName } from '../../../src/catalog/index.js';

// One packages: list for every distro: what each package manager installs for the common Debian names.

const MANAGERS = ['apt', 'apk', 'dnf', 'pacman', 'zypper'] as const;

const EXPECTED: Record<string, Record<(typeof MANAGERS)[number], string[]>> = {
  'build-essential': {
    apt: ['build-essential'],
    apk: ['build-base'],
    dnf: ['gcc', 'gcc-c++', 'make'],
    pacman: ['base-devel'],
    zypper: ['gcc', 'gcc-c++', 'make'],
  },
  python3: { apt: ['python3'], apk: ['python3'], dnf: ['python3'], pacman: ['python'], zypper: ['python3'] },
  'python3-pip': {
    apt: ['python3-pip'],
    apk: ['py3-pip'],
    dnf: ['python3-pip'],
    pacman: ['python-pip'],
    zypper: ['python3-pip'],
  },
  'python3-venv': {
    apt: ['python3-venv'],
    apk: ['python3'],
    dnf: ['python3'],
    pacman: ['python'],
    zypper: ['python3'],
  },
  git: { apt: ['git'], apk: ['git'], dnf: ['git'], pacman: ['git'], zypper: ['git'] },
  cmake: { apt: ['cmake'], apk: ['cmake'], dnf: ['cmake'], pacman: ['cmake'], zypper: ['cmake'] },
  'pkg-config': {
    apt: ['pkg-config'],
    apk: ['pkgconf'],
    dnf: ['pkgconf-pkg-config'],
    pacman: ['pkgconf'],
    zypper: ['pkg-config'],
  },
  curl: { apt: ['curl'], apk: ['curl'], dnf: ['curl'], pacman: ['curl'], zypper: ['curl'] },
  make: { apt: ['make'], apk: ['make'], dnf: ['make'], pacman: ['make'], zypper: ['make'] },
  // A compiler brings its C library's headers (package-names.ts says why only these two rows add them).
  gcc: { apt: ['gcc', 'libc6-dev'], apk: ['gcc', 'musl-dev'], dnf: ['gcc'], pacman: ['gcc'], zypper: ['gcc'] },
  'g++': { apt: ['g++'], apk: ['g++', 'musl-dev'], dnf: ['gcc-c++'], pacman: ['gcc'], zypper: ['gcc-c++'] },
};

describe('mapPackageNames', () => {
  for (const [name, byManager] of Object.entries(EXPECTED)) {
    it(`maps ${name} for every package manager`, () => {
      for (const pm of MANAGERS) expect(mapPackageNames(pm, [name]), pm).toEqual(byManager[pm]);
    });
  }

  it('passes names it does not know through, in order', () => {
    expect(mapPackageNames('dnf', ['libfoo-devel', 'g++', 'zstd'])).toEqual(['libfoo-devel', 'gcc-c++', 'zstd']);
    expect(mapPackageNames('apk', ['constructor', 'toString'])).toEqual(['constructor', 'toString']);
  });

  it('lists a package once when two names map to it', () => {
    expect(mapPackageNames('dnf', ['build-essential', 'gcc', 'g++', 'make'])).toEqual(['gcc', 'gcc-c++', 'make']);
    expect(mapPackageNames('pacman', ['gcc', 'g++'])).toEqual(['gcc']);
    expect(mapPackageNames('apk', ['gcc', 'g++', 'build-essential'])).toEqual(['gcc', 'musl-dev', 'g++', 'build-base']);
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
