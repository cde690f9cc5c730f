import { usageError } from '../util/errors.js';
import { closest } from '../util/suggest.js';
import type { ParsedEntry } from './parse.js';
import type { Catalog, DistroEntry } from './types.js';

// Catalog directories are layers: a later one replaces an earlier one's entries by name, entry by entry,
// so a user directory can point debian-12 at a local tarball and keep everything else built in. Aliases
// name a distro, not an entry, so `debian-oldstable` follows debian-12 into its replacement.

class LayeredCatalog implements Catalog {
  constructor(
    private readonly entries: Map<string, DistroEntry>,
    private readonly aliases: Map<string, string>,
  ) {}

  list(): DistroEntry[] {
    return [...this.entries.values()];
  }

  resolve(nameOrAlias: string): DistroEntry {
    for (const key of [nameOrAlias, nameOrAlias.trim().toLowerCase()]) {
      const entry = this.entries.get(key) ?? this.entries.get(this.aliases.get(key) ?? '');
      if (entry) return entry;
    }
    const guess = closest(nameOrAlias, [...this.entries.keys(), ...this.aliases.keys()]);
    throw usageError('UNKNOWN_DISTRO', `unknown distro "${nameOrAlias}"`, {
      hint: `${guess ? `did you mean ${guess}? ` : ''}\`vmatrix distros\` lists them`,
    });
  }
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
    const own = [...aliases].filter(([alias, target]) => target === name && !entries.has(alias)).map(([alias]) => alias);
    final.set(name, { ...entry, aliases: own });
  }
  return new LayeredCatalog(final, aliases);
}
