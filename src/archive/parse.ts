import type { RawHeader } from './entry.js';
import { overLimit } from './errors.js';
import { decodeGlobalPax, decodePax, tarHeaders } from './pax.js';

// A push parser for tar: chunks in, entries and their content out, synchronously. tar-stream's extract()
// wraps every entry in a stream and the caller in two promises per entry, which cost more than all the
// syscalls of a distro root; this loop keeps tar-stream's header decoding (its `headers` module) and its
// rules for long names and PAX headers, but hands content over as slices of the input chunks, without a copy.

/** More than any real PAX or GNU long-name header; larger ones are refused before being buffered. */
const MAX_HEADER_SIZE = 4 * 1024 * 1024;

/**
 * Zeros read after the end-of-archive marker: writers pad to their record size (GNU tar: 10 KiB). More is
 * a bomb (gigabytes of zeros cost one compressed megabyte), refused before it costs minutes of CPU.
 */
const MAX_TRAILER = 8 * 1024 * 1024;

const ZEROS = Buffer.alloc(64 * 1024);

const LONG_TYPES = new Set(['gnu-long-path', 'gnu-long-link-path', 'pax-global-header', 'pax-header']);

/** What the parser feeds. A returned promise is awaited before the next byte is parsed. */
export interface TarSink {
  entry(h: RawHeader): void | Promise<void>;
  /** Content of the current entry, in order; the slices alias the input chunk. */
  data(chunk: Buffer): void;
  /** The current entry's content is complete (called for every entry, after its data). */
  end(): void | Promise<void>;
}

export class TarParser {
  /** Bytes of an incomplete header block or long header, kept until the rest arrives. */
  private carry: Buffer[] = [];
  private carried = 0;
  /** Content bytes of the current entry still to come, then padding to skip. */
  private missing = 0;
  private skip = 0;
  private inEntry = false;
  private long: RawHeader | null = null;
  private pax: Record<string, string> | null = null;
  private paxGlobal: Record<string, string> | null = null;
  private gnuLongPath: string | null = null;
  private gnuLongLinkPath: string | null = null;
  /** A zero block came where a header was due: the archive ends there, as it does for GNU tar and Go. */
  private ended = false;
  /** Bytes read after that block, all zeros. */
  private trailer = 0;

  constructor(private readonly sink: TarSink) {}

  async push(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      if (this.ended) {
        this.afterEnd(chunk.subarray(at));
        return;
      }
      if (this.missing > 0) {
        const n = Math.min(this.missing, chunk.length - at);
        this.sink.data(chunk.subarray(at, at + n));
        at += n;
        this.missing -= n;
        if (this.missing === 0) await this.endEntry();
      } else if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        at += n;
        this.skip -= n;
      } else {
        const need = this.long ? this.long.size : 512;
        const { block, used } = this.take(chunk, at, need);
        at += used;
        if (block) await this.consume(block);
      }
    }
  }

  /** Whether the archive ended with its end-of-archive marker (two zero blocks). */
  get complete(): boolean {
    return this.ended && this.trailer >= 512;
  }

  /** Throws when the input ended inside an entry. */
  end(): void {
    if (this.missing > 0 || this.skip > 0 || this.carried > 0 || this.long) throw new Error('Unexpected end of data');
  }

  /** `need` bytes from the carried bytes and `chunk` at `at`, or null while they are incomplete. */
  private take(chunk: Buffer, at: number, need: number): { block: Buffer | null; used: number } {
    if (this.carried === 0 && chunk.length - at >= need) return { block: chunk.subarray(at, at + need), used: need };
    const used = Math.min(need - this.carried, chunk.length - at);
    this.carry.push(chunk.subarray(at, at + used));
    this.carried += used;
    if (this.carried < need) return { block: null, used };
    const block = Buffer.concat(this.carry, this.carried);
    this.carry = [];
    this.carried = 0;
    return { block, used };
  }

  private async consume(block: Buffer): Promise<void> {
    if (this.long) return this.consumeLong(block);
    const h = tarHeaders.decode(block, 'utf-8', false) as RawHeader | null;
    if (!h) {
      this.ended = true; // the end-of-archive marker; `complete` tells whether it is whole
      return;
    }
    if (h.type && LONG_TYPES.has(h.type)) {
      if (h.size > MAX_HEADER_SIZE) throw new Error('Header exceeds max size');
      if (!(h.size >= 0)) throw new Error('Invalid header');
      this.long = h;
      if (h.size === 0) this.consumeLong(Buffer.alloc(0));
      return;
    }
    this.applyLongHeaders(h);
    if (!(h.size >= 0)) throw new Error('Invalid header');
    this.inEntry = true;
    await this.sink.entry(h);
    // Like tar-stream, a directory never has content: its size is checked by the sink (entry.ts refuses it).
    if (h.size === 0 || h.type === 'directory') await this.endEntry();
    else this.missing = h.size!;
    this.skip = padding(h.type === 'directory' ? 0 : h.size);
  }

  /**
   * Entries after the marker would be extracted by us and ignored by GNU tar and Go (a smuggling
   * disagreement, like CVE-2025-62518): anything but zero padding there is refused.
   */
  private afterEnd(rest: Buffer): void {
    if (!isZero(rest))
      throw new Error('data after the end-of-archive marker (tar stops reading there; a second archive appended?)');
    this.trailer += rest.length;
    if (this.trailer > MAX_TRAILER) throw overLimit(`zeros after the end-of-archive marker (${MAX_TRAILER} bytes)`);
  }

  private consumeLong(buf: Buffer): void {
    const h = this.long!;
    this.long = null;
    this.skip = padding(h.size);
    switch (h.type) {
      case 'gnu-long-path':
        this.gnuLongPath = tarHeaders.decodeLongPath(buf, 'utf-8');
        break;
      case 'gnu-long-link-path':
        this.gnuLongLinkPath = tarHeaders.decodeLongPath(buf, 'utf-8');
        break;
      case 'pax-global-header':
        this.paxGlobal = decodeGlobalPax(buf);
        break;
      default:
        this.pax = this.paxGlobal === null ? decodePax(buf) : { ...this.paxGlobal, ...decodePax(buf) };
    }
  }

  private applyLongHeaders(h: RawHeader): void {
    if (this.gnuLongPath) h.name = this.gnuLongPath;
    if (this.gnuLongLinkPath) h.linkname = this.gnuLongLinkPath;
    this.gnuLongPath = this.gnuLongLinkPath = null;
    if (this.pax) {
      if (this.pax.path) h.name = this.pax.path;
      if (this.pax.linkpath) h.linkname = this.pax.linkpath;
      if (this.pax.size) h.size = parseInt(this.pax.size, 10);
      h.pax = this.pax;
      this.pax = null;
    }
  }

  private async endEntry(): Promise<void> {
    if (!this.inEntry) return;
    this.inEntry = false;
    await this.sink.end();
  }
}

function padding(size: number): number {
  const rest = size & 511;
  return rest && 512 - rest;
}

function isZero(b: Buffer): boolean {
  for (let at = 0; at < b.length; at += ZEROS.length) {
    const part = b.subarray(at, at + ZEROS.length);
    if (!part.equals(ZEROS.subarray(0, part.length))) return false;
  }
  return true;
}
