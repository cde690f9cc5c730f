import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { envError, messageOf } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { checkStatus, httpGet, parseUrl, Transient, wireError, withRetry, type RetryOptions } from './http.js';

// A download into a partial file that survives a dropped connection and a killed process: the next try
// asks for the rest with `Range: bytes=N-` and `If-Range: <validator>`, so that a server whose file has
// changed since answers 200 with the whole new file, which replaces the partial (never spliced onto it,
// as apt's http method does). The validator (a strong ETag, else Last-Modified) sits beside the partial.

export interface Transfer {
  bytes: number;
  total?: number;
  bytesPerSecond?: number;
  etaSeconds?: number;
}

export interface ResumeOptions {
  headers?: Record<string, string>;
  retry?: RetryOptions;
  onProgress?: (t: Transfer) => void;
  /** The most bytes the file may have (an OCI descriptor states its size): more is refused, not retried. */
  maxBytes?: number;
}

export interface Downloaded {
  sha256: string;
  bytes: number;
  resumed: boolean;
}

const PROGRESS_MS = 200;

export function downloadResumable(url: string, partial: string, o: ResumeOptions = {}): Promise<Downloaded> {
  const parsed = parseUrl(url);
  if (parsed.protocol === 'file:') return copyLocal(fileURLToPath(parsed), partial, o);
  return withRetry(() => attempt(parsed, partial, o), o.retry);
}

async function attempt(url: URL, partial: string, o: ResumeOptions): Promise<Downloaded> {
  const have = await stat(partial).then(
    (s) => s.size,
    () => 0,
  );
  const validator = have > 0 ? await readFile(`${partial}.validator`, 'utf8').catch(() => undefined) : undefined;
  const headers = { ...o.headers, ...(validator ? { range: `bytes=${have}-`, 'if-range': validator } : {}) };
  const r = await httpGet(url, headers);
  if (r.res.statusCode === 416 && validator) {
    // Nothing after byte N: the partial may be the whole file. The caller's digest check decides.
    await r.res.body.dump();
    return { ...(await hashFile(partial)), resumed: true };
  }
  await checkStatus(r);
  const append = r.res.statusCode === 206 && !!validator && rangeStart(r.res.headers) === have;
  if (r.res.statusCode === 206 && !append) {
    await r.res.body.dump();
    await forget(partial);
    throw new Transient(`GET ${r.url.href}: a range we did not ask for (${String(r.res.headers['content-range'])})`);
  }
  await saveValidator(partial, r.res.headers);
  const hash = createHash('sha256');
  if (append) await hashInto(hash, partial);
  const length = Number(r.res.headers['content-length']);
  const total = Number.isFinite(length) ? (append ? have : 0) + length : undefined;
  const bytes = await streamTo(
    r.res.body as AsyncIterable<Buffer> & { destroy(): void },
    partial,
    append ? have : 0,
    total,
    o,
    r.url.href,
    hash,
  );
  if (total !== undefined && bytes < total)
    throw new Transient(`GET ${r.url.href}: connection closed after ${bytes} of ${total} bytes`);
  return { sha256: hash.digest('hex'), bytes, resumed: append };
}

async function streamTo(
  body: AsyncIterable<Buffer> & { destroy(): void },
  partial: string,
  from: number,
  total: number | undefined,
  o: ResumeOptions,
  href: string,
  hash: Hash,
): Promise<number> {
  const fh = await open(partial, from > 0 ? 'a' : 'w', 0o600);
  const started = Date.now();
  let bytes = from;
  let last = 0;
  // Failures retrying cannot mend: a body longer than announced, or a write that failed (a full disk).
  let fatal: Error | undefined;
  const report = (): void => {
    const seconds = (Date.now() - started) / 1000;
    const bytesPerSecond = seconds > 0 ? (bytes - from) / seconds : undefined;
    const etaSeconds =
      total !== undefined && bytesPerSecond ? Math.max(0, (total - bytes) / bytesPerSecond) : undefined;
    o.onProgress?.({ bytes, total, bytesPerSecond, etaSeconds });
  };
  try {
    report();
    for await (const chunk of body) {
      if (o.maxBytes !== undefined && bytes + chunk.length > o.maxBytes) {
        fatal = envError('DOWNLOAD_TOO_LARGE', `GET ${href}: more than the ${o.maxBytes} bytes expected`, {
          hint: 'the server is not sending the file it was asked for; nothing was kept',
        });
        throw fatal;
      }
      hash.update(chunk);
      await writeAll(fh, chunk).catch((e: Error) => {
        fatal = e;
        throw e;
      });
      bytes += chunk.length;
      if (Date.now() - last >= PROGRESS_MS) {
        last = Date.now();
        report();
      }
    }
    report();
  } catch (e) {
    body.destroy();
    if (fatal) throw fatal;
    // What arrived is kept: the next try (or the next vmatrix) asks only for the rest.
    throw wireError(href, e, total === undefined ? `${bytes} bytes` : `${bytes} of ${total} bytes`);
  } finally {
    await fh.sync().catch(() => {});
    await fh.close();
    // After a failed write the partial goes too: on a full disk, keeping it would keep the store full.
    if (fatal) await forget(partial);
  }
  return bytes;
}

async function writeAll(fh: FileHandle, chunk: Buffer): Promise<void> {
  for (let at = 0; at < chunk.length;) at += (await fh.write(chunk, at, chunk.length - at)).bytesWritten;
}

/** A file: URL is copied whole: nothing to resume, nothing to retry. */
async function copyLocal(path: string, partial: string, o: ResumeOptions): Promise<Downloaded> {
  const hash = createHash('sha256');
  const source = createReadStream(path);
  const total = await stat(path).then(
    (s) => s.size,
    (e: unknown) => {
      throw envError('DOWNLOAD_FAILED', `${path}: ${messageOf(e)}`, { cause: e });
    },
  );
  const bytes = await streamTo(
    source as unknown as AsyncIterable<Buffer> & { destroy(): void },
    partial,
    0,
    total,
    o,
    path,
    hash,
  ).catch((e: unknown) => {
    throw e instanceof Transient ? envError('DOWNLOAD_FAILED', e.message, { cause: e }) : e;
  });
  return { sha256: hash.digest('hex'), bytes, resumed: false };
}

/** `bytes 100-199/200` → 100. */
function rangeStart(headers: IncomingHttpHeaders): number | undefined {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(String(headers['content-range'] ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** Only a strong ETag may be used in If-Range (RFC 9110 13.1.5); Last-Modified is the fallback. */
async function saveValidator(partial: string, headers: IncomingHttpHeaders): Promise<void> {
  const etag = typeof headers.etag === 'string' && !headers.etag.startsWith('W/') ? headers.etag : undefined;
  const validator = etag ?? (typeof headers['last-modified'] === 'string' ? headers['last-modified'] : undefined);
  if (validator) await writeFileAtomic(`${partial}.validator`, validator);
  else await rm(`${partial}.validator`, { force: true }); // without one, a resume could splice two versions
}

/** Removes a partial file and its validator. */
export async function forget(partial: string): Promise<void> {
  await rm(partial, { force: true });
  await rm(`${partial}.validator`, { force: true });
}

async function hashInto(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
}

async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  await hashInto(hash, path);
  return { sha256: hash.digest('hex'), bytes: (await stat(path)).size };
}
