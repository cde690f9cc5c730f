import { describe, expect, it } from 'vitest';
import type { DistroEntry, PackageManagerName } from '../../../src/catalog/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { expandMatrix } from '../../../src/matrix/index.js';
import { recipeFor } from '../../../src/plan/recipe.js';

// A cell's recipe: placeholders substituted, then package names mapped to its distro's package manager
// (what the layer key sees), unless an override wrote the list for that distro.

function recipe(yaml: string, distro: { name: string; family: string; pm: PackageManagerName }) {
  const config = parseConfig(`distros: [${distro.name}]\ntest: make\n${yaml}`, 'vmatrix.yml');
  const entry = { name: distro.name, family: distro.family, packageManager: distro.pm } as DistroEntry;
  return recipeFor(config, entry, expandMatrix(config)[0]!);
}

const ALPINE = { name: 'alpine-3.20', family: 'alpine', pm: 'apk' } as const;
const FEDORA = { name: 'fedora-41', family: 'fedora', pm: 'dnf' } as const;

describe('recipeFor', () => {
  it("maps common package names to the distro's, after placeholders", () => {
    expect(
      recipe('matrix: { cxx: [g++] }\npackages: [build-essential, python3-pip, "${{ matrix.cxx }}", libfoo]', ALPINE)
        .packages,
    ).toEqual(['build-base', 'py3-pip', 'g++', 'musl-dev', 'libfoo']);
    expect(
      recipe('matrix: { cxx: [g++] }\npackages: [build-essential, pkg-config, "${{ matrix.cxx }}"]', FEDORA).packages,
    ).toEqual(['gcc', 'gcc-c++', 'make', 'pkgconf-pkg-config']);
  });

  it('maps to Gentoo atoms and Void names, and an override still wins', () => {
    const GENTOO = { name: 'gentoo-openrc', family: 'gentoo', pm: 'emerge' } as const;
    const VOID = { name: 'void-musl', family: 'void', pm: 'xbps' } as const;
    expect(recipe('packages: [build-essential, cmake, libssl-dev, libfoo]', GENTOO).packages).toEqual([
      'sys-devel/gcc',
      'dev-build/make',
      'dev-build/cmake',
      'dev-libs/openssl',
      'libfoo',
    ]);
    expect(recipe('packages: [build-essential, g++, zlib1g-dev]', VOID).packages).toEqual([
      'base-devel',
      'gcc',
      'zlib-devel',
    ]);
    const yaml = 'packages: [cmake]\noverrides: { gentoo: { packages: [dev-build/cmake, app-misc/foo] } }';
    expect(recipe(yaml, GENTOO).packages).toEqual(['dev-build/cmake', 'app-misc/foo']);
    expect(recipe(yaml, VOID).packages).toEqual(['cmake']);
  });

  it('takes the packages an override gives as written', () => {
    const yaml = 'packages: [build-essential]\noverrides: { alpine: { packages: [build-essential, musl-dev] } }';
    expect(recipe(yaml, ALPINE).packages).toEqual(['build-essential', 'musl-dev']);
    expect(recipe(yaml, FEDORA).packages).toEqual(['gcc', 'gcc-c++', 'make']);
  });

  it.each([
    { pm: 'apt', family: 'debian', name: 'debian-12', leftOut: true },
    { pm: 'dnf', family: 'fedora', name: 'fedora-41', leftOut: true },
    { pm: 'zypper', family: 'opensuse', name: 'opensuse-tumbleweed', leftOut: true },
    { pm: 'apk', family: 'alpine', name: 'alpine-3.20', leftOut: false },
    { pm: 'pacman', family: 'arch', name: 'archlinux', leftOut: false },
    { pm: 'emerge', family: 'gentoo', name: 'gentoo-openrc', leftOut: false },
    { pm: 'xbps', family: 'void', name: 'void-glibc', leftOut: false },
  ] as const)(
    'on $pm, records install_recommends: false only where it leaves something out',
    ({ leftOut, ...distro }) => {
      expect(recipe('packages: [gcc]', distro)).not.toHaveProperty('installRecommends');
      expect(recipe('packages: [gcc]\ninstall_recommends: true', distro)).not.toHaveProperty('installRecommends');
      const off = recipe('packages: [gcc]\ninstall_recommends: false', distro);
      if (leftOut) expect(off.installRecommends).toBe(false);
      else expect(off).not.toHaveProperty('installRecommends');
      expect(recipe('install_recommends: false\nsetup: make deps', distro)).not.toHaveProperty('installRecommends');
    },
  );

  it('takes install_recommends from a matching override', () => {
    const yaml = 'packages: [gcc]\noverrides: { "fedora-*": { install_recommends: false } }';
    expect(recipe(yaml, FEDORA).installRecommends).toBe(false);
    expect(recipe(yaml, { name: 'debian-12', family: 'debian', pm: 'apt' })).not.toHaveProperty('installRecommends');
  });

  it('still maps when a matching override changes only env or setup', () => {
    expect(recipe('packages: [python3]\noverrides: { alpine-*: { env: { X: "1" } } }', ALPINE).packages).toEqual([
      'python3',
    ]);
    expect(recipe('packages: [python3-pip]\noverrides: { alpine-*: { setup: ["echo hi"] } }', ALPINE).packages).toEqual(
      ['py3-pip'],
    );
  });
});
