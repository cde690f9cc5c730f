import { usageError } from '../util/errors.js';
import { closest } from '../util/suggest.js';
import { debianArch } from '../util/arch.js';
import { hostArch, type ParsedEntry } from './parse.js';
import type { Catalog, DistroEntry } from './types.js';

// Catalog directories are layers: a later one replaces an earlier one's entries by name, entry by entry,
// so a user directory can point debian-12 at a local tarball and keep everything else built in. Aliases
// name a distro, not an entry, so `debian-oldstable` follows debian-12 into its replacement.

class LayeredCatalog implements Catalog {
  constructor(
    private readonly entries: Map<string, DistroEntry>,
    private readonly aliases: Map<string, string>,
  ) {}

  /** Each entry with `arch` the host's when it has it, else its first; with `arch`, only those that have it. */
  list(arch?: string): DistroEntry[] {
    const wanted = arch ? debianArch(arch) : undefined;
    const host = hostArch();
    return [...this.entries.values()]
      .filter((e) => !wanted || e.arches.includes(wanted))
      .map((e) => {
        const a = wanted ?? (e.arches.includes(host) ? host : e.arches[0]);
        return { ...e, arch: a, sources: sourcesFor(e, a) };
      });
  }

  resolve(nameOrAlias: string, opts: { arch?: string } = {}): DistroEntry {
    for (const key of [nameOrAlias, nameOrAlias.trim().toLowerCase()]) {
      const entry = this.entries.get(key) ?? this.entries.get(this.aliases.get(key) ?? '');
      if (entry) return withArch(entry, opts.arch);
    }
    const guess = closest(nameOrAlias, [...this.entries.keys(), ...this.aliases.keys()]);
    throw usageError('UNKNOWN_DISTRO', `unknown distro "${nameOrAlias}"`, {
      hint: `${guess ? `did you mean ${guess}? ` : ''}\`vmatrix distros\` lists them`,
    });
  }
}

/** The sources that can give `arch`: all but the tarballs made for another one. */
function sourcesFor(entry: DistroEntry, arch: string): DistroEntry['sources'] {
  return entry.sources.filter((s) => !('arch' in s) || s.arch === undefined || s.arch === arch);
}

/** The entry for one architecture (default: the host's). No silent fallback: a foreign arch needs emulation. */
function withArch(entry: DistroEntry, wanted: string | undefined): DistroEntry {
  const arch = wanted ? debianArch(wanted) : hostArch();
  const sources = sourcesFor(entry, arch);
  if (entry.arches.includes(arch) && sources.length > 0) return { ...entry, arch, sources };
  const has = entry.arches.includes(arch) ? `none of its sources is for ${arch}` : `it has ${entry.arches.join(', ')}`;
  throw usageError('UNSUPPORTED_ARCH', `${entry.name} has no ${arch} images: ${has}`, {
    hint: wanted
      ? `choose one of them with --arch, or add ${arch} to ${entry.file}`
      : `this host is ${arch}; pass --arch ${entry.arches[0]} to run it anyway (a foreign arch needs qemu-user binfmt)`,
  });
}

/** Two entries of one layer may not claim the same name or alias: which one is meant would be a guess. */
export function layerIssues(layer: ParsedEntry[]): string[] {
  const owner = new Map<string, ParsedEntry>();
  const issues: string[] = [];
  for (const p of layer) {
    for (const [i, name] of [p.entry.name, ...p.entry.aliases].entries()) {
      const first = owner.get(name);
      const field = i === 0 ? 'name' : `aliases[${i - 1}]`;
      if (first) issues.push(`${p.where}: ${p.path}.${field}: "${name}" is already defined at ${first.where}`);
      else owner.set(name, p);
    }
  }
  return issues;
}

/** The catalog of valid layers, earliest first. */
export function layeredCatalog(layers: ParsedEntry[][]): Catalog {
  const entries = new Map<string, DistroEntry>();
  const aliases = new Map<string, string>();
  for (const layer of layers) {
    for (const { entry } of layer) {
      entries.set(entry.name, entry);
      for (const alias of entry.aliases) aliases.set(alias, entry.name);
    }
  }
  // An entry lists every alias that still leads to it, including those of the entry it replaced.
  const final = new Map<string, DistroEntry>();
  for (const [name, entry] of entries) {
    const own = [...aliases]
      .filter(([alias, target]) => target === name && !entries.has(alias))
      .map(([alias]) => alias);
    final.set(name, { ...entry, aliases: own });
  }
  return new LayeredCatalog(final, aliases);
}

/**
 * The catalog as seen for one architecture (`--arch`): `resolve` and `list` default to it, so code that
 * resolves names without knowing about arches (imported names, plans) picks the chosen one.
 */
export function forArch(catalog: Catalog, arch: string | undefined): Catalog {
  if (!arch) return catalog;
  return {
    list: (a) => catalog.list(a ?? arch),
    resolve: (name, opts) => catalog.resolve(name, { arch, ...opts }),
  };
}
