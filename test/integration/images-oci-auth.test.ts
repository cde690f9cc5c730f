import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../src/images/index.js';
import { Store } from '../../src/store/index.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { image, OCI_MANIFEST, type Image } from '../helpers/oci-layout.js';

// The registry protocol around the pull, against small node servers: an anonymous bearer token (401 →
// token realm → retry), blobs redirected to a "CDN" on another host (127.0.0.2) that must never see the
// token, and a rate-limited registry whose limits the error reports.

const work = await mkdtemp(join(tmpdir(), 'vmx-images-oci-auth-'));
const TOKEN = 'tok-123';
let img: Image;
let registry: Server;
let cdn: Server;
const seen: Array<{ host: string; path: string; authorization?: string }> = [];
const portOf = (s: Server): number => (s.address() as AddressInfo).port;

function registryRoute(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  const authed = req.headers.authorization === `Bearer ${TOKEN}`;
  const challenge = `Bearer realm="http://127.0.0.1:${portOf(registry)}/token",service="test-registry",scope="repository:priv/img:pull"`;
  if (url.pathname === '/token') {
    const ok =
      url.searchParams.get('service') === 'test-registry' &&
      url.searchParams.get('scope') === 'repository:priv/img:pull';
    res
      .writeHead(ok ? 200 : 400, { 'content-type': 'application/json' })
      .end(ok ? JSON.stringify({ token: TOKEN }) : '{}');
  } else if (url.pathname === '/v2/limited/img/manifests/v1') {
    res
      .writeHead(429, {
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '0;w=21600',
        'content-type': 'application/json',
      })
      .end('{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}');
  } else if (!authed) {
    res
      .writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' })
      .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
  } else if (url.pathname === '/v2/priv/img/manifests/v1') {
    res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(img.manifest.bytes);
  } else if (url.pathname.startsWith('/v2/priv/img/blobs/')) {
    const digest = url.pathname.slice('/v2/priv/img/blobs/'.length);
    res.writeHead(307, { location: `http://127.0.0.2:${portOf(cdn)}/cdn/${digest}?sig=1` }).end();
  } else {
    res.writeHead(404).end();
  }
}

const listen = async (s: Server, host: string): Promise<void> => {
  s.listen(0, host);
  await new Promise((r) => s.once('listening', r));
};

beforeAll(async () => {
  img = await image('amd64', [{ entries: [{ name: 'etc/os-release', content: 'ID=private\n' }] }]);
  registry = createServer((req, res) => {
    seen.push({ host: 'registry', path: req.url!, authorization: req.headers.authorization });
    registryRoute(req, res);
  });
  cdn = createServer((req, res) => {
    seen.push({ host: 'cdn', path: req.url!, authorization: req.headers.authorization });
    const b = img.blobs.find((x) => req.url!.startsWith(`/cdn/${x.digest}`));
    res.writeHead(b ? 200 : 404).end(b?.bytes);
  });
  await listen(registry, '127.0.0.1');
  await listen(cdn, '127.0.0.2');
});

afterAll(async () => {
  registry?.close();
  cdn?.close();
  await rm(work, { recursive: true, force: true });
});

describe('oci registry protocol', () => {
  it('gets an anonymous bearer token and never sends it to the host a blob redirects to', async () => {
    const store = new Store(join(work, 'store'));
    await store.init();
    const ref = `127.0.0.1:${portOf(registry)}/priv/img:v1`;
    const got = await ensureImage(store, testDistro([{ kind: 'oci', ref }]), { log: memoryLogger() });
    expect(await readFile(join(got.rootfs, 'etc/os-release'), 'utf8')).toBe('ID=private\n');
    expect(got.meta.digest).toBe(img.manifest.digest);
    expect(seen.filter((s) => s.path.startsWith('/token'))).toHaveLength(1);
    expect(seen.filter((s) => s.path.startsWith('/token')).every((s) => s.authorization === undefined)).toBe(true);
    const blobs = seen.filter((s) => s.host === 'registry' && s.path.includes('/blobs/'));
    expect(blobs.length).toBeGreaterThan(0);
    expect(blobs.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const cdnHits = seen.filter((s) => s.host === 'cdn');
    expect(cdnHits.length).toBe(img.layers.length);
    expect(cdnHits.every((s) => s.authorization === undefined)).toBe(true);
  });

  it('reports the rate limit headers when the registry refuses with 429', async () => {
    const store = new Store(join(work, 'store-limited'));
    await store.init();
    const ref = `127.0.0.1:${portOf(registry)}/limited/img:v1`;
    const err = await ensureImage(store, testDistro([{ kind: 'oci', ref }]), { log: memoryLogger() }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'OCI_RATE_LIMITED', exit: 3, hint: expect.stringContaining('wait') });
    const message = (err as Error).message;
    expect(message).toContain(
      `GET http://127.0.0.1:${portOf(registry)}/v2/limited/img/manifests/v1: HTTP 429: TOOMANYREQUESTS`,
    );
    expect(message).toContain('ratelimit-limit: 100;w=21600, ratelimit-remaining: 0;w=21600');
  });
});
