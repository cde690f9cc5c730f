import { once } from 'node:events';
import { read, ReadStream } from 'node:fs';
import { Readable, PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { envError, messageOf } from '../util/errors.js';
import { overLimit } from './errors.js';
import { effectiveLimits, type Limits } from './limits.js';
import { programOutput, type ProgramStreamOptions } from './program-stream.js';
import { counted, filePosition, ratioGuard } from './ratio.js';

export type Compression = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'none';

interface Format {
  name: Exclude<Compression, 'none'>;
  magic: number[];
  program?: string;
  pkg?: string;
}

export interface DecompressOptions {
  /** Over the defaults and the operator's VMATRIX_ARCHIVE_* variables: memory and ratio limits. */
  limits?: Partial<Limits>;
}

// Node 20 has gzip but neither xz nor zstd: those go through the host's programs, which are on every
// machine that has the distro tooling vmatrix needs anyway.
const FORMATS: Format[] = [
  { name: 'gzip', magic: [0x1f, 0x8b] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], program: 'xz', pkg: 'xz-utils' },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], program: 'zstd', pkg: 'zstd' },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], program: 'bzip2', pkg: 'bzip2' },
];

const SNIFF_BYTES = 512;

/** The compression of a stream that starts with `head`; a tar header (ustar magic at 257) wins. */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'none';
  const found = FORMATS.find((f) => f.magic.every((b, i) => head[i] === b));
  return found?.name ?? 'none';
}

/**
 * A tar stream from a possibly compressed one. Truncated or corrupt input makes the result error, and so
 * does a stream that needs more memory than the limits allow (an xz dictionary, a zstd window) or that
 * expands more than `maxRatio` times (a bomb), before it costs the memory or the disk.
 */
export async function decompress(input: Readable, o: DecompressOptions = {}): Promise<Readable> {
  const limits = effectiveLimits(o.limits);
  const file = await wholeFile(input);
  if (file) return decompressFile(file, limits);
  const { head, rest } = await peek(input, SNIFF_BYTES);
  const kind = sniffCompression(head);
  if (kind === 'none') return rest;
  const { stream, bytes } = counted(rest);
  const out = kind === 'gzip' ? gunzip(stream) : decompressor(kind, limits, { input: stream });
  return ratioGuard(out, bytes, kind, limits);
}

/**
 * A file (createReadStream(path), nothing read yet) is sniffed with pread and, when a program decompresses
 * it, handed to the program as its stdin: the compressed bytes then never pass through Node's event loop
 * (a copy and a pipe write per 64 KiB less). The program shares our descriptor's file offset, which tells
 * how much it has read.
 */
async function decompressFile(file: FileStream, limits: Limits): Promise<Readable> {
  const head = Buffer.alloc(SNIFF_BYTES);
  const n = await new Promise<number>((resolve, reject) =>
    read(file.fd!, head, 0, SNIFF_BYTES, 0, (e, bytes) => (e ? reject(e) : resolve(bytes))),
  ).catch((e: unknown) => {
    file.destroy();
    throw e;
  });
  const kind = sniffCompression(head.subarray(0, n));
  if (kind === 'none') return file;
  if (kind === 'gzip') {
    const { stream, bytes } = counted(file);
    return ratioGuard(gunzip(stream), bytes, kind, limits);
  }
  let out: Readable;
  try {
    out = decompressor(kind, limits, { stdin: file.fd! });
  } catch (e) {
    file.destroy();
    throw e;
  }
  const fd = file.fd!;
  const guarded = ratioGuard(out, () => filePosition(fd), kind, limits);
  guarded.on('close', () => file.destroy());
  return guarded;
}

/** What @types/node leaves out of fs.ReadStream. */
type FileStream = ReadStream & { fd: number | null; start?: number; end: number };

/** The input as an open file stream, when it is a whole file from which nothing was read yet. */
async function wholeFile(input: Readable): Promise<FileStream | undefined> {
  if (!(input instanceof ReadStream)) return undefined;
  const f = input as FileStream;
  if (f.start !== undefined || f.end !== Infinity || f.bytesRead !== 0) return undefined;
  if (f.readableFlowing !== null || f.readableLength > 0) return undefined;
  if (f.pending) await once(f, 'open');
  return typeof f.fd === 'number' ? f : undefined;
}

const MiB = 1024 ** 2;

function decompressor(kind: Compression, limits: Limits, o: Pick<ProgramStreamOptions, 'input' | 'stdin'>): Readable {
  const f = FORMATS.find((x) => x.name === kind)!;
  return programOutput(f.program!, ['-dc', ...memoryArgs(kind, limits)], {
    ...o,
    errorCode: 'DECOMPRESS_FAILED',
    what: `${f.program} -dc (${kind} data)`,
    missingHint: `install it: apt-get install ${f.pkg}`,
    explain: (stderr) => memoryError(kind, limits, stderr),
  });
}

/** xz's memory follows the stream's dictionary size, zstd's the frame's window size: both set by the archive. */
function memoryArgs(kind: Compression, limits: Limits): string[] {
  if (kind === 'xz') return [`--memlimit=${Math.ceil(limits.xzMemory / MiB)}MiB`];
  if (kind === 'zstd') return [`--memory=${Math.ceil(limits.zstdMemory / MiB)}MB`];
  return []; // bzip2 needs at most 3.7 MB
}

function memoryError(kind: Compression, limits: Limits, stderr: string): Error | undefined {
  if (kind === 'xz' && /Memory usage limit reached/.test(stderr)) {
    return overLimit(
      `xz decompression memory (${limits.xzMemory / MiB} MiB): the stream's dictionary needs more`,
      undefined,
      'xzMemory',
    );
  }
  const window = /Window size larger than maximum : (\d+)/.exec(stderr);
  if (kind === 'zstd' && (window || /requires too much memory/.test(stderr))) {
    const needs = window ? `its window is ${Math.ceil(Number(window[1]) / MiB)} MiB` : 'the frame needs more';
    return overLimit(`zstd decompression memory (${limits.zstdMemory / MiB} MiB): ${needs}`, undefined, 'zstdMemory');
  }
  return undefined;
}

/** Reads the first `n` bytes and returns them with a stream that still yields everything. */
async function peek(input: Readable, n: number): Promise<{ head: Buffer; rest: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(r.value);
    length += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    try {
      if (head.length) yield head;
      if (ended) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      await it.return?.();
    }
  }
  return { head, rest: Readable.from(all(), { objectMode: false }) };
}

function gunzip(input: Readable): Readable {
  const out = new PassThrough();
  const z = createGunzip();
  const fail = (e: unknown): void => {
    out.destroy(envError('DECOMPRESS_FAILED', `gzip data is corrupt or truncated: ${messageOf(e)}`, { cause: e }));
    input.destroy();
  };
  input.on('error', (e) => {
    out.destroy(e);
    z.destroy();
  });
  z.on('error', fail);
  out.on('close', () => {
    input.destroy();
    z.destroy();
  });
  input.pipe(z).pipe(out);
  return out;
}
