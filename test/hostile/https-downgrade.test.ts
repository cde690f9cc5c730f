import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchText } from '../../src/images/download.js';
import { refusedRedirect } from '../../src/images/http.js';
import { ensureImage } from '../../src/images/index.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { storeMaker } from '../helpers/store.js';
import { tarOf } from '../helpers/tar.js';

// Redirects from https down to plain http are refused (issue 14 point 10): whoever sits on the way could
// answer the http request in the server's name. A real TLS server on loopback, with a certificate made
// here and trusted by this process's HTTP client only, redirects to a real plain-http server beside it;
// that server must never be asked. An https → https redirect is followed (the control).

const TAGS = { tags: ['safety', 'network', 'untrusted'] };

const work = await mkdtemp(join(tmpdir(), 'vmx-downgrade-'));
const freshStore = storeMaker(join(work, 'stores'));
const SUMS = 'abc\n';
let plainAsked: string[] = [];
let http: Server;
let https: Server;
let before: Dispatcher;
let tarball: Buffer;
const base = (s: Server, scheme: string): string => `${scheme}://127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(work, 'key.pem'),
      '-out',
      join(work, 'cert.pem'),
    ],
    { stdio: 'pipe' },
  );
  const [key, cert] = await Promise.all([readFile(join(work, 'key.pem')), readFile(join(work, 'cert.pem'))]);
  tarball = gzipSync(await tarOf([{ name: 'etc/os-release', content: 'ID=x\n' }]));
  http = createHttpServer((req, res) => {
    plainAsked.push(req.url!);
    res.end(req.url === '/rootfs.tar.gz' ? tarball : SUMS);
  }).listen(0, '127.0.0.1');
  https = createHttpsServer({ key, cert }, (req, res) => {
    const [to, path] = req.url!.split(':') as [string, string];
    if (to === '/sums') return res.end(SUMS);
    if (to === '/rootfs.tar.gz') return res.end(tarball);
    res.writeHead(302, { location: `${to === '/down' ? base(http, 'http') : base(https, 'https')}${path}` }).end();
  }).listen(0, '127.0.0.1');
  await Promise.all([once(http, 'listening'), once(https, 'listening')]);
  // This process trusts the test's certificate, as a host trusts its own CA; nothing else changes.
  before = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { ca: cert } }));
});
afterAll(async () => {
  setGlobalDispatcher(before);
  http.close();
  https.close();
  await rm(work, { recursive: true, force: true });
});

describe('redirects from https to plain http are refused', TAGS, () => {
  it('a checksum list on https redirected to http on loopback: refused naming both URLs; the http server is never asked', async () => {
    plainAsked = [];
    const url = `${base(https, 'https')}/down:/sums`;
    await expect(fetchText(url)).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      exit: 3,
      message: `GET ${url}: redirected from https to plain http (${base(http, 'http')}/sums), refused`,
      hint: expect.stringContaining('must stay on https'),
    });
    expect(plainAsked).toEqual([]);
  });

  it('the control: an https redirect to https is followed, through the same trusted certificate', async () => {
    expect(await fetchText(`${base(https, 'https')}/up:/sums`)).toBe(SUMS);
  });

  it('a root tarball on https redirected to http: no image is built, nothing staged, the http server never asked', async () => {
    plainAsked = [];
    const store = await freshStore();
    const sha256 = createHash('sha256').update(tarball).digest('hex');
    const distro = testDistro([{ kind: 'tarball', url: `${base(https, 'https')}/down:/rootfs.tar.gz`, sha256 }]);
    await expect(ensureImage(store, distro, { log: memoryLogger() })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining('redirected from https to plain http'),
    });
    expect(plainAsked).toEqual([]);
    expect(await readdir(join(store.root, 'images'))).toEqual([]);
    expect(await readdir(store.tmpDir())).toEqual([]);
  });

  it('the rule the OCI client shares: https may not go down to http; http may go up; other schemes never', () => {
    const u = (s: string): URL => new URL(s);
    expect(refusedRedirect(u('https://r.test/v2/'), u('http://cdn.test/b'))).toMatch(/from https to plain http/);
    expect(refusedRedirect(u('http://r.test/v2/'), u('https://cdn.test/b'))).toBeUndefined();
    expect(refusedRedirect(u('https://r.test/v2/'), u('file:///etc/shadow'))).toMatch(/file: URL, refused/);
  });
});
