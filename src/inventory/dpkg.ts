import type { InstalledPackage } from './types.js';
import type { OverlayView } from './overlay.js';
import { paragraphs } from './paragraphs.js';
import { DATABASE_CAP, PACKAGE_FILE_CAP } from './read.js';

// dpkg's database (dpkg(1), "FILES"): /var/lib/dpkg/status holds a paragraph per package it knows, installed
// or not; a package whose `Status:` is not `… installed` (`deinstall ok config-files`, `install ok unpacked`)
// is left out. dpkg journals changes it has not yet folded into status as /var/lib/dpkg/updates/NNNN, each
// a package's whole new paragraph, applied in numeric order, as dpkg itself does when it next reads status.

const ADMIN = '/var/lib/dpkg';
const FIELDS = ['Package', 'Status', 'Version', 'Architecture'];

export async function readDpkg(view: OverlayView): Promise<InstalledPackage[]> {
  const status = await view.read(`${ADMIN}/status`, DATABASE_CAP, { required: true });
  if (!status) return [];
  const byKey = new Map<string, InstalledPackage>();
  const apply = (text: string) => {
    for (const p of paragraphs(text, FIELDS)) {
      const name = p.get('Package');
      if (!name) continue;
      const key = `${name}:${p.get('Architecture') ?? ''}`;
      const version = p.get('Version');
      if (!/ installed$/.test(p.get('Status') ?? '') || version === undefined) byKey.delete(key);
      else byKey.set(key, { name, version, ...(p.has('Architecture') && { arch: p.get('Architecture') }) });
    }
  };
  apply(status.toString('utf8'));
  const updates = (await view.list(`${ADMIN}/updates`)) ?? [];
  const journal = updates.filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
  for (const name of journal) {
    const update = await view.read(`${ADMIN}/updates/${name}`, PACKAGE_FILE_CAP);
    if (update) apply(update.toString('utf8'));
  }
  return [...byKey.values()];
}
