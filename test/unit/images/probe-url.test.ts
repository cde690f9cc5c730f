import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeUrl } from '../../../src/images/http.js';

// probeUrl against a real server on 127.0.0.1: HEAD where it is answered, a one-byte ranged GET where
// HEAD is refused, a server that ignores Range (the body is dropped, the size still known), and errors
// that name the method, the URL and the status.

const BIG = Buffer.alloc(1 << 20, 7);
let server: Server;
const asked: string[] = [];
const url = (path: string): URL => new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`.trim());
    if (req.url === '/head-ok') return void res.writeHead(200, { 'content-length': 1234 }).end();
    if (req.url === '/no-head' && req.method === 'HEAD') return void res.writeHead(405).end();
    if (req.url === '/no-head')
      return void res.writeHead(206, { 'content-range': 'bytes 0-0/5555', 'content-length': 1 }).end('x');
    if (req.url === '/ignores-range' && req.method === 'HEAD') return void res.writeHead(501).end();
    if (req.url === '/ignores-range') return void res.writeHead(200, { 'content-length': BIG.length }).end(BIG);
    if (req.url === '/moved') return void res.writeHead(302, { location: '/head-ok' }).end();
    if (req.url === '/broken') return void res.writeHead(503).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('probeUrl', () => {
  it('takes the size from a HEAD, after redirects', async () => {
    expect((await probeUrl(url('/head-ok'))).size).toBe(1234);
    const moved = await probeUrl(url('/moved'));
    expect([moved.size, moved.url.pathname]).toEqual([1234, '/head-ok']);
  });

  it("asks for one byte when HEAD is refused, and reads the size from Content-Range's total", async () => {
    expect((await probeUrl(url('/no-head'))).size).toBe(5555);
    expect(asked).toContain('GET /no-head bytes=0-0');
  });

  it('a server that ignores Range answers 200 with the whole file: its Content-Length is the size', async () => {
    expect((await probeUrl(url('/ignores-range'))).size).toBe(BIG.length);
  });

  it('a missing file or a failing server is an error naming the method, the URL and the status', async () => {
    await expect(probeUrl(url('/gone'))).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      exit: 3,
      message: `HEAD ${url('/gone').href}: HTTP 404 Not Found`,
    });
    await expect(probeUrl(url('/broken'), {}, { tries: 2, baseMs: 1 })).rejects.toMatchObject({
      message: `HEAD ${url('/broken').href}: HTTP 503 Service Unavailable (gave up after 2 tries)`,
    });
  });
});
