import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { envError } from '../../util/errors.js';
import { REDIRECT_HINT, refusedRedirect } from '../http.js';
import { fetchToken, parseChallenge } from './auth.js';
import { httpGet, readBounded, statusError } from './http.js';
import { ACCEPT } from './media.js';
import { registryBase, type OciRef } from './ref.js';

// A pull-only client of the OCI distribution API. Redirects are followed by hand because blob GETs go to
// a CDN: the bearer token is sent only to the registry's own origin, never to where it redirects us.

const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_MANIFEST = 4 << 20;

export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  contentType?: string;
  url: string;
}

export class RegistryClient {
  private readonly origin: string;
  private token?: string;

  constructor(readonly ref: OciRef) {
    this.origin = new URL(registryBase(ref)).origin;
  }

  /** A manifest or index, its digest computed from the bytes (and checked, when asked for by digest). */
  async manifest(reference: string): Promise<FetchedManifest> {
    const { res, url } = await this.get(`manifests/${reference}`, { accept: ACCEPT });
    const bytes = await readBounded(res.body, MAX_MANIFEST, url.href);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw envError('OCI_DIGEST_MISMATCH', `GET ${url.href}: the manifest's digest is ${digest}`, {
        hint: 'the registry or something between us changed it: nothing was used',
      });
    }
    const type = res.headers['content-type'];
    return {
      bytes,
      digest,
      url: url.href,
      ...(typeof type === 'string' ? { contentType: type.split(';')[0].trim() } : {}),
    };
  }

  /**
   * Where a blob is and the headers that fetch it, for the store's resumable, retrying downloader (which
   * drops Authorization when a redirect leaves the registry's origin). The token is the one the manifest
   * request obtained: a pull always starts with the manifest.
   */
  blobRequest(digest: string): { url: string; headers: Record<string, string> } {
    const url = new URL(`/v2/${this.ref.repository}/blobs/${digest}`, this.origin);
    return { url: url.href, headers: this.token ? { authorization: `Bearer ${this.token}` } : {} };
  }

  /**
   * The size a blob is served with (Content-Length of a HEAD, as the distribution spec's "checking if
   * content exists in the registry" describes), without downloading it; throws when it is not there.
   */
  async blobSize(digest: string): Promise<number | undefined> {
    const { res } = await this.get(`blobs/${digest}`, {}, 'HEAD');
    await res.body.dump({ limit: 64 << 10 }).catch(() => undefined);
    const size = Number(res.headers['content-length']);
    return Number.isSafeInteger(size) ? size : undefined;
  }

  private async get(
    path: string,
    headers: Record<string, string>,
    method: 'GET' | 'HEAD' = 'GET',
  ): Promise<{ res: Dispatcher.ResponseData; url: URL }> {
    const url = new URL(`/v2/${this.ref.repository}/${path}`, this.origin);
    let got = await this.follow(url, headers, method);
    if (got.res.statusCode === 401 && !this.token) {
      const challenge = parseChallenge(got.res.headers['www-authenticate']);
      if (challenge) {
        await got.res.body.dump();
        this.token = await fetchToken(challenge, this.ref.repository, (u, h) => this.follow(u, h).then((r) => r.res));
        got = await this.follow(url, headers, method);
      }
    }
    if (got.res.statusCode < 200 || got.res.statusCode > 299) throw await statusError(got.res, got.url, method);
    return got;
  }

  private async follow(
    start: URL,
    headers: Record<string, string>,
    method: 'GET' | 'HEAD' = 'GET',
  ): Promise<{ res: Dispatcher.ResponseData; url: URL }> {
    let url = start;
    for (let hops = 0; ; hops++) {
      const auth: Record<string, string> =
        this.token && url.origin === this.origin ? { authorization: `Bearer ${this.token}` } : {};
      const res = await httpGet(url, { ...headers, ...auth }, method);
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode) || !location) return { res, url };
      await res.body.dump();
      const next = new URL(String(location), url);
      if (hops >= MAX_REDIRECTS)
        throw envError('OCI_REGISTRY_ERROR', `GET ${start.href}: more than ${MAX_REDIRECTS} redirects`);
      const refused = refusedRedirect(url, next);
      if (refused) throw envError('OCI_REGISTRY_ERROR', `GET ${start.href}: ${refused}`, { hint: REDIRECT_HINT });
      url = next;
    }
  }
}
