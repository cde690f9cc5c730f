import type { Header } from 'tar-stream';
import { invalid, printable, unsafe } from './errors.js';
import type { Limits } from './limits.js';

// A tar header turned into what the extractor acts on, with every field checked. Names are split into
// components here, once: an absolute name, a `..` or a NUL never gets past this file.

export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface Entry {
  /** The name as the archive spells it, for messages. */
  name: string;
  /** Components inside the root; [] is the root itself (`./`). */
  parts: string[];
  kind: EntryKind;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch, fractional when a PAX header says so. */
  mtime: number;
  size: number;
  /** Symlinks: the target, verbatim (absolute targets are normal in a distro root). */
  linkname?: string;
  /** Hardlinks: the target's components inside the root. */
  linkParts?: string[];
  devmajor: number;
  devminor: number;
  /** Allow-listed extended attributes. */
  xattrs: Array<[string, Buffer]>;
  /** Names of the extended attributes the allow-list dropped. */
  dropped: string[];
}

const KINDS: Record<string, EntryKind> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

const MAX_ID = 0xfffffffe;

/** A header as tar-stream really hands it over: `type` is null for a type flag it does not know. */
export type RawHeader = Omit<Header, 'type' | 'pax' | 'linkname'> & {
  type: string | null;
  linkname: string | null;
  pax?: Record<string, string> | null;
};

export function toEntry(h: RawHeader, limits: Limits): Entry {
  const name = h.name;
  const pax = h.pax ?? {};
  const kind = h.type ? KINDS[h.type] : undefined;
  if (!kind)
    throw invalid(name, `unsupported entry type ${h.type ?? '(unknown type flag: GNU sparse, volume label, …)'}`);
  if (Object.keys(pax).some((k) => k.startsWith('GNU.sparse.')))
    throw invalid(name, 'GNU sparse files are not supported');
  const size = h.size ?? 0;
  // Data after a non-file header is where parsers disagree (CVE-2025-62518): refuse instead of guessing.
  if (kind !== 'file' && size !== 0) throw invalid(name, `a ${kind} entry with ${size} bytes of data`);
  const entry: Entry = {
    name,
    parts: splitName(name, limits),
    kind,
    mode: (h.mode ?? 0) & 0o7777,
    uid: owner(name, 'uid', pax.uid ?? h.uid),
    gid: owner(name, 'gid', pax.gid ?? h.gid),
    mtime: mtime(name, pax.mtime, h.mtime),
    size,
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
    ...xattrsOf(pax),
  };
  if (kind === 'symlink') entry.linkname = symlinkTarget(name, h.linkname, limits);
  if (kind === 'hardlink') entry.linkParts = hardlinkTarget(name, h.linkname, limits);
  // Linux dev_t: 12-bit major, 20-bit minor.
  if (
    (kind === 'char' || kind === 'block') &&
    (entry.devmajor > 0xfff || entry.devminor > 0xfffff || entry.devmajor < 0 || entry.devminor < 0)
  ) {
    throw invalid(name, `device number ${entry.devmajor}:${entry.devminor} out of range`);
  }
  return entry;
}

/**
 * `./usr/bin/x` → ['usr', 'bin', 'x']. Absolute names, `..` components and NUL bytes are refused, by
 * `refuse` when the name is not the entry's own (a hardlink target).
 */
export function splitName(name: string, limits: Limits, refuse = (reason: string) => unsafe(name, reason)): string[] {
  if (name.includes('\0')) throw refuse('NUL byte in the name');
  if (Buffer.byteLength(name) > limits.maxPathLength) throw refuse(`name longer than ${limits.maxPathLength} bytes`);
  if (name.startsWith('/')) throw refuse('absolute name');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw refuse('".." in the name');
  if (parts.length > limits.maxDepth) throw refuse(`deeper than ${limits.maxDepth} directories`);
  return parts;
}

function symlinkTarget(name: string, target: string | null | undefined, limits: Limits): string {
  if (!target) throw invalid(name, 'symlink without a target');
  if (target.includes('\0')) throw unsafe(name, 'NUL byte in the link target');
  if (Buffer.byteLength(target) > limits.maxPathLength)
    throw unsafe(name, `link target longer than ${limits.maxPathLength} bytes`);
  return target;
}

/** A hardlink names another entry of the archive; an absolute name is taken as relative to the root. */
function hardlinkTarget(name: string, target: string | null | undefined, limits: Limits): string[] {
  if (!target) throw invalid(name, 'hardlink without a target');
  // Messages name the entry, not its target: the target is no entry of the archive if it climbs.
  const parts = splitName(target.replace(/^\/+/, ''), limits, (reason) =>
    unsafe(name, `hardlink target "${printable(target)}": ${reason}`),
  );
  if (parts.length === 0) throw unsafe(name, 'hardlink to the root directory');
  return parts;
}

function owner(name: string, field: string, value: string | number | undefined): number {
  const n = typeof value === 'string' ? Number(value) : (value ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > MAX_ID) throw invalid(name, `${field} ${String(value)} out of range`);
  return n;
}

function mtime(name: string, paxValue: string | undefined, header: Date | undefined): number {
  const seconds = paxValue !== undefined ? Number(paxValue) : (header?.getTime() ?? 0) / 1000;
  if (!Number.isFinite(seconds)) throw invalid(name, `bad mtime ${String(paxValue)}`);
  return seconds;
}

/** GNU tar and star write `SCHILY.xattr.<name>` (raw bytes), bsdtar `LIBARCHIVE.xattr.<urlencoded>` (base64). */
function xattrsOf(pax: Record<string, string>): Pick<Entry, 'xattrs' | 'dropped'> {
  const found = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(pax)) {
    if (key.startsWith('LIBARCHIVE.xattr.')) {
      const attr = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
      if (!found.has(attr)) found.set(attr, Buffer.from(value, 'base64'));
    } else if (key.startsWith('SCHILY.xattr.')) {
      found.set(key.slice('SCHILY.xattr.'.length), Buffer.from(value, 'latin1'));
    }
  }
  const xattrs: Array<[string, Buffer]> = [];
  const dropped: string[] = [];
  for (const [attr, value] of found) {
    if (allowedXattr(attr)) xattrs.push([attr, value]);
    else dropped.push(attr);
  }
  return { xattrs, dropped };
}

/** File capabilities (ping) and user data; never trusted.* (overlayfs whiteouts, opaque dirs) or selinux. */
export function allowedXattr(name: string): boolean {
  // A NUL cannot be named to the kernel: such a name would be cut short into another one.
  return name === 'security.capability' || (name.startsWith('user.') && name.length > 5 && !name.includes('\0'));
}
