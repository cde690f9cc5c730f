import { schemaIssues } from '../config/schema-check.js';
import type { Issue, LocatedIssue } from '../config/issues.js';
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
  eol?: string;
  eolSource?: string;
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

export interface ParseOptions {
  /** The file is a project's (`catalog:` in vmatrix.yml): its sources may fetch only over http(s). */
  project?: boolean;
}

export function parseCatalogFile(text: string, file: string, o: ParseOptions = {}): ParsedFile {
  const source = readYaml(text, file);
  if (source.syntaxErrors.length > 0) return { entries: [], issues: source.syntaxErrors };
  let issues =
    source.data == null
      ? [{ path: [], message: 'the file is empty: it needs family, packageManager and releases' }]
      : schemaIssues('distro.schema.json', source.data);
  if (issues.length === 0 && o.project) issues = localSourceIssues(source.data as RawFile);
  if (issues.length > 0) return { entries: [], issues: locate(source, issues) };
  const raw = source.data as RawFile;
  return { entries: raw.releases.map((r, i) => toEntry(raw, r, i, source)), issues: [] };
}

const PROJECT_HINT = "a project's catalog fetches only over http(s); a local source belongs in $VMATRIX_CATALOG";

/**
 * A project's catalog is the project's to write, and vmatrix reads sources as root on the host: a tarball
 * at file:///root/backup.tar, or a mirror in a local directory, would put the host's files into a cell.
 */
function localSourceIssues(raw: RawFile): Issue[] {
  const lists: Array<[Array<string | number>, SourceSpec[] | undefined]> = [
    [['sources'], raw.sources],
    ...raw.releases.map((r, i): [Array<string | number>, SourceSpec[] | undefined] => [
      ['releases', i, 'sources'],
      r.sources,
    ]),
  ];
  const issues: Issue[] = [];
  for (const [at, sources] of lists) {
    sources?.forEach((s, j) => {
      const fields: Array<[string, string | undefined]> =
        s.kind === 'tarball'
          ? [
              ['url', s.url],
              ['sha256sums', s.sha256sums],
              ['signature', s.signature?.file && s.sha256sums && resolvedUrl(s.signature.file, s.sha256sums)],
            ]
          : s.kind === 'mmdebstrap'
            ? [['mirror', s.mirror]]
            : [];
      for (const [key, value] of fields) {
        if (value !== undefined && !/^https?:$/.test(urlOf(value)?.protocol ?? ''))
          issues.push({ path: [...at, j, key], message: `"${value}" is not an http(s) URL: ${PROJECT_HINT}` });
      }
    });
  }
  return issues;
}

function urlOf(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function resolvedUrl(file: string, base: string): string {
  try {
    return new URL(file, base).href;
  } catch {
    return file;
  }
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
    ...eolOf(r, family),
    file: source.file,
  };
  const [located] = locate(source, [{ path: ['releases', index, 'name'], message: '' }]);
  return { entry, where: `${source.display}:${located.line}`, path: `releases[${index}]` };
}

/** `arches` as given, or `arch` as a one-element list; a release's own wins over its family's. */
function archesOf(d: Partial<Defaults>): string[] | undefined {
  return d.arches ?? (d.arch ? [d.arch] : undefined);
}

/** The release's end of life, else its family's; the source goes with the date it was given beside. */
function eolOf(r: RawRelease, family: RawFile): Pick<DistroEntry, 'eol' | 'eolSource'> {
  const eol = r.eol ?? family.eol;
  const eolSource = r.eolSource ?? family.eolSource;
  return { ...(eol !== undefined && { eol }), ...(eolSource !== undefined && { eolSource }) };
}

/**
 * A dated end of life needs the page that publishes it (its own or its family's eolSource), and must be a
 * day of the calendar: the schema's pattern lets 2026-02-30 through.
 */
export function eolIssues(parsed: ParsedEntry[]): string[] {
  const issues: string[] = [];
  for (const { entry, where, path } of parsed) {
    if (entry.eol === undefined || entry.eol === 'rolling') continue;
    if (!isCalendarDate(entry.eol))
      issues.push(`${where}: ${path}.eol: "${entry.eol}" is not a date of the calendar (YYYY-MM-DD)`);
    if (entry.eolSource === undefined)
      issues.push(
        `${where}: ${path}.eolSource: ${entry.name} has an eol date but no eolSource: give the URL that publishes it`,
      );
  }
  return issues;
}

function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A release that inherits no sources from its family and gives none is unusable. */
export function sourceIssues(parsed: ParsedEntry[]): string[] {
  return parsed
    .filter((p) => p.entry.sources.length === 0)
    .map(
      (p) => `${p.where}: ${p.path}: ${p.entry.name} has no sources: give \`sources\` to the release or to its family`,
    );
}
