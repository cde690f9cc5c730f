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

  /** The record of index entry `i`, content "g<blob id>:<size>", its path without its first `strip` bytes and after `prefix`. */
  indexRecord(index: GitIndex, i: number, strip: number, prefix: Buffer): void {
    const start = index.nameStart[i]! + strip;
    const end = index.nameEnd[i]!;
    if (this.pos + prefix.length + (end - start) + RECORD_ROOM > this.out.length) this.flush();
    if (prefix.length + (end - start) + RECORD_ROOM > this.out.length) return this.record(prefix.toString('utf8') + index.names.toString('utf8', start, end), index.mode(i), `g${index.blob(i)}:${index.size(i)}`);
    const { out } = this;
    this.pos += prefix.copy(out, this.pos);
    this.pos += index.names.copy(out, this.pos, start, end);
    out[this.pos++] = 0;
    this.pos += out.write(index.mode(i).toString(8), this.pos, 'latin1');
    out[this.pos++] = 0;
    out[this.pos++] = 0x67; // g
    const blob = index.blobAt(i);
    for (let b = 0; b < index.hashBytes; b++) {
      const byte = index.bytes[blob + b]!;
      out[this.pos++] = HEX[2 * byte]!;
      out[this.pos++] = HEX[2 * byte + 1]!;
    }
    out[this.pos++] = 0x3a; // :
    this.pos += out.write(String(index.size(i)), this.pos, 'latin1');
    out[this.pos++] = 0x0a;
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
