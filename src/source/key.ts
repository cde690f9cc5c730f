import { createHash } from 'node:crypto';
import type { GitIndex } from './git-index.js';

// The hash that names a snapshot. Its input is a sequence of records, `path\0mode\0content\n` (a path holds
// no NUL, a content no newline), and of markers that begin with a NUL, which no record does: so no two
// lists of files give the same input. A record of an index entry is written from the index's bytes as they
// lie, through one reused buffer: naming 200,000 unchanged files allocates nothing per file.

const HEX = Buffer.from(Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0')).join(''), 'latin1');
const RECORD_ROOM = 4096 + 256;

export class KeyHash {
  private readonly hash = createHash('sha256');
  private readonly out = Buffer.allocUnsafe(1 << 16);
  private pos = 0;

  /** A marker: `\0text\n`. */
  marker(text: string): void {
    this.text(`\0${text}\n`);
  }

  /** A file's record, from strings. */
  record(path: string, mode: number, content: string): void {
    this.text(`${path}\0${mode.toString(8)}\0${content}\n`);
  }

  /** The record of index entry `i`, content "g<blob id>:<size>", its path without its first `strip` bytes. */
  indexRecord(index: GitIndex, i: number, strip: number): void {
    const { names, bytes } = index;
    const start = index.nameStart[i] + strip;
    const end = index.nameEnd[i];
    if (this.pos + (end - start) + RECORD_ROOM > this.out.length) this.flush();
    if (end - start + RECORD_ROOM > this.out.length)
      return this.record(index.path(i, strip), index.mode(i), `g${index.blob(i)}:${index.size(i)}`);
    // Byte by byte: most names are short, and a call into Buffer's native code per copy costs more.
    const { out } = this;
    let pos = this.pos;
    for (let p = start; p < end; p++) out[pos++] = names[p]!;
    out[pos++] = 0;
    const mode = index.mode(i);
    for (let shift = 15; shift >= 0; shift -= 3)
      if (mode >>> shift || shift === 0) out[pos++] = 0x30 + ((mode >>> shift) & 7);
    out[pos++] = 0;
    out[pos++] = 0x67; // g
    const blob = index.blobAt(i);
    for (let b = blob; b < blob + index.hashBytes; b++) {
      out[pos++] = HEX[2 * bytes[b]]!;
      out[pos++] = HEX[2 * bytes[b] + 1]!;
    }
    out[pos++] = 0x3a; // :
    pos = writeDecimal(out, pos, index.size(i));
    out[pos++] = 0x0a;
    this.pos = pos;
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private text(s: string): void {
    if (this.pos + Buffer.byteLength(s) > this.out.length) this.flush();
    if (Buffer.byteLength(s) > this.out.length) this.hash.update(s);
    else this.pos += this.out.write(s, this.pos, 'utf8');
  }

  private flush(): void {
    this.hash.update(this.out.subarray(0, this.pos));
    this.pos = 0;
  }
}

/**
 * The digest of the records of entries `entries` of `index` (paths without their first `strip` bytes), each as
 * the index names it, or as `instead` has it: an entry `instead` maps to undefined is left out.
 */
export function recordsDigest(
  index: GitIndex,
  entries: readonly number[],
  strip: number,
  instead = new Map<number, { mode: number; cid: string } | undefined>(),
): string {
  const key = new KeyHash();
  for (const i of entries) {
    if (!instead.has(i)) key.indexRecord(index, i, strip);
    else if (instead.get(i)) key.record(index.path(i, strip), instead.get(i)!.mode, instead.get(i)!.cid);
  }
  return key.digest();
}

/** Writes `n` (a non-negative integer) in decimal at `pos`; the position after it. */
function writeDecimal(out: Buffer, pos: number, n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  for (let k = digits - 1, rest = n; k >= 0; k--, rest = Math.floor(rest / 10)) out[pos + k] = 0x30 + (rest % 10);
  return pos + digits;
}
