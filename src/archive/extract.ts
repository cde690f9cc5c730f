import { mkdir, realpath } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { usageError } from '../util/errors.js';
import { toEntry, type RawHeader } from './entry.js';
import { asArchiveError, overLimit } from './errors.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { createExtract } from './pax.js';
import { TreeWriter } from './writer.js';

export interface ExtractProgress { entries: number; bytes: number }

export interface ExtractOptions {
  limits?: Partial<Limits>;
  /** Keep the archive's numeric owners. Default: when running as root. */
  sameOwner?: boolean;
  /** Create device nodes. Default: when running as root; otherwise they are skipped and counted. */
  devices?: boolean;
  /** Called every 1000 entries and at the end. */
  onProgress?: (p: ExtractProgress) => void;
}

export interface ExtractResult {
  entries: number;
  /** Bytes of regular-file content written. */
  bytes: number;
  skippedDevices: number;
  /** Extended attributes not set: outside the allow-list, on a symlink, or security.* without root. */
  droppedXattrs: string[];
}

/**
 * Extracts a (decompressed) tar stream into `dest` as a chrooted process would: see SAFETY.md 1-14.
 * On error the tree is left half-written: extract into a staging dir and discard it.
 */
export async function extractTar(input: Readable, dest: string, o: ExtractOptions = {}): Promise<ExtractResult> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  // Listen before the first await: a decompressor that fails at once must not become an unhandled error.
  const ex = createExtract();
  input.on('error', (e) => ex.destroy(e));
  ex.on('error', () => {}); // surfaced by the iteration below, or by input.errored before it starts
  const root = await prepareRoot(dest);
  if (input.errored) throw asArchiveError(input.errored, undefined);
  const asRoot = process.getuid?.() === 0;
  const writer = new TreeWriter(root, { sameOwner: o.sameOwner ?? asRoot, devices: o.devices ?? asRoot, securityXattrs: asRoot });
  const progress: ExtractProgress = { entries: 0, bytes: 0 };
  const tail = watchTail(input);
  input.pipe(ex as unknown as NodeJS.WritableStream);
  let at: string | undefined;
  try {
    for await (const source of ex) {
      at = source.header.name;
      const e = toEntry(source.header as unknown as RawHeader, limits);
      if (++progress.entries > limits.maxEntries) throw overLimit(`entries (${limits.maxEntries})`);
      if (progress.bytes + e.size > limits.maxBytes) throw overLimit(`bytes (${limits.maxBytes})`);
      await writer.add(e, source as AsyncIterable<Buffer>, (n) => { progress.bytes += n; });
      if (progress.entries % 1000 === 0) o.onProgress?.({ ...progress });
    }
    if (!tail.endsWithMarker()) throw asArchiveError(new Error('no end-of-archive marker: the archive is truncated'), at);
    await writer.finish();
  } catch (e) {
    input.unpipe();
    input.destroy();
    ex.destroy();
    throw asArchiveError(e, at);
  }
  o.onProgress?.({ ...progress });
  return { ...progress, skippedDevices: writer.skippedDevices, droppedXattrs: [...writer.dropped].sort() };
}

/**
 * Every tar writer ends an archive with two zero blocks; tar-stream accepts a stream cut at an entry
 * boundary as complete, so we check the marker ourselves: a cut plain tar must fail, not yield half a root.
 */
function watchTail(input: Readable): { endsWithMarker(): boolean } {
  let tail: Buffer = Buffer.alloc(0);
  input.on('data', (c: Buffer) => { tail = c.length >= 1024 ? c.subarray(-1024) : Buffer.concat([tail, c]).subarray(-1024); });
  return { endsWithMarker: () => tail.length === 1024 && tail.every((b) => b === 0) };
}

async function prepareRoot(dest: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  const root = await realpath(dest);
  if (root === '/') throw usageError('EXTRACT_TO_SLASH', 'refusing to extract an archive over the host\'s /');
  return root;
}
