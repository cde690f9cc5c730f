import { mkdir, realpath } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { usageError } from '../util/errors.js';
import { toEntry } from './entry.js';
import { asArchiveError, inArchive, overLimit } from './errors.js';
import { effectiveLimits, type Limits } from './limits.js';
import { TarParser } from './parse.js';
import { TreeWriter } from './writer.js';
import { rootlessMode } from '../util/user-namespace.js';

/** Input read ahead of the extraction, so that a decompressor keeps working while we write. */
const QUEUE_BYTES = 4 * 1024 * 1024;

export interface ExtractProgress {
  entries: number;
  bytes: number;
}

export interface ExtractOptions {
  /** Over the defaults and the operator's VMATRIX_ARCHIVE_* variables. */
  limits?: Partial<Limits>;
  /** How a limit error names the archive: its URL, its file. */
  archive?: string;
  /** Keep the archive's numeric owners. Default: when running as root. */
  sameOwner?: boolean;
  /** Create device nodes. Default: when running as root; otherwise they are skipped and counted. */
  devices?: boolean;
  /** Called every 1000 entries and at the end. */
  onProgress?: (p: ExtractProgress) => void;
  /** 'oci': the archive is an OCI layer applied over `dest`; its whiteout entries remove lower files. */
  whiteouts?: 'oci';
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
 * Extracts a (decompressed) tar stream into `dest` as a chrooted process would: see docs/safety.md, rules 1-14.
 * On error the tree is left half-written: extract into a staging dir and discard it.
 */
export async function extractTar(input: Readable, dest: string, o: ExtractOptions = {}): Promise<ExtractResult> {
  const limits = effectiveLimits(o.limits);
  // Listen before the first await: a decompressor that fails at once must not become an unhandled error.
  const chunks = chunksOf(input);
  const root = await prepareRoot(dest).catch((e: unknown) => {
    input.destroy();
    throw e;
  });
  // An input that failed while the root was being prepared is not thrown here: what it wrote before it
  // failed is queued, and parsing it first lets the error name the entry the stream broke in.
  const asRoot = process.getuid?.() === 0;
  // Root of a user namespace (rootless vmatrix) owns files but makes no device nodes, as GNU tar there.
  const rootless = asRoot ? await rootlessMode() : undefined;
  const writer = new TreeWriter(root, {
    sameOwner: o.sameOwner ?? (asRoot && rootless !== 'single'),
    devices: o.devices ?? (asRoot && rootless === undefined),
    securityXattrs: asRoot,
    whiteouts: o.whiteouts,
    maxLinkSteps: limits.maxLinkSteps,
  });
  const progress: ExtractProgress = { entries: 0, bytes: 0 };
  let at: string | undefined;
  const parser = new TarParser({
    entry(h) {
      at = h.name;
      const e = toEntry(h, limits);
      if (++progress.entries > limits.maxEntries)
        throw overLimit(`entries (${limits.maxEntries})`, h.name, 'maxEntries');
      if (progress.bytes + e.size > limits.maxBytes) throw overLimit(`bytes (${limits.maxBytes})`, h.name, 'maxBytes');
      if (progress.entries % 1000 === 0) o.onProgress?.({ ...progress });
      return writer.add(e);
    },
    data(chunk) {
      progress.bytes += chunk.length;
      writer.write(chunk);
    },
    end: () => writer.endEntry(),
  });
  try {
    let sinceTurn = 0;
    for await (const chunk of chunks) {
      await parser.push(chunk);
      // Buffered input is handed over without an event-loop turn; take one now and then, so that the
      // decompressor's output is read while we write, and it keeps decompressing on another core.
      if ((sinceTurn += chunk.length) >= 1024 * 1024) {
        sinceTurn = 0;
        await new Promise(setImmediate);
      }
    }
    parser.end();
    // A stream cut at an entry boundary parses fine: only the marker says the archive is whole.
    if (!parser.complete) throw asArchiveError(new Error('no end-of-archive marker: the archive is truncated'), at);
    await writer.finish();
  } catch (e) {
    writer.abort();
    input.destroy();
    throw inArchive(asArchiveError(e, at), o.archive);
  }
  o.onProgress?.({ ...progress });
  return { ...progress, skippedDevices: writer.skippedDevices, droppedXattrs: [...writer.dropped].sort() };
}

/**
 * The chunks of a stream as they arrive. A stream's own iterator hands over everything buffered as one
 * Buffer.concat() of it: with a decompressor running ahead, that copied the whole root once more.
 */
function chunksOf(input: Readable): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let queued = 0;
  let done = false;
  let error: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  input.on('data', (c: Buffer) => {
    queue.push(c);
    if ((queued += c.length) >= QUEUE_BYTES) input.pause();
    notify();
  });
  input.on('end', () => {
    done = true;
    notify();
  });
  input.on('error', (e) => {
    error ??= e;
    notify();
  });
  input.on('close', () => {
    if (!done) error ??= new Error('the input stream closed before its end');
    notify();
  });
  return (async function* next(): AsyncGenerator<Buffer> {
    for (;;) {
      const c = queue.shift();
      if (c) {
        if ((queued -= c.length) < QUEUE_BYTES / 2 && input.isPaused()) input.resume();
        yield c;
      } else if (error !== undefined) {
        throw error;
      } else if (done) {
        return;
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
  })();
}

async function prepareRoot(dest: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  const root = await realpath(dest);
  if (root === '/') throw usageError('EXTRACT_TO_SLASH', "refusing to extract an archive over the host's /");
  return root;
}
