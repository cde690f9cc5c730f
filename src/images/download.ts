import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { envError, isVmError, messageOf } from '../util/errors.js';
import {
  checkStatus,
  httpGet,
  parseUrl,
  probeUrl,
  readBounded,
  wireError,
  withRetry,
  type RetryOptions,
} from './http.js';

// Whole-body reads for image sources: a checksum list, an index. Large files that must survive an
// interrupted connection go through resume.ts (ensureBlob) instead.

export interface OpenOptions {
  headers?: Record<string, string>;
  retry?: RetryOptions;
}

type Body = Readable & AsyncIterable<Buffer>;

async function openFile(url: URL): Promise<Body> {
  const path = fileURLToPath(url);
  await stat(path).catch((e: unknown) => {
    throw envError('DOWNLOAD_FAILED', `${url.href}: ${messageOf(e)}`, { cause: e });
  });
  return createReadStream(path) as Body;
}

/**
 * A small resource (a SHA256SUMS file, its signature), bounded so a wrong URL cannot fill memory. The body
 * is read inside the retry: a connection that drops or stalls mid-list is tried again like one that never
 * opened. Bytes, not text: a signature covers the bytes as served.
 */
export async function fetchBytes(url: string, maxBytes = 4 << 20, o: OpenOptions = {}): Promise<Buffer> {
  const tooLarge = (): Error =>
    envError('DOWNLOAD_FAILED', `${url} is larger than ${maxBytes} bytes: not a checksum list`);
  const parsed = parseUrl(url);
  if (parsed.protocol === 'file:') return readBounded(await openFile(parsed), maxBytes, tooLarge);
  return withRetry(async () => {
    const r = await httpGet(parsed, o.headers);
    await checkStatus(r);
    return readBounded(r.res.body as Body, maxBytes, tooLarge).catch((e: unknown) => {
      throw isVmError(e) ? e : wireError(r.url.href, e);
    });
  }, o.retry);
}

export async function fetchText(url: string, maxBytes = 4 << 20, o: OpenOptions = {}): Promise<string> {
  return (await fetchBytes(url, maxBytes, o)).toString('utf8');
}

/**
 * Whether the artifact at `url` exists, and its size in bytes when known, without downloading it: a
 * local file's size, or what a HEAD (or a one-byte ranged GET) says.
 */
export async function artifactSize(url: string, o: OpenOptions = {}): Promise<number | undefined> {
  const parsed = parseUrl(url);
  if (parsed.protocol === 'file:') {
    const st = await stat(fileURLToPath(parsed)).catch((e: unknown) => {
      throw envError('DOWNLOAD_FAILED', `${url}: ${messageOf(e)}`, { cause: e });
    });
    return st.size;
  }
  return (await probeUrl(parsed, o.headers, o.retry)).size;
}
