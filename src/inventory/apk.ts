import type { InstalledPackage } from './types.js';
import type { OverlayView } from './overlay.js';
import { paragraphs } from './paragraphs.js';
import { DATABASE_CAP } from './read.js';

// apk's database (apk-tools, "Installed database" in apk-package(5)/the wiki's Apk_spec): /lib/apk/db/installed,
// a paragraph per installed package of one-letter fields, `P:` its name, `V:` its version, `A:` its arch,
// followed by its files (`F:`, `R:`, `Z:`…), which are skipped. Field letters are case-sensitive (`p:` is
// what a package provides).

export async function readApk(view: OverlayView): Promise<InstalledPackage[]> {
  const db = await view.read('/lib/apk/db/installed', DATABASE_CAP, { required: true });
  if (!db) return [];
  const out: InstalledPackage[] = [];
  for (const p of paragraphs(db.toString('utf8'), ['P', 'V', 'A'])) {
    const name = p.get('P');
    const version = p.get('V');
    if (name && version !== undefined) out.push({ name, version, ...(p.get('A') && { arch: p.get('A') }) });
  }
  return out;
}
