import { clearsignedBody } from './clearsigned.js';

// The files of Gentoo's stage3 autobuilds, read as text (no network here). Their layout, as Gentoo's own
// container build fetches them (https://github.com/gentoo/gentoo-docker-images, stage3.Dockerfile):
//
//   <mirror>/releases/<arch>/autobuilds/latest-stage3-<arch>-<flavour>.txt
//     an OpenPGP clearsigned text (signed by the release key); its body is comment lines (`# Latest as of
//     …`, `# ts=…`) and one line `<path relative to autobuilds/> <size in bytes>`, e.g.
//     `20241201T164731Z/stage3-amd64-openrc-20241201T164731Z.tar.xz 276409760`
//   <mirror>/releases/<arch>/autobuilds/<path>.DIGESTS
//     the digests of the tarball and of its CONTENTS.gz, in sections: a line `# SHA512 HASH` (or
//     `# BLAKE2B HASH`) and under it `<hex>  <file name>` lines; also clearsigned nowadays. Gentoo's
//     Dockerfile picked the SHA512 line with `awk '/# SHA512 HASH/{getline; print}'`, distrobuilder
//     (https://github.com/lxc/distrobuilder, sources/gentoo.go) checks the tarball with sha512 from it.

/** Gentoo's directory name for a Debian-style architecture, for the two vmatrix has entries for. */
export function gentooArch(debian: string): string | undefined {
  return ({ amd64: 'amd64', arm64: 'arm64' } as Record<string, string>)[debian];
}

// The clearsigned wrapper is read by clearsigned.ts, shared with Fedora's CHECKSUM files.
export { clearsignedBody };

export interface LatestStage3 {
  /** Relative to the autobuilds directory. */
  path: string;
  size: number;
}

/** The `<path> <size>` lines of a latest-stage3-*.txt, in order; comments and other lines are skipped. */
export function parseLatestStage3(text: string): LatestStage3[] {
  const found: LatestStage3[] = [];
  for (const raw of clearsignedBody(text).split('\n')) {
    const m = /^(\S+)\s+(\d+)$/.exec(raw.trim());
    if (m && !m[1].startsWith('#')) found.push({ path: m[1], size: Number(m[2]) });
  }
  return found;
}

/**
 * The URL of `path` under `base` (a directory URL ending in `/`), or undefined when `path` is anything but
 * plain relative segments: an absolute URL, `/…`, `..`, a query, an encoded character would let a file
 * served by one mirror point the download anywhere.
 */
export function underBase(base: string, path: string): string | undefined {
  if (!/^[A-Za-z0-9._+-]+(?:\/[A-Za-z0-9._+-]+)*$/.test(path)) return undefined;
  if (path.split('/').some((s) => s === '.' || s === '..')) return undefined;
  const url = new URL(path, base).href;
  return url.startsWith(base) ? url : undefined;
}

export interface DigestLine {
  /** As the section names it, upper case: SHA512, BLAKE2B. */
  algorithm: string;
  hex: string;
  file: string;
}

/** Every digest of a .DIGESTS file, with the section it is in. */
export function parseDigests(text: string): DigestLine[] {
  const found: DigestLine[] = [];
  let algorithm: string | undefined;
  for (const raw of clearsignedBody(text).split('\n')) {
    const line = raw.trim();
    const section = /^#\s*(\S+)\s+HASH$/i.exec(line);
    if (section) {
      algorithm = section[1].toUpperCase();
      continue;
    }
    const entry = /^([0-9a-fA-F]+)\s+\*?(\S.*)$/.exec(line);
    if (entry && algorithm) found.push({ algorithm, hex: entry[1].toLowerCase(), file: entry[2] });
  }
  return found;
}

/** The SHA512 a .DIGESTS file gives for the file `name` (its own line, not its CONTENTS.gz's). */
export function sha512For(digests: DigestLine[], name: string): string | undefined {
  return digests.find(
    (d) => d.algorithm === 'SHA512' && d.file.slice(d.file.lastIndexOf('/') + 1) === name && d.hex.length === 128,
  )?.hex;
}
