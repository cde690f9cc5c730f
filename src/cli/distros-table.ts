import { statusText, supportStatus, type DistroEntry, type SupportStatus } from '../catalog/index.js';
import { table } from './table.js';

// `vmatrix distros`: the catalog as a table, or as JSON with each entry's support status on `day`.

/** One row an entry: its names, package manager, arches, sources and status on `day`. */
export function distrosTable(entries: DistroEntry[], day: Date | string): string {
  return table(
    ['NAME', 'ALIASES', 'PACKAGES', 'ARCH', 'SOURCES', 'STATUS'],
    entries.map((d) => [
      d.name,
      d.aliases.join(', '),
      d.packageManager,
      d.arches.join(', '),
      d.sources.map((s) => s.kind).join(', '),
      statusText(supportStatus(d, day)),
    ]),
  );
}

/** The entries as `--json` prints them: each with `status` ({state, date}) beside its `eol` and `eolSource`. */
export function distrosJson(entries: DistroEntry[], day: Date | string): (DistroEntry & { status: SupportStatus })[] {
  return entries.map((d) => ({ ...d, status: supportStatus(d, day) }));
}
