import { schemaIssues } from '../config/schema-check.js';
import type { LocatedIssue } from '../config/issues.js';
import { locate, readYaml, type YamlSource } from '../config/yaml-source.js';
import type { DistroEntry, PackageManagerName, SourceSpec } from './types.js';
import { hostArch } from '../util/arch.js';

export { hostArch };

// One catalog file: a family block of defaults and a list of releases that override them
// (parse → schema → defaults, the distrobuilder way).

interface Defaults {
  family: string;
  description?: string;
  packageManager: PackageManagerName;
  shell?: string;
  arch?: string;
  arches?: string[];
  sources?: SourceSpec[];
}

interface RawRelease extends Partial<Defaults> {
  name: string;
  release?: string | number;
  aliases?: string[];
}

interface RawFile extends Defaults {
  releases: RawRelease[];
}

/** An entry and the line it was defined on, for messages that compare entries across files. */
export interface ParsedEntry {
  entry: DistroEntry;
  /** `distros/debian.yml:15` (the line of its name). */
  where: string;
  /** `releases[1]`. */
  path: string;
}

export interface ParsedFile {
  entries: ParsedEntry[];
  issues: LocatedIssue[];
}

export function parseCatalogFile(text: string, file: string): ParsedFile {
  const source = readYaml(text, file);
  if (source.syntaxErrors.length > 0) return { entries: [], issues: source.syntaxErrors };
  const issues =
    source.data == null
      ? [{ path: [], message: 'the file is empty: it needs family, packageManager and releases' }]
      : schemaIssues('distro.schema.json', source.data);
  if (issues.length > 0) return { entries: [], issues: locate(source, issues) };
  const raw = source.data as RawFile;
  return { entries: raw.releases.map((r, i) => toEntry(raw, r, i, source)), issues: [] };
}

function toEntry(family: RawFile, r: RawRelease, index: number, source: YamlSource): ParsedEntry {
  const familyName = r.family ?? family.family;
  const prefix = `${familyName}-`;
  const release =
    r.release !== undefined ? String(r.release) : r.name.startsWith(prefix) ? r.name.slice(prefix.length) : r.name;
  const arches = archesOf(r) ?? archesOf(family) ?? [hostArch()];
  const entry: DistroEntry = {
    name: r.name,
    family: familyName,
    release,
    aliases: r.aliases ?? [],
    description: r.description ?? (family.description ? `${family.description} ${release}` : r.name),
    packageManager: r.packageManager ?? family.packageManager,
    shell: r.shell ?? family.shell ?? '/bin/sh',
    arch: arches[0],
    arches,
    sources: r.sources ?? family.sources ?? [],
    file: source.file,
  };
  const [located] = locate(source, [{ path: ['releases', index, 'name'], message: '' }]);
  return { entry, where: `${source.display}:${located.line}`, path: `releases[${index}]` };
}

/** `arches` as given, or `arch` as a one-element list; a release's own wins over its family's. */
function archesOf(d: Partial<Defaults>): string[] | undefined {
  return d.arches ?? (d.arch ? [d.arch] : undefined);
}

/** A release that inherits no sources from its family and gives none is unusable. */
export function sourceIssues(parsed: ParsedEntry[]): string[] {
  return parsed
    .filter((p) => p.entry.sources.length === 0)
    .map(
      (p) => `${p.where}: ${p.path}: ${p.entry.name} has no sources: give \`sources\` to the release or to its family`,
    );
}
