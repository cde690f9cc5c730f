import { open } from 'node:fs/promises';
import { settledBefore, stampOf, type Stamp } from './stamp.js';

// Git's index file (gitformat-index(5)), read directly: for every tracked file it holds the blob id and the
// stat data git last saw the file with. That is what lets an unchanged tree be snapshotted without reading a
// single file: `git status` has just compared those stat data with the working tree. Versions 2 to 4; a
// split or sparse index, or anything else this reader does not expect, reads as undefined and the caller
// hashes the files itself, slower but just as right. The file is the project's, so every read is bounded.
// Reading makes no object per entry, only three offsets: a warm snapshot of 200,000 files hashes the
// entries' bytes where they lie (key.ts), and decodes an entry only when it is copied.

export const GITLINK = 0o160000;
const MAX_INDEX_BYTES = 1 << 30;
const ASSUME_VALID = 0x8000;
const EXTENDED = 0x4000;
const SKIP_WORKTREE_OR_INTENT_TO_ADD = 0x4000 | 0x2000;

export class GitIndex {
  /** Where each entry starts in `buf`, and where its name is in `names`. */
  private readonly at: Uint32Array;
  readonly nameStart: Uint32Array;
  readonly nameEnd: Uint32Array;
  /** The entries' names: the file itself, or for version 4 (whose names are compressed) the names written out. */
  names: Buffer;

  constructor(
    private readonly buf: Buffer,
    readonly hashBytes: number,
    readonly count: number,
    readonly file: Stamp,
  ) {
    this.at = new Uint32Array(count);
    this.nameStart = new Uint32Array(count);
    this.nameEnd = new Uint32Array(count);
    this.names = buf;
  }

  /** Entry `i`'s path, without its first `strip` bytes. */
  path(i: number, strip = 0): string {
    return this.names.toString('utf8', this.nameStart[i] + strip, this.nameEnd[i]);
  }
  /** 0o100644, 0o100755, 0o120000 (a symlink) or 0o160000 (a submodule's commit). */
  mode(i: number): number {
    return this.u32(i, 6);
  }
  /** The file's size when git hashed it. */
  size(i: number): number {
    return this.u32(i, 9);
  }
  /** 0 for a merged entry; 1 to 3 for the sides of a conflict. */
  stage(i: number): number {
    return (this.buf[this.at[i] + 40 + this.hashBytes] >> 4) & 3;
  }
  /** The content as a snapshot's key names it (entries.ts): the blob, and the size of the file it was hashed from. */
  cid(i: number): string {
    return `g${this.blob(i)}:${this.size(i)}`;
  }
  /** Where the blob's id is in the file. */
  blobAt(i: number): number {
    return this.at[i] + 40;
  }
  blob(i: number): string {
    return this.buf.toString('hex', this.blobAt(i), this.blobAt(i) + this.hashBytes);
  }
  /** The bytes of the file: for hashing an entry's blob id without decoding it. */
  get bytes(): Buffer {
    return this.buf;
  }

  /**
   * Whether git vouches for the working tree file while its stamp is unchanged: a merged entry, not
   * assume-unchanged, skip-worktree or intent-to-add, last changed before the second the index was written in.
   */
  vouched(i: number): boolean {
    const flagsAt = this.at[i] + 40 + this.hashBytes;
    const flags = u16(this.buf, flagsAt);
    const extended = flags & EXTENDED ? u16(this.buf, flagsAt + 2) : 0;
    return (
      (flags & 0x3000) === 0 &&
      !(flags & ASSUME_VALID) &&
      !(extended & SKIP_WORKTREE_OR_INTENT_TO_ADD) &&
      settledBefore({ ctimeSec: this.u32(i, 0), mtimeSec: this.u32(i, 2) }, this.file.mtimeSec)
    );
  }

  /** The file as git last saw it: its content is the blob while the working tree file has this stamp. */
  stamp(i: number): Stamp {
    return {
      ctimeSec: this.u32(i, 0),
      ctimeNsec: this.u32(i, 1),
      mtimeSec: this.u32(i, 2),
      mtimeNsec: this.u32(i, 3),
      ino: this.u32(i, 5),
      size: this.u32(i, 9),
    };
  }

  private u32(i: number, field: number): number {
    return u32(this.buf, this.at[i] + 4 * field);
  }

