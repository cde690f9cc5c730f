import { parseYamlData } from '../config/index.js';

// Alpine's release directories, https://dl-cdn.alpinelinux.org/alpine/v<branch>/releases/<arch>/, hold every
// point release's alpine-minirootfs-<version>-<arch>.tar.gz (with a .sha256 beside it) and a
// latest-releases.yaml naming the newest file of each flavour. That file is a YAML list of mappings with
// the keys title, desc, branch, arch, version, flavor, file, iso, date, time, size, sha256, sha512 (e.g.
// `flavor: alpine-minirootfs`, `version: 3.21.5`, `file: alpine-minirootfs-3.21.5-x86_64.tar.gz`), as
// Alpine's release tooling writes it and as tools that follow Alpine's releases read it (for instance
// alpine_release_info, https://github.com/privazio/alpine_release_info, which queries it by branch, arch and
// flavor). The YAML itself is parsed by config/, the one owner of the yaml library.

export interface AlpinePin {
  /** `v3.21`. */
  branch: string;
  /** Alpine's arch name: `x86_64`, `aarch64`. */
  arch: string;
  /** The pinned point release: `3.21.0`. */
  version: string;
  /** The URL of the directory's latest-releases.yaml. */
  latestUrl: string;
}

const MINIROOTFS =
  /\/alpine\/(v\d+\.\d+)\/releases\/([a-z0-9_]+)\/alpine-minirootfs-(\d+(?:\.\d+)*(?:_rc\d+)?)-\2\.tar\.gz$/;

/** What an Alpine minirootfs URL pins, or undefined when the URL is not one. */
export function alpinePin(url: string): AlpinePin | undefined {
  const u = URL.parse(url);
  const m = u && MINIROOTFS.exec(u.pathname);
  if (!u || !m) return undefined;
  return { branch: m[1], arch: m[2], version: m[3], latestUrl: new URL('latest-releases.yaml', u).href };
}

export interface AlpineRelease {
  branch?: string;
  arch?: string;
  version: string;
  flavor: string;
  file?: string;
}

/** The entries of a latest-releases.yaml that have a flavor and a version; throws when it is not YAML or not a list. */
export function parseLatestReleases(text: string): AlpineRelease[] {
  const data = parseYamlData(text);
  if (!Array.isArray(data)) throw new Error('not a YAML list of releases');
  const found: AlpineRelease[] = [];
  for (const item of data as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    const str = (k: string): string | undefined =>
      typeof o[k] === 'string' || typeof o[k] === 'number' ? String(o[k]) : undefined;
    const version = str('version');
    const flavor = str('flavor');
    if (!version || !flavor) continue;
    const branch = str('branch');
    const arch = str('arch');
    const file = str('file');
    found.push({
      version,
      flavor,
      ...(branch ? { branch } : {}),
      ...(arch ? { arch } : {}),
      ...(file ? { file } : {}),
    });
  }
  return found;
}

/** The newest minirootfs a latest-releases.yaml lists for `arch`, or undefined. */
export function latestMinirootfs(releases: AlpineRelease[], arch: string): AlpineRelease | undefined {
  return releases
    .filter((r) => r.flavor === 'alpine-minirootfs' && (r.arch === undefined || r.arch === arch))
    .sort((a, b) => compareVersions(a.version, b.version))
    .at(-1);
}

/** Alpine versions compared number by number (3.21.10 > 3.21.9); a release candidate before its release. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] => {
    const [main, rc] = v.split('_rc');
    return [...main.split('.').map(Number), rc === undefined ? Infinity : Number(rc)];
  };
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d < 0 ? -1 : 1;
  }
  return 0;
}
