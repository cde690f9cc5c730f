import type { Component, InstalledPackage } from './types.js';

// The C library and the compilers (C, C++, Go, Rust) among a package manager's packages, by the names each
// family gives them.
// Debian's `gcc` and `clang` are only dependencies on gcc-N and clang-N, which are the compilers themselves.

interface Names {
  /** The packages that are the C library, most likely first (Arch may have musl beside its glibc). */
  libc: [string, 'glibc' | 'musl'][];
  compiler: (name: string) => 'gcc' | 'clang' | undefined;
}

const families: Record<string, Names> = {
  apt: {
    libc: [['libc6', 'glibc']],
    compiler: (n) => (/^gcc-\d+$/.test(n) ? 'gcc' : /^clang-\d+$/.test(n) ? 'clang' : undefined),
  },
  apk: {
    libc: [['musl', 'musl']],
    compiler: (n) => (n === 'gcc' ? 'gcc' : /^clang\d*$/.test(n) ? 'clang' : undefined),
  },
  pacman: {
    libc: [
      ['glibc', 'glibc'],
      ['musl', 'musl'],
    ],
    compiler: plain,
  },
  xbps: {
    libc: [
      ['glibc', 'glibc'],
      ['musl', 'musl'],
    ],
    compiler: plain,
  },
  // Fedora, EL and Amazon Linux: `gcc` and `clang` are the compilers themselves (gcc-c++ is only g++ beside
  // gcc). openSUSE's `gcc` and `clang` are only dependencies on its versioned gcc14, clang19, listed too.
  dnf: { libc: [['glibc', 'glibc']], compiler: plain },
  zypper: {
    libc: [['glibc', 'glibc']],
    compiler: (n) => (/^gcc\d*$/.test(n) ? 'gcc' : /^clang\d*$/.test(n) ? 'clang' : undefined),
  },
  emerge: {
    libc: [
      ['sys-libs/glibc', 'glibc'],
      ['sys-libs/musl', 'musl'],
    ],
    compiler: (n) =>
      n === 'sys-devel/gcc' ? 'gcc' : n === 'sys-devel/clang' || n === 'llvm-core/clang' ? 'clang' : undefined,
  },
};

families.yum = families.dnf;

function plain(name: string): 'gcc' | 'clang' | undefined {
  return name === 'gcc' || name === 'clang' ? name : undefined;
}

/**
 * The C library among `packages`. With several arches of it (Debian's multiarch libc6:i386 beside libc6),
 * the one of the arch most packages have, which is the root's own.
 */
export function libcOf(packageManager: string, packages: readonly InstalledPackage[]): Component | undefined {
  const native = commonest(packages.map((p) => p.arch));
  for (const [from, name] of families[packageManager]?.libc ?? []) {
    const found = packages.filter((p) => p.name === from);
    const p = found.find((f) => f.arch === native) ?? found[0];
    if (p) return { name, version: p.version, from };
  }
  return undefined;
}

/** The compilers among `packages`, by name then version. */
export function compilersOf(packageManager: string, packages: readonly InstalledPackage[]): Component[] {
  const compiler = families[packageManager]?.compiler;
  if (!compiler) return [];
  const out = new Map<string, Component>();
  for (const p of packages) {
    const name = compiler(p.name) ?? languageCompiler(p.name);
    if (name) out.set(`${p.name} ${p.version}`, { name, version: p.version, from: p.name });
  }
  return [...out.values()].sort(
    (a, b) => byText(a.name, b.name) || a.version.localeCompare(b.version, 'en', { numeric: true }),
  );
}

/**
 * The Go and Rust compilers, in every family's names: Debian's golang-1.19-go (its `golang-go` is only a
 * dependency on it) and rustc; Alpine's, Arch's and Void's go and rust; Fedora's golang; Gentoo's dev-lang/go,
 * dev-lang/rust and rust-bin.
 */
function languageCompiler(name: string): 'go' | 'rust' | undefined {
  if (/^(?:golang-\d+\.\d+-go|go|golang|dev-lang\/go)$/.test(name)) return 'go';
  if (/^(?:rustc|rust|dev-lang\/rust(?:-bin)?)$/.test(name)) return 'rust';
  return undefined;
}

function commonest(values: (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