  /** Reads the entries' offsets; false for a format this reader does not take. */
  parse(version: number): boolean {
    const { buf, hashBytes } = this;
    const names = version === 4 ? new NameWriter(buf.length) : undefined;
    let off = 12;
    for (let i = 0; i < this.count; i++) {
      const flagsAt = off + 40 + hashBytes;
      if (flagsAt + 4 > buf.length) return false;
      const flags = u16(buf, flagsAt);
      if (flags & EXTENDED && version < 3) return false;
      const nameAt = flagsAt + (flags & EXTENDED ? 4 : 2);
      this.at[i] = off;
      if (names) {
        const next = names.add(buf, nameAt, i === 0 ? 0 : this.nameEnd[i - 1] - this.nameStart[i - 1]);
        if (next < 0) return false;
        this.nameStart[i] = names.lastStart;
        this.nameEnd[i] = names.length;
        off = next;
      } else {
        // Versions 2 and 3: the name, NUL-terminated, padded with NULs to a multiple of 8 bytes from the entry's
        // start. Its length is in the flags, unless it is 0xfff or more.
        const end = (flags & 0xfff) < 0xfff ? nameAt + (flags & 0xfff) : buf.indexOf(0, nameAt);
        if (end < 0 || buf[end] !== 0) return false;
        this.nameStart[i] = nameAt;
        this.nameEnd[i] = end;
        off += (nameAt - off + (end - nameAt) + 8) & ~7;
        if (off > buf.length) return false;
      }
    }
    if (names) this.names = names.buffer;
    return extensionsUsable(buf, off, hashBytes);
  }
}

// Big-endian fields read byte by byte: for the hundreds of thousands of reads of a large index, this is
// what V8 compiles best (Buffer's readUInt*BE check their arguments on every call).
const u16 = (buf: Buffer, at: number): number => (buf[at] << 8) | buf[at + 1];
const u32 = (buf: Buffer, at: number): number =>
  ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;

/** Reads the index at `path` (objects named by `hashBytes`-byte ids); undefined when it cannot be used. */
export async function readGitIndex(path: string, hashBytes: number): Promise<GitIndex | undefined> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return undefined;
  try {
    const st = await file.stat({ bigint: true });
    if (!st.isFile() || st.size > MAX_INDEX_BYTES) return undefined;
    const buf = await file.readFile();
    if (buf.length < 12 + hashBytes || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined;
    const version = buf.readUInt32BE(4);
    const count = buf.readUInt32BE(8);
    if (version < 2 || version > 4 || count > buf.length / (40 + hashBytes)) return undefined;
    const index = new GitIndex(buf, hashBytes, count, stampOf(st));
    return index.parse(version) ? index : undefined;
  } finally {
    await file.close();
  }
}

/** Version 4's names written out: each is the previous one less some bytes at its end, plus the rest. */
class NameWriter {
  buffer: Buffer;
  length = 0;
  lastStart = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(size, 4096));
  }

  /**
   * Adds the name at `at` (git's varint of bytes to drop from the previous name, then a NUL-terminated rest); the
   * offset after it, or -1.
   */
  add(buf: Buffer, at: number, previousLength: number): number {
    let p = at;
    let c = buf[p++];
    if (c === undefined) return -1;
    let drop = c & 127;
    while (c & 128) {
      c = buf[p++];
      if (c === undefined || drop > 1 << 24) return -1;
      drop = (drop + 1) * 128 + (c & 127);
    }
    const end = buf.indexOf(0, p);
    const kept = previousLength - drop;
    if (end < 0 || kept < 0) return -1;
    this.room(kept + end - p);
    this.buffer.copy(this.buffer, this.length, this.lastStart, this.lastStart + kept);
    buf.copy(this.buffer, this.length + kept, p, end);
    this.lastStart = this.length;
    this.length += kept + end - p;
    return end + 1;
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

/**
 * The extensions after the entries: a split index (`link`) keeps entries in another file and a sparse one
 * (`sdir`) stands whole directories for their files, so either makes the entries incomplete.
 */
function extensionsUsable(buf: Buffer, off: number, hashBytes: number): boolean {
  while (off + 8 <= buf.length - hashBytes) {
    const signature = buf.toString('latin1', off, off + 4);
    if (signature === 'link' || signature === 'sdir') return false;
    off += 8 + buf.readUInt32BE(off + 4);
  }
  return off === buf.length - hashBytes;
}
