import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { envError, messageOf, usageError } from '../util/errors.js';

// Downloads for image sources. undici.request, not fetch: fetch decompresses a gzip Content-Encoding on the
// fly, so the bytes we hash would not be the bytes upstream checksummed. Redirects are followed by hand
// (undici 7 moved them to an interceptor) and only to http(s): a server must not point us at a local file.

const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PROXY_VARS = ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'];

export interface Opened { body: Readable; total?: number; url: string }

let proxyAgent: Dispatcher | undefined;
function dispatcher(): Dispatcher | undefined {
  if (!PROXY_VARS.some((v) => process.env[v])) return undefined;
  proxyAgent ??= new EnvHttpProxyAgent(); // honours NO_PROXY too
  return proxyAgent;
}

/** A readable body for an http(s):// or file:// URL, after redirects; non-2xx is an environment error. */
export async function openUrl(url: string): Promise<Opened> {
  let current = parseUrl(url);
  if (current.protocol === 'file:') return openFile(current);
  for (let hops = 0; ; hops++) {
    const res = await get(current);
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode) && location) {
      await res.body.dump();
      const next = new URL(String(location), current);
      if (hops >= MAX_REDIRECTS) throw envError('DOWNLOAD_FAILED', `GET ${url}: more than ${MAX_REDIRECTS} redirects`);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw envError('DOWNLOAD_FAILED', `GET ${url}: redirected to ${next.protocol} URL, refused`);
      current = next;
      continue;
    }
    if (res.statusCode < 200 || res.statusCode > 299) {
      await res.body.dump();
      throw envError('DOWNLOAD_FAILED', `GET ${current.href}: HTTP ${res.statusCode}`, {
        hint: res.statusCode === 404 ? 'the file is gone upstream: the catalog entry may be outdated' : 'try again later, or use another source',
      });
    }
    const length = Number(res.headers['content-length']);
    return { body: res.body, total: Number.isFinite(length) ? length : undefined, url: current.href };
  }
}

async function get(url: URL): Promise<Dispatcher.ResponseData> {
  try {
    return await request(url, { method: 'GET', headers: { 'accept-encoding': 'identity', 'user-agent': 'vmatrix' }, dispatcher: dispatcher() });
  } catch (e) {
    throw envError('DOWNLOAD_FAILED', `GET ${url.href}: ${messageOf(e)}`, { cause: e, hint: 'check the network (or a proxy: http_proxy, https_proxy)' });
  }
}

async function openFile(url: URL): Promise<Opened> {
  const path = fileURLToPath(url);
  const st = await stat(path).catch((e: unknown) => {
    throw envError('DOWNLOAD_FAILED', `${url.href}: ${messageOf(e)}`, { cause: e });
  });
  return { body: createReadStream(path), total: st.size, url: url.href };
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError('BAD_URL', `"${url}" is not a URL`);
  }
  if (!['http:', 'https:', 'file:'].includes(u.protocol)) throw usageError('BAD_URL', `${url}: only http, https and file URLs are supported`);
  return u;
}

export interface Downloaded { sha256: string; bytes: number }

/** Streams a URL into a new file `dest` (fsynced), hashing it on the way. */
export async function downloadTo(url: string, dest: string, onBytes?: (bytes: number, total?: number) => void): Promise<Downloaded> {
  const { body, total } = await openUrl(url);
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = await open(dest, 'wx', 0o600);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      for (let at = 0; at < chunk.length;) at += (await fh.write(chunk, at, chunk.length - at)).bytesWritten;
      bytes += chunk.length;
      onBytes?.(bytes, total);
    }
    await fh.sync();
  } catch (e) {
    body.destroy();
    throw envError('DOWNLOAD_FAILED', `downloading ${url}: ${messageOf(e)}`, { cause: e });
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** A small text resource (a SHA256SUMS file), bounded so a wrong URL cannot fill memory. */
export async function fetchText(url: string, maxBytes = 4 << 20): Promise<string> {
  const { body } = await openUrl(url);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw envError('DOWNLOAD_FAILED', `${url} is larger than ${maxBytes} bytes: not a checksum list`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
