import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { execOrThrow } from '../../src/util/exec.js';

// A real OCI registry for tests: Debian's docker-registry (the CNCF distribution) started as a child on a
// free 127.0.0.1 port with its own storage dir (never the system service), and skopeo to push to it.

const REGISTRY = '/usr/bin/docker-registry';

export interface Registry {
  host: string;
  storage: string;
  log: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

export async function startRegistry(dir: string): Promise<Registry> {
  // A missing prerequisite fails the run, loudly (scripts/setup-host.sh installs both).
  for (const p of [REGISTRY, '/usr/bin/skopeo'])
    if (!existsSync(p))
      throw new Error(`${p} is missing: run scripts/setup-host.sh (apt-get install docker-registry skopeo)`);
  const storage = join(dir, 'storage');
  await mkdir(storage, { recursive: true });
  const port = await freePort();
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn(REGISTRY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const host = `127.0.0.1:${port}`;
  try {
    await waitFor(`http://${host}/v2/`, () => child.exitCode !== null);
  } catch (e) {
    await stop();
    throw new Error(`docker-registry did not come up: ${(e as Error).message}\n${output}`);
  }
  return { host, storage, log: () => output, stop };
}

async function waitFor(url: string, died: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (died()) throw new Error('it exited');
    const ok = await request(url).then(
      async (r) => {
        await r.body.dump();
        return r.statusCode === 200;
      },
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer in 10 s`);
}

/** skopeo copy from an OCI layout into the registry, over http, digests unchanged. */
export async function push(layout: string, tag: string, dest: string): Promise<void> {
  await execOrThrow('skopeo', [
    'copy',
    '--insecure-policy',
    '--all',
    '--preserve-digests',
    '--dest-tls-verify=false',
    `oci:${layout}:${tag}`,
    `docker://${dest}`,
  ]);
}

/** A pass-through proxy in front of `target` that records every request line, to count what a pull costs. */
export async function countingProxy(target: string): Promise<{ host: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const [hostname, port] = target.split(':');
  const server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const up = httpRequest(
      { hostname, port: Number(port), path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}
