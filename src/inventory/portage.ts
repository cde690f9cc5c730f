import type { InstalledPackage } from './types.js';
import type { OverlayView } from './overlay.js';

// Portage's installed-package database (PMS's vdb; portage's vartree): a directory per installed package,
// /var/db/pkg/<category>/<PF>/, PF being the package's name and version (`gcc-13.2.1_p20240210-r1`). Only the
// directories are read. `-MERGING-<PF>` is a merge in progress, not yet installed.

const VDB = '/var/db/pkg';
/** PMS's version syntax at the end of a PF, as portage's versions.py ver_regexp (no `*`: a PF has none). */
const VERSION = /-(\d+(\.\d+)*[a-z]?(_(alpha|beta|pre|rc|p)\d*)*(-r\d+)?)$/;

export async function readPortage(view: OverlayView): Promise<InstalledPackage[]> {
  const vdb = await view.dir(VDB);
  const categories = vdb && (await view.list('.', { from: vdb }));
  if (!vdb || !categories) {
    if (!vdb) view.note(`${VDB}: not found`);
    return [];
  }
  const out: InstalledPackage[] = [];
  for (const category of categories) {
    const dir = await view.dir(category, vdb);
    if (!dir) continue; // a stray file beside the categories
    for (const pf of (await view.list('.', { from: dir })) ?? []) {
      const p = fromPf(category, pf);
      if (p && (await view.dir(pf, dir))) out.push(p);
    }
  }
  return out;
}

/** `sys-libs`, `glibc-2.39-r6` → sys-libs/glibc 2.39-r6. */
export function fromPf(category: string, pf: string): InstalledPackage | undefined {
  if (pf.startsWith('-MERGING-') || pf.startsWith('.')) return undefined;
  const m = VERSION.exec(pf);
  if (!m || m.index === 0) return undefined;
  return { name: `${category}/${pf.slice(0, m.index)}`, version: m[1] };
}
