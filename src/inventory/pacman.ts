import type { InstalledPackage } from './types.js';
import type { OverlayView } from './overlay.js';
import { PACKAGE_FILE_CAP } from './read.js';

// pacman's local database (libalpm's be_local.c): /var/lib/pacman/local/<name>-<pkgver>-<pkgrel>/ per
// installed package, whose `desc` holds `%NAME%`, `%VERSION%`, `%ARCH%`… each followed by its value lines
// and a blank line. ALPM_DB_VERSION beside the packages is a file, not a package. A package whose desc cannot
// be read is named from its directory (a name may hold '-', a version and a release cannot).

const LOCAL = '/var/lib/pacman/local';

export async function readPacman(view: OverlayView): Promise<InstalledPackage[]> {
  const local = await view.dir(LOCAL);
  const names = local && (await view.list('.', { from: local }));
  if (!local || !names) {
    if (!local) view.note(`${LOCAL}: not found`);
    return [];
  }
  const out: InstalledPackage[] = [];
  for (const entry of names) {
    const dir = await view.dir(entry, local);
    if (!dir) continue; // ALPM_DB_VERSION, or a stray file
    const desc = await view.read('desc', PACKAGE_FILE_CAP, { from: dir });
    const p = (desc && fromDesc(desc.toString('utf8'))) ?? fromDirName(entry);
    if (p) out.push(p);
  }
  return out;
}

/** `%NAME%`, `%VERSION%` and `%ARCH%` of a desc file; undefined without a name and version. */
export function fromDesc(text: string): InstalledPackage | undefined {
  const fields = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const m = /^%([A-Z0-9]+)%$/.exec(lines[i].trimEnd());
    if (m && (m[1] === 'NAME' || m[1] === 'VERSION' || m[1] === 'ARCH')) fields.set(m[1], lines[i + 1].trim());
  }
  const name = fields.get('NAME');
  const version = fields.get('VERSION');
  if (!name || !version) return undefined;
  return { name, version, ...(fields.get('ARCH') && { arch: fields.get('ARCH') }) };
}

/** `glibc-2.39+r52-1` → glibc, 2.39+r52-1. */
export function fromDirName(entry: string): InstalledPackage | undefined {
  const parts = entry.split('-');
  if (parts.length < 3 || parts.slice(0, -2).join('') === '') return undefined;
  return { name: parts.slice(0, -2).join('-'), version: parts.slice(-2).join('-') };
}
