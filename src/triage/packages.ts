import type { CellInventory, Component } from '../inventory/types.js';
import { envName } from '../matrix/env.js';
import type { CellResult } from '../results/types.js';
import { maskCellNames } from './mask.js';
import type {
  CompilerDifference,
  EnvDifference,
  LibcDifference,
  PackageDifference,
  PackageDifferences,
  PackageRank,
} from './types.js';

// Two cells' inventories compared: the C library, the compilers, every package ranked by how likely it is to
// explain a failure (C library, then the toolchain, then libraries, then the rest), and the environment.

const LIBC = new Set([
  'libc6',
  'libc-bin',
  'libc6-dev',
  'libc-dev-bin',
  'libc6-dbg',
  'libc-devtools',
  'libc-dev',
  'libc-utils',
  'uclibc-ng',
  'sys-libs/glibc',
  'sys-libs/musl',
]);

/** The C and C++ toolchain: compilers, binutils, build tools and the compilers' runtime libraries. */
const TOOLCHAIN = new RegExp(
  '^(?:sys-devel/|dev-build/)?' +
    '(?:gcc|g\\+\\+|cpp|clang|llvm|lld|binutils|cmake|make|ninja|meson|libstdc\\+\\+|libgcc|pkg-?config|pkgconf' +
    '|autoconf|automake|libtool)(?:$|[-_.0-9:])',
);

/**
 * Language toolchains, named exactly (a prefix such as `go` or `perl` would take in `go-md2man` and every Perl
 * module): Go, Rust, Python, Node.js, Java, Ruby, Perl, PHP, Erlang, Haskell, in Debian's, Alpine's, Fedora's,
 * Arch's and Gentoo's spellings.
 */
const LANGUAGE = new RegExp(
  '^(?:dev-lang/)?(?:golang(?:-[0-9.]+)?(?:-go|-src)?|go|rust|rustc|cargo|python[0-9.]*(?:-minimal)?' +
    '|libpython[0-9.]+(?:-stdlib|-minimal)?|nodejs|nodejs-current|java-[0-9]+-openjdk(?:-devel|-headless)?' +
    '|openjdk[0-9-]*(?:-jdk|-jre)?(?:-headless)?|default-jdk|ruby[0-9.]*|perl|perl-base|php[0-9.]*(?:-cli)?' +
    '|erlang(?:-base)?|ghc)$',
);

const RANK_ORDER: readonly PackageRank[] = ['libc', 'requested', 'toolchain', 'library', 'other'];

/** How telling a difference in this package is; `requested`: the packages the cells' configs asked for. */
export function packageRank(name: string, requested: ReadonlySet<string> = new Set()): PackageRank {
  if (LIBC.has(name) || /^(?:glibc|musl)(?:$|-)/.test(name)) return 'libc';
  if (requested.has(name)) return 'requested';
  if (TOOLCHAIN.test(name) || LANGUAGE.test(name)) return 'toolchain';
  if (/^(?:[a-z0-9-]+\/)?lib/.test(name)) return 'library';
  return 'other';
}

function byRank(a: PackageDifference, b: PackageDifference): number {
  return RANK_ORDER.indexOf(a.rank) - RANK_ORDER.indexOf(b.rank) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Name → version(s): a package installed for several arches with several versions lists them all. */
function versions(inv: CellInventory): Map<string, string> {
  const all = new Map<string, string[]>();
  for (const p of inv.packages) {
    const list = all.get(p.name) ?? [];
    if (!list.includes(p.version)) list.push(p.version);
    all.set(p.name, list);
  }
  return new Map([...all].map(([name, list]) => [name, list.sort().join(', ')]));
}

/** A package as a config names it, without a version or arch it may pin (`gcc=4:12.2.0-3`, `libc6:i386`). */
function packageName(asked: string): string {
  return asked.split(/[=<>:~\s]/)[0];
}

/** Every package that differs, most telling first. */
export function packageDifferences(failing: CellInventory, passing: CellInventory): PackageDifferences {
  const f = versions(failing);
  const p = versions(passing);
  const requested = new Set([...(failing.requested ?? []), ...(passing.requested ?? [])].map(packageName));
  const differences: PackageDifference[] = [];
  for (const name of new Set([...f.keys(), ...p.keys()])) {
    const a = f.get(name);
    const b = p.get(name);
    if (a === b) continue;
    differences.push({
      name,
      rank: packageRank(name, requested),
      ...(a !== undefined && { failing: a }),
      ...(b !== undefined && { passing: b }),
    });
  }
  differences.sort(byRank);
  return { total: differences.length, differences };
}

function sameComponent(a: Component | undefined, b: Component | undefined): boolean {
  return a?.name === b?.name && a?.version === b?.version;
}

export function libcDifference(failing: CellInventory, passing: CellInventory): LibcDifference | undefined {
  if (sameComponent(failing.libc, passing.libc)) return undefined;
  return { ...(failing.libc && { failing: failing.libc }), ...(passing.libc && { passing: passing.libc }) };
}

/** Per compiler name, when its versions differ (or it is in one cell only). */
export function compilerDifferences(failing: CellInventory, passing: CellInventory): CompilerDifference[] {
  const names = [...new Set([...failing.compilers, ...passing.compilers].map((c) => c.name))].sort();
  const key = (list: Component[]): string =>
    list
      .map((c) => c.version)
      .sort()
      .join('\n');
  return names.flatMap((name) => {
    const f = failing.compilers.filter((c) => c.name === name);
    const p = passing.compilers.filter((c) => c.name === name);
    return key(f) === key(p) ? [] : [{ name, failing: f, passing: p }];
  });
}

/** Variables that differ between cells by design: vmatrix's own, the hostname (the cell's slug). */
const BY_DESIGN = new Set(['VMATRIX_CELL', 'VMATRIX_DISTRO', 'VMATRIX_ARCH', 'VMATRIX_ATTEMPT', 'HOSTNAME']);

/**
 * The test steps' variables that differ, leaving out those that differ by design: vmatrix's per-cell ones, the
 * hostname, and the axes' variables (`CC` for axis `cc`: the axis difference already says it). A value that differs
 * only by the cell's own id or slug is the same.
 */
export function envDifferences(
  failing: { inv: CellInventory; cell: CellResult },
  passing: { inv: CellInventory; cell: CellResult },
): EnvDifference[] {
  const axes = new Set(
    [...Object.keys(failing.cell.axes), ...Object.keys(passing.cell.axes)].filter((a) => a !== 'arch').map(envName),
  );
  const names = [...new Set([...Object.keys(failing.inv.env), ...Object.keys(passing.inv.env)])].sort();
  return names.flatMap((name) => {
    if (BY_DESIGN.has(name) || axes.has(name)) return [];
    const a = Object.hasOwn(failing.inv.env, name) ? failing.inv.env[name] : undefined;
    const b = Object.hasOwn(passing.inv.env, name) ? passing.inv.env[name] : undefined;
    if (a !== undefined && b !== undefined && maskCellNames(a, failing.cell) === maskCellNames(b, passing.cell))
      return [];
    if (a === undefined && b === undefined) return [];
    return [{ name, ...(a !== undefined && { failing: a }), ...(b !== undefined && { passing: b }) }];
  });
}
