import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// A real nginx for download tests (Range, ETag, If-Range, 206/416 the way a real server does them), run as
// a child process with its own temp prefix: never the system service. It listens on 127.0.0.1 and 127.0.0.2
// (same port) so that a redirect can change host; the access log records the headers the tests check.

export interface LogLine {
  addr: string;
  uri: string;
  status: number;
  range: string;
  ifRange: string;
  auth: string;
}

export interface Nginx {
  port: number;
  www: string;
  url(path: string, host?: string): string;
  log(): Promise<LogLine[]>;
  stop(): Promise<void>;
}

/** `extra` is inserted into the server block (e.g. `location = /x { return 302 ...; }`); `{port}` is replaced. */
export async function startNginx(extra = ''): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-nginx-'));
  const www = join(dir, 'www');
  await mkdir(www);
  // Workers may run as nobody: they must reach the files.
  await chmod(dir, 0o755);
  const port = await freePort();
  const t = (name: string): string => join(dir, name);
  await writeFile(
    t('nginx.conf'),
    `
worker_processes 1;
pid ${t('nginx.pid')};
error_log ${t('err.log')};
events { worker_connections 64; }
http {
  log_format t escape=none '$server_addr|$request_uri|$status|$http_range|$http_if_range|$http_authorization';
  access_log ${t('access.log')} t;
  client_body_temp_path ${t('body')}; proxy_temp_path ${t('proxy')}; fastcgi_temp_path ${t('fastcgi')};
  uwsgi_temp_path ${t('uwsgi')}; scgi_temp_path ${t('scgi')};
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    listen 127.0.0.2:${port};
    root ${www};
    ${extra.replaceAll('{port}', String(port))}
  }
}
`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', t('nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // No nginx on the machine is a failure that says so at once, not a wait (scripts/setup-host.sh installs it).
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e: Error) =>
      reject(new Error(`cannot start nginx (${e.message}): run scripts/setup-host.sh`)),
    );
  });
  await waitListening(port, child, () => stderr);
  return {
    port,
    www,
    url: (path, host = '127.0.0.1') => `http://${host}:${port}${path}`,
    log: async () =>
      (await readFile(t('access.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map(parseLine),
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function parseLine(line: string): LogLine {
  const [addr, uri, status, range, ifRange, auth] = line.split('|');
  const dash = (s = ''): string => (s === '-' ? '' : s);
  return {
    addr: addr!,
    uri: uri!,
    status: Number(status),
    range: dash(range),
    ifRange: dash(ifRange),
    auth: dash(auth),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function waitListening(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${stderr()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nginx did not listen on ${port}: ${stderr()}`);
}
