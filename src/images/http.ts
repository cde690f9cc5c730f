import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { envError, messageOf, usageError, type VmError } from '../util/errors.js';

// The HTTP under every download: undici.request (fetch would decompress a gzip Content-Encoding, so the
// bytes we hash would not be the bytes upstream checksummed), identity encoding, redirects followed by
// hand and only to http(s), and retries with backoff for what a later try can fix (network, 5xx).

const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PROXY_VARS = ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'];
const TIMEOUT_VARIABLE = 'VMATRIX_HTTP_TIMEOUT';
const DEFAULT_TIMEOUT_S = 30;
const MAX_TIMEOUT_S = 86_400;

type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;
let proxyAgent: Dispatcher | undefined;

/** undici, loaded at the first request: a run whose images are all in the store never pays for it. */
export function loadUndici(): Promise<Undici> {
  undici ??= import('undici');
  return undici;
}

/** The proxy from the environment, if one is set; shared by every HTTP client of images/. */
export async function dispatcher(): Promise<Dispatcher | undefined> {
  if (!PROXY_VARS.some((v) => process.env[v])) return undefined;
  const { EnvHttpProxyAgent } = await loadUndici();
  proxyAgent ??= new EnvHttpProxyAgent(); // honours NO_PROXY too
  return proxyAgent;
}

/** A failure a later try may not see (connection reset, 503); withRetry retries these, nothing else. */
export class Transient extends Error {
  readonly hint?: string;
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.hint = options?.hint;
  }
}

/**
 * How many seconds a server may send nothing (no headers yet, or no body bytes) before the try fails:
 * $VMATRIX_HTTP_TIMEOUT, else 30. undici's own default (300 s) would leave a dead mirror hanging a run.
 */
export function stallTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[TIMEOUT_VARIABLE]?.trim();
  if (!text) return DEFAULT_TIMEOUT_S;
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_S)) {
    throw usageError('BAD_HTTP_TIMEOUT', `${TIMEOUT_VARIABLE}: "${text}" is not a number of seconds`, {
      hint:
        `write a number of seconds above 0 and at most ${MAX_TIMEOUT_S}, like ${TIMEOUT_VARIABLE}=120 for a ` +
        `slow link`,
    });
  }
  return seconds;
}

/** A failure on the wire, naming the URL; a stall says how long the server was silent. `got`: how far the body came. */
export function wireError(href: string, e: unknown, got?: string, method = 'GET'): Transient {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  const after = got ? ` after ${got}` : '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new Transient(
      `${method} ${href}: no data for ${stallTimeout()} s${after} (${TIMEOUT_VARIABLE})`,
      undefined,
      {
        cause: e,
        hint: `the server stopped sending: try again later, or raise ${TIMEOUT_VARIABLE} (seconds) for a slow link`,
      },
    );
  }
  return new Transient(`${method} ${href}: ${messageOf(e)}${after}`, undefined, { cause: e });
}

export interface RetryOptions {
  tries?: number;
  baseMs?: number;
  onRetry?: (e: Transient, attempt: number, delayMs: number) => void;
}

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
    cause: e,
    hint:
      e.hint ??
      (e.status
        ? 'the server is failing: try again later, or use another source'
        : 'check the network (or a proxy: http_proxy, https_proxy)'),
  });
}

export interface Response {
  res: Dispatcher.ResponseData;
  url: URL;
}

/**
 * GET after redirects; returns any non-redirect answer. Credentials are for the host they were given
 * for: an Authorization header is dropped as soon as a redirect leaves that host.
 */
export async function httpGet(
  url: URL,
  headers: Record<string, string> = {},
  method: 'GET' | 'HEAD' = 'GET',
): Promise<Response> {
  let current = url;
  let sent = headers;
  for (let hops = 0; ; hops++) {
    const res = await getOnce(current, sent, method);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode) || !location) return { res, url: current };
    await res.body.dump();
    const next = URL.parse(String(location), current);
    if (!next)
      throw envError('DOWNLOAD_FAILED', `GET ${current.href}: redirected to "${String(location)}", which is not a URL`);
    if (hops >= MAX_REDIRECTS) {
      throw envError(
        'DOWNLOAD_FAILED',
        `GET ${url.href}: too many redirects (more than ${MAX_REDIRECTS}, the last to ${next.href})`,
        {
          hint: 'the server redirects in a loop: try again later, or use another source',
        },
      );
    }
    const refused = refusedRedirect(current, next);
    if (refused) throw envError('DOWNLOAD_FAILED', `GET ${url.href}: ${refused}`, { hint: REDIRECT_HINT });
    if (next.host !== current.host) sent = withoutAuthorization(sent);
    current = next;
  }
}

