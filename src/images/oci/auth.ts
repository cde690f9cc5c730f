import type { Dispatcher } from 'undici';
import { envError, messageOf } from '../../util/errors.js';
import { readBounded } from './http.js';

// Anonymous pulls still need a token on most registries (Docker Hub, ghcr.io, quay.io): the registry
// answers 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` and the realm hands out a pull
// token for free. No credentials are ever sent: vmatrix pulls public images only.

export interface Challenge {
  realm: string;
  service?: string;
  scope?: string;
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"`. */
export function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const value = Array.isArray(header) ? header.find((h) => /^bearer\s/i.test(h)) : header;
  if (!value || !/^bearer\s/i.test(value)) return undefined;
  const params: Record<string, string> = {};
  for (const m of value.slice(7).matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[m[1].toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  if (!params.realm) return undefined;
  return {
    realm: params.realm,
    ...(params.service ? { service: params.service } : {}),
    ...(params.scope ? { scope: params.scope } : {}),
  };
}

export type Getter = (url: URL, headers: Record<string, string>) => Promise<Dispatcher.ResponseData>;

/** An anonymous token for `repository` from the challenge's realm. */
export async function fetchToken(c: Challenge, repository: string, get: Getter): Promise<string> {
  let url: URL;
  try {
    url = new URL(c.realm);
  } catch {
    throw envError('OCI_TOKEN_FAILED', `the registry's token realm "${c.realm}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw envError('OCI_TOKEN_FAILED', `token realm ${c.realm}: only http(s) is allowed`);
  if (c.service) url.searchParams.set('service', c.service);
  url.searchParams.set('scope', c.scope ?? `repository:${repository}:pull`);
  const res = await get(url, { accept: 'application/json' });
  const text = (await readBounded(res.body, 1 << 20, url.href)).toString('utf8');
  if (res.statusCode !== 200) {
    throw envError('OCI_TOKEN_FAILED', `GET ${url.href}: HTTP ${res.statusCode}`, {
      hint: 'the image may be private (vmatrix pulls public images only), or the name is wrong',
    });
  }
  try {
    const body = JSON.parse(text) as { token?: unknown; access_token?: unknown };
    const token = body.token ?? body.access_token;
    if (typeof token === 'string' && token) return token;
  } catch (e) {
    throw envError('OCI_TOKEN_FAILED', `GET ${url.href}: not JSON: ${messageOf(e)}`);
  }
  throw envError('OCI_TOKEN_FAILED', `GET ${url.href}: the answer holds no token`);
}
