import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, setupFixture, teardownFixture, type Fixture } from './helpers.js';

let f: Fixture;
let server: Server;
let received = '';
let hostIp: string;
let port: number;

// A server on the host's own (non-loopback) address: reachable from a cell with the host's network only.
beforeAll(async () => {
  f = await setupFixture();
  const ip = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!ip) throw new Error('these tests need a host with a non-loopback IPv4 address');
  hostIp = ip.address;
  server = createServer((s) =>
    s.on('data', (d) => {
      received += d.toString();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, hostIp, resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server?.close();
  await teardownFixture(f);
});

describe('runCell: network none', () => {
  it('has only a loopback interface, and it is up', async () => {
    const r = await run(f, 'ip -o link | cut -d: -f2 | tr -d " "; ip addr show lo');
    expect(r.stdout.split('\n')[0]).toBe('lo');
    expect(r.stdout.split('\n')[1]).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
    expect(r.stdout).toContain('inet 127.0.0.1/8');
  });

  it('lets a server and a client talk over 127.0.0.1', async () => {
    const r = await run(
      f,
      'nc -l -p 8080 > /tmp/got & sleep 0.3; echo hello | nc -w 2 127.0.0.1 8080; sleep 0.2; cat /tmp/got',
    );
    expect(r.stdout).toBe('hello\n');
  });

  it('cannot reach the host', async () => {
    received = '';
    const r = await run(f, `echo from-none | nc -w 2 ${hostIp} ${port}; echo "nc=$?"`);
    expect(r.stdout).toMatch(/^nc=[1-9]/m);
    expect(received).toBe('');
  });
});

describe('runCell: network host', () => {
  it("sees the host's interfaces and reaches the host's server", async () => {
    received = '';
    const r = await run(f, `ip -o link | wc -l; echo from-host | nc -w 2 ${hostIp} ${port}; echo "nc=$?"`, {
      network: 'host',
    });
    const hostLinks = Object.keys(networkInterfaces()).length;
    expect(Number(r.stdout.split('\n')[0])).toBeGreaterThanOrEqual(Math.max(2, hostLinks));
    expect(r.stdout).toContain('nc=0');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toBe('from-host\n');
  });

  it("gets a copy of the host's resolv.conf", async () => {
    const { readFile } = await import('node:fs/promises');
    const r = await run(f, 'cat /etc/resolv.conf; echo x >> /etc/resolv.conf 2>/dev/null || echo ro', {
      network: 'host',
    });
    expect(r.stdout).toBe(`${await readFile('/etc/resolv.conf', 'utf8')}ro\n`);
  });
});