export const REDIRECT_HINT =
  "a download that starts on https must stay on https: use an https mirror, or ask the server's operator";

/**
 * Why a redirect from `from` to `next` is not followed, or undefined. Only http(s); and never from https
 * down to plain http, where anyone on the way could answer in the server's name (what https promised not).
 */
export function refusedRedirect(from: URL, next: URL): string | undefined {
  if (next.protocol !== 'http:' && next.protocol !== 'https:') return `redirected to a ${next.protocol} URL, refused`;
  if (from.protocol === 'https:' && next.protocol === 'http:')
    return `redirected from https to plain http (${next.href}), refused`;
  return undefined;
}

/** One GET (or HEAD), no redirects followed: identity encoding, the proxy, the stall timeout; failures: Transient. */
export async function getOnce(
  url: URL,
  headers: Record<string, string>,
  method: 'GET' | 'HEAD' = 'GET',
): Promise<Dispatcher.ResponseData> {
  const stallMs = stallTimeout() * 1000; // outside the try: a bad value is the user's mistake, not the network's
  const { request } = await loadUndici();
  try {
    return await request(url, {
      method,
      dispatcher: await dispatcher(),
      headersTimeout: stallMs,
      bodyTimeout: stallMs,
      headers: { 'accept-encoding': 'identity', 'user-agent': 'vmatrix', ...headers },
    });
  } catch (e) {
    throw wireError(url.href, e, undefined, method);
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
    hint:
      res.statusCode === 404
        ? 'the file is gone upstream: the catalog entry may be outdated'
        : 'try again later, or use another source',
  });
}

export function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError('BAD_URL', `"${url}" is not a URL`);
  }
  if (!['http:', 'https:', 'file:'].includes(u.protocol))
    throw usageError('BAD_URL', `${url}: only http, https and file URLs are supported`);
  return u;
}

/** A whole small body (a checksum list, a manifest, a token), bounded so that a wrong URL cannot fill memory. */
export async function readBounded(
  body: AsyncIterable<Buffer> & { destroy(): void },
  max: number,
  tooLarge: () => Error,
): Promise<Buffer> {
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

/** What a HEAD (or a one-byte GET) says of a file without downloading it. */
export interface Probed {
  /** After redirects. */
  url: URL;
  /** Its size in bytes, when the server says it. */
  size?: number;
}

/** Statuses with which a server refuses HEAD itself, not the file: then a ranged GET asks again. */
const HEAD_REFUSED = new Set([403, 405, 501]);

/**
 * Whether `url` is there and how large, without its body: HEAD, or `Range: bytes=0-0` when the server
 * refuses HEAD (the size is then Content-Range's total; a server that ignores Range answers 200 with the
 * whole length, and the body is dropped unread). Non-2xx answers throw with the status and its reason.
 */
export async function probeUrl(url: URL, headers: Record<string, string> = {}, retry?: RetryOptions): Promise<Probed> {
  return withRetry(async () => {
    let r = await httpGet(url, headers, 'HEAD');
    let method = 'HEAD';
    if (HEAD_REFUSED.has(r.res.statusCode)) {
      await r.res.body.dump();
      r = await httpGet(url, { ...headers, range: 'bytes=0-0' });
      method = 'GET';
    }
    const { res } = r;
    // A HEAD has no body; a server that ignored Range sends the whole file: read a little, drop the rest.
    await res.body.dump({ limit: 64 << 10 }).catch(() => undefined);
    if (res.statusCode < 200 || res.statusCode > 299) {
      const what = `${method} ${r.url.href}: HTTP ${res.statusCode}${reason(res.statusCode)}`;
      if (res.statusCode >= 500) throw new Transient(what, res.statusCode);
      throw envError(
        'DOWNLOAD_FAILED',
        what,
        res.statusCode === 404 ? { hint: 'the file is gone upstream: the catalog entry may be outdated' } : {},
      );
    }
    const range = /\/(\d+)\s*$/.exec(String(res.headers['content-range'] ?? ''));
    const length = res.statusCode === 206 ? range?.[1] : res.headers['content-length'];
    const size = length === undefined ? undefined : Number(length);
    return { url: r.url, ...(size !== undefined && Number.isSafeInteger(size) ? { size } : {}) };
  }, retry);
}

/** ` Not Found` for 404: the reason phrase a status is known by, for messages. */
export function reason(status: number): string {
  const text = STATUS_CODES[status];
  return text ? ` ${text}` : '';
}
