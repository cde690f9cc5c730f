import type { DistroEntry, SourceSpec } from '../catalog/types.js';
import { messageOf } from '../util/errors.js';
import { eachLimited } from '../util/pool.js';
import { probeBusybox } from './busybox-source.js';
import { probeGentoo } from './gentoo.js';
import { probeLxc } from './lxc.js';
import { probeMmdebstrap } from './mmdebstrap.js';
import { probeOci } from './oci/source.js';
import { describeSource, type Prober } from './source.js';
import { probeTarball } from './tarball.js';
import { probeVoid } from './void.js';

// `vmatrix distros --check`: each catalog entry's image sources asked upstream whether they still work,
// without downloading a root. Each kind's probe sits beside its source and reuses the source's own
// reading of upstream's files (index, checksum list, signature, manifest), then asks for the artifact's
// existence and size only. An entry is alive when one of its sources for the arch is.

const PROBERS: { [K in SourceSpec['kind']]: Prober<Extract<SourceSpec, { kind: K }>> } = {
  tarball: probeTarball,
  mmdebstrap: probeMmdebstrap,
  busybox: probeBusybox,
  oci: probeOci,
  lxc: probeLxc,
  gentoo: probeGentoo,
  void: probeVoid,
};

export interface SourceProbe {
  /** `tarball https://…`, as describeSource says it. */
  source: string;
  alive: boolean;
  /** What was checked when alive; what is wrong when dead (the error's message: what, where). */
  detail: string;
  notes: string[];
}

export interface EntryProbe {
  name: string;
  arch: string;
  alive: boolean;
  /** In the entry's order of preference. */
  sources: SourceProbe[];
}

/** Probes every source of `distro` (those for its arch), one after the other. */
export async function probeEntry(distro: DistroEntry): Promise<EntryProbe> {
  const sources: SourceProbe[] = [];
  for (const spec of distro.sources) sources.push(await probeSource(spec, distro));
  return { name: distro.name, arch: distro.arch, alive: sources.some((s) => s.alive), sources };
}

async function probeSource(spec: SourceSpec, distro: DistroEntry): Promise<SourceProbe> {
  const source = describeSource(spec);
  try {
    const r = await (PROBERS[spec.kind] as Prober<SourceSpec>)(spec, distro);
    return { source, alive: true, detail: r.checked, notes: r.notes };
  } catch (e) {
    // A probe reports, it does not crash: any failure (network, format, signature) is this source's death,
    // told by its message (what, where), never a stack.
    return { source, alive: false, detail: messageOf(e), notes: [] };
  }
}

/**
 * Probes `entries`, at most `concurrency` at a time; the results in the entries' order. `onDone` is called
 * in that order too, as soon as an entry and all before it are done, so output can stream in catalog order.
 */
export async function probeEntries(
  entries: DistroEntry[],
  o: { concurrency?: number; onDone?: (p: EntryProbe) => void } = {},
): Promise<EntryProbe[]> {
  const results: Array<EntryProbe | undefined> = entries.map(() => undefined);
  let printed = 0;
  await eachLimited(entries, o.concurrency ?? 4, async (entry, i) => {
    results[i] = await probeEntry(entry);
    while (printed < entries.length && results[printed]) o.onDone?.(results[printed++]!);
  });
  return results as EntryProbe[];
}
