import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { envError, messageOf } from '../util/errors.js';
import { checkStatus, httpGet, parseUrl, readBounded, withRetry, type RetryOptions } from './http.js';

// Whole-body reads for image sources: a checksum list, or a stream to hash. Large files that must survive
// an interrupted connection go through resume.ts (ensureBlob) instead.

export interface Opened { body: Readable; total?: number; url: string }

export interface OpenOptions { headers?: Record<string, string>; retry?: RetryOptions }

/** A readable body for an http(s):// or file:// URL, after redirects and retries; non-2xx is an environment error. */
export async function openUrl(url: string, o: OpenOptions = {}): Promise<Opened> {
  const parsed = parseUrl(url);
  if (parsed.protocol === 'file:') return openFile(parsed);
  return withRetry(async () => {
    const r = await httpGet(parsed, o.headers);
    await checkStatus(r);
    const length = Number(r.res.headers['content-length']);
    return { body: r.res.body, total: Number.isFinite(length) ? length : undefined, url: r.url.href };
  }, o.retry);
}

async function openFile(url: URL): Promise<Opened> {
  const path = fileURLToPath(url);
  const st = await stat(path).catch((e: unknown) => {
    throw envError('DOWNLOAD_FAILED', `${url.href}: ${messageOf(e)}`, { cause: e });
  });
  return { body: createReadStream(path), total: st.size, url: url.href };
}

/** A small text resource (a SHA256SUMS file), bounded so a wrong URL cannot fill memory. */
export async function fetchText(url: string, maxBytes = 4 << 20, o: OpenOptions = {}): Promise<string> {
  const { body } = await openUrl(url, o);
  const bytes = await readBounded(body as Readable & AsyncIterable<Buffer>, maxBytes,
    () => envError('DOWNLOAD_FAILED', `${url} is larger than ${maxBytes} bytes: not a checksum list`));
  return bytes.toString('utf8');
}
