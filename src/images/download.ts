import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { envError, isVmError, messageOf } from '../util/errors.js';
import { checkStatus, httpGet, parseUrl, readBounded, wireError, withRetry, type RetryOptions } from './http.js';

// Whole-body reads for image sources: a checksum list, an index. Large files that must survive an
// interrupted connection go through resume.ts (ensureBlob) instead.

export interface OpenOptions { headers?: Record<string, string>; retry?: RetryOptions }

type Body = Readable & AsyncIterable<Buffer>;

async function openFile(url: URL): Promise<Body> {
  const path = fileURLToPath(url);
  await stat(path).catch((e: unknown) => {
    throw envError('DOWNLOAD_FAILED', `${url.href}: ${messageOf(e)}`, { cause: e });
  });
  return createReadStream(path) as Body;
}

/**
 * A small text resource (a SHA256SUMS file), bounded so a wrong URL cannot fill memory. The body is read
 * inside the retry: a connection that drops or stalls mid-list is tried again like one that never opened.
 */
export async function fetchText(url: string, maxBytes = 4 << 20, o: OpenOptions = {}): Promise<string> {
  const tooLarge = (): Error => envError('DOWNLOAD_FAILED', `${url} is larger than ${maxBytes} bytes: not a checksum list`);
  const parsed = parseUrl(url);
  if (parsed.protocol === 'file:') return (await readBounded(await openFile(parsed), maxBytes, tooLarge)).toString('utf8');
  return withRetry(async () => {
    const r = await httpGet(parsed, o.headers);
    await checkStatus(r);
    const bytes = await readBounded(r.res.body as Body, maxBytes, tooLarge).catch((e: unknown) => {
      throw isVmError(e) ? e : wireError(r.url.href, e);
    });
    return bytes.toString('utf8');
  }, o.retry);
}
