import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A plain http server on 127.0.0.1 that serves one file whole (no ETag: a resume could not be told apart
// from a new file, so every download starts from zero) and logs every request, for tests that count them.

export interface Asked {
  path: string;
  range?: string;
}

export interface FileServer {
  port: number;
  /** Every request, in order. */
  asked: Asked[];
  askedFor(path: string): Asked[];
  close(): Promise<void>;
}

/** Serves `file` at `path`; any other path gets 200 "ok" (a test's own signal, like /setup-ran). */
export async function serveFile(path: string, file: string): Promise<FileServer> {
  const size = (await stat(file)).size;
  const asked: Asked[] = [];
  const server = createServer((req, res) => {
    asked.push({ path: req.url!, range: req.headers.range });
    if (req.url === path) createReadStream(file).pipe(res.writeHead(200, { 'content-length': size }));
    else res.writeHead(200).end('ok\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    asked,
    askedFor: (p) => asked.filter((a) => a.path === p),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
