import { hostArch, type Catalog, type DistroEntry } from '../catalog/index.js';
import { probeEntries, type EntryProbe } from '../images/index.js';
import { usageError, type VmError } from '../util/errors.js';
import { inertLine } from '../util/inert.js';

// `vmatrix distros --check [NAME…]`: the entries named (aliases resolve), else every entry for the arch,
// probed upstream a few at a time (images/probe.ts) and printed one line each, in catalog order, as they
// come in; the dead ones named again at the end. Exit 1 when one is dead.

const CONCURRENCY = 4;

/** The entries to check: the names given (each resolved, usage error for an unknown one), else all for the arch. */
export function entriesToCheck(catalog: Catalog, names: string[], arch: string | undefined): DistroEntry[] {
  if (names.length === 0) return catalog.list(arch ?? hostArch());
  const seen = new Set<string>();
  return names
    .map((n) => catalog.resolve(n, arch ? { arch } : {}))
    .filter((e) => !seen.has(e.name) && seen.add(e.name));
}

/** Names are what --check checks; `vmatrix distros debian-13` alone lists nothing by name. */
export function namesWithoutCheck(names: string[]): VmError {
  return usageError(
    'NAMES_WITHOUT_CHECK',
    `vmatrix distros takes distro names only with --check (got ${names.join(' ')})`,
    {
      hint: `to check them: vmatrix distros --check ${names.join(' ')}; to list the catalog: vmatrix distros`,
    },
  );
}

/** One entry's line: name, OK or DEAD, then each source's checks or fault; a dead first choice is warned of. */
export function checkLine(p: EntryProbe, width: number): string {
  const parts = p.sources.map((s) => {
    const notes = s.notes.map((n) => `; note: ${n}`).join('');
    return s.alive ? `${s.source}: ${s.detail}${notes}` : `DEAD ${s.source}: ${s.detail}`;
  });
  const warn = p.alive && p.sources[0] && !p.sources[0].alive ? 'warning: first choice dead; ' : '';
  return inertLine(`${p.name.padEnd(width)}  ${p.alive ? 'OK  ' : 'DEAD'}  ${warn}${parts.join(' | ')}`);
}

/** Probes the entries, writing each line as soon as it and those before it are done; the exit code. */
export async function checkDistros(entries: DistroEntry[], write: (line: string) => void): Promise<0 | 1> {
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  const probes = await probeEntries(entries, {
    concurrency: CONCURRENCY,
    onDone: (p) => write(checkLine(p, width)),
  });
  const dead = probes.filter((p) => !p.alive).map((p) => p.name);
  if (dead.length === 0) {
    write(`${probes.length} ${probes.length === 1 ? 'entry' : 'entries'} checked: all alive`);
    return 0;
  }
  write(inertLine(`${dead.length} of ${probes.length} dead: ${dead.join(', ')}`));
  return 1;
}
