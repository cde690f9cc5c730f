// What a cell had installed, read on the host from its image and setup layer without running anything in it
// (see types.ts for the shapes): each package manager's database read through the overlay's layers
// (overlay.ts) without following a link out of them (rpm's sqlite one opened in memory by sql.js: rpm.ts),
// then the C library and the compilers among the packages.
import { inertLine } from '../util/inert.js';
import { readApk } from './apk.js';
import { byText, compilersOf, libcOf } from './components.js';
import { readDpkg } from './dpkg.js';
import { libcFromFiles } from './libc.js';
import { OverlayView } from './overlay.js';
import { readPacman } from './pacman.js';
import { readPortage } from './portage.js';
import { readRpm } from './rpm.js';
import type { InstalledPackage, PackageInventory } from './types.js';
import { readXbps } from './xbps.js';

export type { CellInventory, Component, InstalledPackage, PackageInventory } from './types.js';

type Reader = (view: OverlayView) => Promise<InstalledPackage[]>;

/** Each catalog package manager: the reader of its database, or why there is none. */
const readers: Record<string, Reader | string> = {
  apt: readDpkg,
  apk: readApk,
  pacman: readPacman,
  xbps: readXbps,
  emerge: readPortage,
  dnf: readRpm,
  yum: readRpm,
  zypper: readRpm,
  none: 'the image has no package manager',
};

/**
 * The packages, C library and compilers of the root whose read-only layers are `lowerdirs` (newest first,
 * exactly as an overlayfs lowerdir list: setup layer diff, then image rootfs). Starts no process and never
 * throws: what could not be read is said in `packagesNote`.
 */
export async function readPackageInventory(
  lowerdirs: readonly string[],
  packageManager: string,
): Promise<PackageInventory> {
  const view = new OverlayView(lowerdirs);
  const reader = readers[packageManager] ?? `no reader for the package manager ${JSON.stringify(packageManager)}`;
  let packages: InstalledPackage[] = [];
  if (typeof reader === 'string') view.note(reader);
  else packages = sortedUnique(await reader(view).catch((e: Error) => failed(view, e, [])));
  const libc =
    libcOf(packageManager, packages) ?? (await libcFromFiles(view).catch((e: Error) => failed(view, e, undefined)));
  const note = view.notes.join('; ');
  return {
    packageManager,
    packages,
    ...(note && { packagesNote: note }),
    ...(libc && { libc }),
    compilers: compilersOf(packageManager, packages),
  };
}

/** An error no reader expected (they note what they refuse): said, not thrown. */
function failed<T>(view: OverlayView, e: Error, instead: T): T {
  view.note(`not read: ${inertLine(e.message)}`);
  return instead;
}

/** By name, then arch; an entry listed twice kept once. */
function sortedUnique(packages: InstalledPackage[]): InstalledPackage[] {
  const sorted = [...packages].sort((a, b) => byText(a.name, b.name) || byText(a.arch ?? '', b.arch ?? ''));
  return sorted.filter(
    (p, i) =>
      i === 0 ||
      !(p.name === sorted[i - 1].name && p.arch === sorted[i - 1].arch && p.version === sorted[i - 1].version),
  );
}
