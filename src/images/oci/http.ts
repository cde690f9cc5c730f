import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { envError } from '../../util/errors.js';
import { getOnce, readBounded as readShared, Transient } from '../http.js';

// The registry's HTTP: undici.request (never fetch, which decompresses), identity encoding, proxies from
// the environment, and errors that name the URL, the status and what to do.

export async function httpGet(
  url: URL,
  headers: Record<string, string>,
  method: 'GET' | 'HEAD' = 'GET',
): Promise<Dispatcher.ResponseData> {
  try {
    return await getOnce(url, headers, method);
  } catch (e) {
    if (!(e instanceof Transient)) throw e;
    throw envError('OCI_REGISTRY_UNREACHABLE', e.message, {
      cause: e.cause,
      hint: e.hint ?? 'check the network (or a proxy: http_proxy, https_proxy) and the registry name',
    });
  }
}

/** A whole small body (a manifest, a token), bounded so a wrong URL cannot fill memory. */
export function readBounded(body: Readable, max: number, what: string): Promise<Buffer> {
  return readShared(body as Readable & AsyncIterable<Buffer>, max, () =>
    envError('OCI_TOO_LARGE', `${what} is larger than ${max} bytes`, {
      hint: 'the registry sent something other than a manifest',
    }),
  );
}

/** An error for a non-2xx answer; reads the registry's own error code from the body when it sends one. */
export async function statusError(res: Dispatcher.ResponseData, url: URL, method = 'GET'): Promise<Error> {
  const text = await readBounded(res.body, 64 << 10, url.href).then(
    (b) => b.toString('utf8'),
    () => '',
  );
  let detail = '';
  try {
    const first = (JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> }).errors?.[0];
    if (first) detail = `: ${[first.code, first.message].filter(Boolean).join(' ')}`;
  } catch {
    /* not the registry's JSON: the status says enough */
  }
  const where = `${method} ${url.href}: HTTP ${res.statusCode}${detail}`;
  const h = res.headers;
  const limit = h['ratelimit-limit'] ?? h['ratelimit-remaining'];
  if (res.statusCode === 429 || (limit !== undefined && String(h['ratelimit-remaining']).startsWith('0'))) {
    const rate =
      limit === undefined
        ? ''
        : ` (ratelimit-limit: ${String(h['ratelimit-limit'] ?? '?')}, ratelimit-remaining: ` +
          `${String(h['ratelimit-remaining'] ?? '?')})`;
    return envError('OCI_RATE_LIMITED', `${where}${rate}`, {
      hint: 'the registry limits anonymous pulls: wait and try again, or use a mirror of the image',
    });
  }
  if (res.statusCode === 404)
    return envError('OCI_NOT_FOUND', where, { hint: 'check the image name and tag in the catalog entry' });
  if (res.statusCode === 401 || res.statusCode === 403) {
    return envError('OCI_UNAUTHORIZED', where, {
      hint: 'the image may be private (vmatrix pulls public images only), or the name is wrong',
    });
  }
  return envError('OCI_REGISTRY_ERROR', where, { hint: 'the registry failed: try again later, or use another source' });
}
