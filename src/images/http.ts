import { setTimeout as sleep } from 'node:timers/promises';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { envError, messageOf, usageError, type VmError } from '../util/errors.js';

// The HTTP under every download: undici.request (fetch would decompress a gzip Content-Encoding, so the
// bytes we hash would not be the bytes upstream checksummed), identity encoding, redirects followed by
// hand and only to http(s), and retries with backoff for what a later try can fix (network, 5xx).

const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PROXY_VARS = ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'];

let proxyAgent: Dispatcher | undefined;
/** The proxy from the environment, if one is set; shared by every HTTP client of images/. */
export function dispatcher(): Dispatcher | undefined {
  if (!PROXY_VARS.some((v) => process.env[v])) return undefined;
  proxyAgent ??= new EnvHttpProxyAgent(); // honours NO_PROXY too
  return proxyAgent;
}

/** A failure a later try may not see (connection reset, 503); withRetry retries these, nothing else. */
export class Transient extends Error {
  constructor(message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface RetryOptions { tries?: number; baseMs?: number; onRetry?: (e: Transient, attempt: number, delayMs: number) => void }

/** Runs `fn` up to `tries` times, sleeping baseMs·2^n with ±50% jitter (so that clients do not retry in step). */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const tries = o.tries ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!(e instanceof Transient)) throw e;
      if (attempt >= tries) throw gaveUp(e, tries);
      const delay = Math.round((o.baseMs ?? 500) * 2 ** (attempt - 1) * (0.5 + Math.random()));
      o.onRetry?.(e, attempt, delay);
      await sleep(delay);
    }
  }
}

function gaveUp(e: Transient, tries: number): VmError {
  return envError('DOWNLOAD_FAILED', `${e.message} (gave up after ${tries} tries)`, {
    cause: e, hint: e.status ? 'the server is failing: try again later, or use another source' : 'check the network (or a proxy: http_proxy, https_proxy)',
  });
}

export interface Response { res: Dispatcher.ResponseData; url: URL }

/**
 * GET after redirects; returns any non-redirect answer. Credentials are for the host they were given
 * for: an Authorization header is dropped as soon as a redirect leaves that host.
 */
export async function httpGet(url: URL, headers: Record<string, string> = {}): Promise<Response> {
  let current = url;
  let sent = headers;
  for (let hops = 0; ; hops++) {
    const res = await getOnce(current, sent);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode) || !location) return { res, url: current };
    await res.body.dump();
    const next = new URL(String(location), current);
    if (hops >= MAX_REDIRECTS) throw envError('DOWNLOAD_FAILED', `GET ${url.href}: more than ${MAX_REDIRECTS} redirects`);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw envError('DOWNLOAD_FAILED', `GET ${url.href}: redirected to ${next.protocol} URL, refused`);
    if (next.host !== current.host) sent = withoutAuthorization(sent);
    current = next;
  }
}

async function getOnce(url: URL, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
  try {
    return await request(url, {
      method: 'GET', dispatcher: dispatcher(),
      headers: { 'accept-encoding': 'identity', 'user-agent': 'vmatrix', ...headers },
    });
  } catch (e) {
    throw new Transient(`GET ${url.href}: ${messageOf(e)}`, undefined, { cause: e });
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

/** Throws for a non-2xx answer (after reading its body): Transient for 5xx, final for the rest. */
export async function checkStatus({ res, url }: Response): Promise<void> {
  if (res.statusCode >= 200 && res.statusCode <= 299) return;
  await res.body.dump();
  if (res.statusCode >= 500) throw new Transient(`GET ${url.href}: HTTP ${res.statusCode}`, res.statusCode);
  throw envError('DOWNLOAD_FAILED', `GET ${url.href}: HTTP ${res.statusCode}`, {
    hint: res.statusCode === 404 ? 'the file is gone upstream: the catalog entry may be outdated' : 'try again later, or use another source',
  });
}

export function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError('BAD_URL', `"${url}" is not a URL`);
  }
  if (!['http:', 'https:', 'file:'].includes(u.protocol)) throw usageError('BAD_URL', `${url}: only http, https and file URLs are supported`);
  return u;
}

/** A whole small body (a checksum list, a manifest, a token), bounded so that a wrong URL cannot fill memory. */
export async function readBounded(body: AsyncIterable<Buffer> & { destroy(): void }, max: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
