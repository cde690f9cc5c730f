import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTarballCatalog } from '../fixtures/catalog.js';
import { runCli, spawnCapture, type CliResult } from '../helpers/cli.js';
import { descendantsMatching, stillRunning, until } from '../helpers/procs.js';
import { gitProjectFrom } from '../helpers/project.js';

// SAFETY 33 (issue 14 point 4): setup steps reach the outside world, and nothing of the host. A real
// Debian 12 setup cell probes, from `vmatrix test` run inside a network namespace this test makes (the
// "host" of this test; its loopback, its address 10.77.0.1 and its abstract sockets are the ones that must
// stay out of reach), joined by a veth pair to a second namespace holding the "outside world": a TCP server
// and a DNS server at 10.77.0.2, and a stand-in metadata server at 169.254.169.254. No packet of this test
// leaves namespaces it made. Each probe is checked twice: the cell reports it blocked, and the server's log
// shows no connection; the servers answer the test itself from the "host", so a block is not bad wiring.
// Also: the config alone cannot ask for `network: host` (--allow-host-network), and a killed vmatrix leaves
// no slirp4netns and no namespace holder behind.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const tag = randomBytes(3).toString('hex');
const HOST_NS = `vmxt-host-${tag}`;
const OUT_NS = `vmxt-out-${tag}`;
const ABSTRACT = `vmxt-abstract-${tag}`;
const PORTS = { loopback: 18081, own: 18082, outbound: 18080 };

let work: string;
const servers: ChildProcess[] = [];
const hits = (kind: string): Promise<number> =>
  readFile(join(work, `${kind}.hits`), 'utf8').then(
    (t) => t.split('\n').filter(Boolean).length,
    () => 0,
  );

async function sh(args: string[]): Promise<string> {
  const r = await spawnCapture(args[0]!, args.slice(1), {});
  if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const inNs = (ns: string, args: string[]): string[] => ['nsenter', `--net=/run/netns/${ns}`, '--', ...args];

/** A TCP server in `ns` that greets each connection with its kind and logs it. */
const SERVER = `const net = require('net'); const fs = require('fs');
const [kind, host, port, log] = process.argv.slice(1);
const srv = net.createServer((s) => { fs.appendFileSync(log, kind + '\\n'); s.end('HELLO-' + kind + '\\n'); });
const ready = () => console.log('listening');
srv.listen(Number(port), host, ready);`;

/** A client the test runs in `ns`: the first line a server sends, or the error. */
const CLIENT = `const net = require('net');
const [host, port] = process.argv.slice(1);
const s = net.connect(Number(port), host);
s.setTimeout(3000, () => { console.log('timeout'); process.exit(0); });
s.on('data', (d) => { console.log(String(d).trim()); process.exit(0); });
s.on('error', (e) => { console.log(e.code); process.exit(0); });`;

// Abstract unix socket names are exact bytes; Node (libuv) pads them to the whole sun_path, so the abstract
// server and its client are perl, which binds and connects with the name as given.
const ABSTRACT_SERVER = `use Socket; $| = 1;
my ($name, $log) = @ARGV;
socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
bind($s, pack('S', AF_UNIX) . "\\0$name") or die "bind: $!";
listen($s, 5) or die "listen: $!";
print "listening\\n";
while (accept(my $c, $s)) { open(my $l, '>>', $log); print $l "abstract\\n"; close $l; print $c "HELLO-abstract\\n"; close $c }`;
const ABSTRACT_CLIENT = `use Socket; socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die;
connect($s, pack('S', AF_UNIX) . "\\0$ARGV[0]") or do { print "$!\\n"; exit 0 }; print scalar <$s>;`;

async function startServer(ns: string, kind: string, host: string, port = 0): Promise<void> {
  const log = join(work, `${kind}.hits`);
  const [cmd, ...args] = inNs(
    ns,
    kind === 'abstract'
      ? ['perl', '-e', ABSTRACT_SERVER, host, log]
      : [process.execPath, '-e', SERVER, kind, host, String(port), log],
  );
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the ${kind} server exited with ${code}`)));
  });
}

const fromHost = async (host: string, port = 0): Promise<string> =>
  (
    await sh(
      inNs(
        HOST_NS,
        host.startsWith('@')
          ? ['perl', '-e', ABSTRACT_CLIENT, host.slice(1)]
          : [process.execPath, '-e', CLIENT, host, String(port)],
      ),
    )
  ).trim();

// The probes of the setup step: perl-base is in every Debian root, and speaks to abstract sockets.
const PROBE = `use strict; use Socket; $| = 1;
sub probe {
  my ($name, $family, $addr) = @_;
  socket(my $s, $family, SOCK_STREAM, 0) or die "socket: $!";
  my $line = eval { local $SIG{ALRM} = sub { die "timeout\\n" }; alarm 5; connect($s, $addr) or die "$!\\n"; my $l = <$s>; alarm 0; $l // "closed\\n" };
  alarm 0;
  if (defined $line) { print "PROBE $name REACHED $line" } else { chomp(my $e = $@); print "PROBE $name BLOCKED $e\\n" }
}
my ($abstract, $lo, $own, $out) = @ARGV;
probe('gateway-to-loopback', PF_INET, pack_sockaddr_in($lo, inet_aton('10.0.2.2')));
probe('loopback', PF_INET, pack_sockaddr_in($lo, inet_aton('127.0.0.1')));
probe('host-address', PF_INET, pack_sockaddr_in($own, inet_aton('10.77.0.1')));
# Packed by hand: an abstract name is its exact bytes, as the server bound it.
probe('abstract', PF_UNIX, pack('S', AF_UNIX) . "\\0$abstract");
probe('metadata', PF_INET, pack_sockaddr_in(80, inet_aton('169.254.169.254')));
my $ip = gethostbyname('mirror.vmx.test');
print 'DNS ', ($ip ? inet_ntoa($ip) : 'none'), "\\n";
probe('outbound', PF_INET, pack_sockaddr_in($out, $ip // inet_aton('10.77.0.2')));
`;

let run: CliResult;
let setupLog = '';
let before: Record<string, number> = {};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-setupnet-'));
  // The two namespaces, and the veth pair between them (made inside them: no name in the host's namespace).
  await sh(['ip', 'netns', 'add', HOST_NS]);
  await sh(['ip', 'netns', 'add', OUT_NS]);
  await sh(['ip', '-n', HOST_NS, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1', 'netns', OUT_NS]);
  for (const [ns, dev, addr] of [
    [HOST_NS, 'veth0', '10.77.0.1/24'],
    [OUT_NS, 'veth1', '10.77.0.2/24'],
  ] as const) {
    await sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    await sh(['ip', '-n', ns, 'addr', 'add', addr, 'dev', dev]);
    await sh(['ip', '-n', ns, 'link', 'set', dev, 'up']);
  }
  await sh(['ip', '-n', OUT_NS, 'addr', 'add', '169.254.169.254/32', 'dev', 'lo']);
  await sh(['ip', '-n', HOST_NS, 'route', 'add', 'default', 'via', '10.77.0.2']);
  await startServer(HOST_NS, 'loopback', '127.0.0.1', PORTS.loopback);
  await startServer(HOST_NS, 'own', '10.77.0.1', PORTS.own);
  await startServer(HOST_NS, 'abstract', ABSTRACT);
  await startServer(OUT_NS, 'metadata', '169.254.169.254', 80);
  await startServer(OUT_NS, 'outbound', '10.77.0.2', PORTS.outbound);
  const dns = spawn(
    'nsenter',
    [
      `--net=/run/netns/${OUT_NS}`,
      '--',
      'dnsmasq',
      '-k',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--listen-address=10.77.0.2',
      '--bind-interfaces',
      '--address=/mirror.vmx.test/10.77.0.2',
      '--pid-file',
    ],
    { stdio: 'ignore' },
  );
  servers.push(dns);
  // The "host"'s resolver is the outside world's DNS server.
  await writeFile(join(work, 'resolv.conf'), 'nameserver 10.77.0.2\n');

  const source = join(work, 'project');
  await mkdir(source);
  await writeFile(join(source, 'probe.pl'), PROBE);
  await writeFile(
    join(source, 'vmatrix.yml'),
    `distros: [debian-12]
setup: perl probe.pl ${ABSTRACT} ${PORTS.loopback} ${PORTS.own} ${PORTS.outbound}
test: 'true'
`,
  );
  const project = await gitProjectFrom(source);
  const env = {
    ...process.env,
    NO_COLOR: '1',
    VMATRIX_HOME: join(work, 'store'),
    VMATRIX_CATALOG: await debianTarballCatalog(join(work, 'catalog'), ['12']),
    VMATRIX_HOST_CA: 'off',
  };
  // Each server answers the test from the "host" (the metadata server and the outside world through the veth).
  const answers = [
    await fromHost('127.0.0.1', PORTS.loopback),
    await fromHost('10.77.0.1', PORTS.own),
    await fromHost(`@${ABSTRACT}`),
    await fromHost('169.254.169.254', 80),
    await fromHost('10.77.0.2', PORTS.outbound),
  ];
  expect(answers).toEqual(['HELLO-loopback', 'HELLO-own', 'HELLO-abstract', 'HELLO-metadata', 'HELLO-outbound']);
  before = Object.fromEntries(
    await Promise.all(['loopback', 'own', 'abstract', 'metadata', 'outbound'].map(async (k) => [k, await hits(k)])),
  );
  // vmatrix in the "host" namespace, with the "host"'s resolv.conf bound over /etc/resolv.conf in a mount namespace of its own.
  run = await spawnCapture(
    'nsenter',
    [
      `--net=/run/netns/${HOST_NS}`,
      '--',
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"',
      'sh',
      join(work, 'resolv.conf'),
      process.execPath,
      BIN,
      'test',
      '--reporter',
      'plain',
    ],
    { cwd: project, env },
  );
  const setupDir = join(project, '.vmatrix/runs/latest/setup');
  const logs = await readdir(setupDir).catch(() => [] as string[]);
  setupLog = logs.length ? await readFile(join(setupDir, logs[0]!), 'utf8') : '';
}, 900_000);

afterAll(async () => {
  for (const s of servers) s.kill('SIGKILL');
  await spawnCapture('ip', ['netns', 'del', HOST_NS], {});
  await spawnCapture('ip', ['netns', 'del', OUT_NS], {});
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a setup step', { tags: ['safety', 'untrusted'] }, () => {
  it('runs, and its probes ran', () => {
    expect(run.code, run.stdout + run.stderr + setupLog).toBe(0);
    expect(setupLog.match(/^PROBE /gm)).toHaveLength(6);
  });

  it("cannot reach the host's loopback, neither through slirp4netns's gateway nor its own 127.0.0.1", async () => {
    expect(setupLog).toMatch(/^PROBE gateway-to-loopback BLOCKED /m);
    expect(setupLog).toMatch(/^PROBE loopback BLOCKED /m);
    expect(await hits('loopback')).toBe(before.loopback);
  });

  it("cannot reach the host's own address", async () => {
    expect(setupLog).toMatch(/^PROBE host-address BLOCKED /m);
    expect(await hits('own')).toBe(before.own);
  });

  it("cannot reach the host's abstract unix sockets", async () => {
    expect(setupLog).toMatch(/^PROBE abstract BLOCKED /m);
    expect(await hits('abstract')).toBe(before.abstract);
  });

  it('cannot reach the metadata server at 169.254.169.254', async () => {
    expect(setupLog).toMatch(/^PROBE metadata BLOCKED /m);
    expect(await hits('metadata')).toBe(before.metadata);
  });

  it("resolves names with the host's resolver and reaches the outside world", async () => {
    expect(setupLog).toMatch(/^DNS 10\.77\.0\.2$/m);
    expect(setupLog).toMatch(/^PROBE outbound REACHED HELLO-outbound$/m);
    expect(await hits('outbound')).toBe(before.outbound! + 1);
  });
});

describe('network: host in a config', { tags: ['safety', 'untrusted'] }, () => {
  let project: string;
  const env = (): Record<string, string> => ({ VMATRIX_HOME: join(work, 'store-host') });

  beforeAll(async () => {
    const source = join(work, 'host-project');
    await mkdir(source);
    await writeFile(
      join(source, 'vmatrix.yml'),
      "distros: [busybox]\nnetwork: host\ntest: echo \"net=$(ls /sys/class/net | tr '\\n' ' ')\"\n",
    );
    project = await gitProjectFrom(source);
  });

  it('is refused without --allow-host-network (exit 2), naming the key and the flag, by test and run', async () => {
    for (const args of [
      ['test', '--reporter', 'plain'],
      ['run', 'busybox', '--', 'true'],
    ]) {
      const r = await runCli(args, { cwd: project, env: env() });
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain('vmatrix.yml: network: host');
      expect(r.stderr).toContain('--allow-host-network');
      expect(r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
    }
  });

  it("gives test steps the host's network with it", async () => {
    const r = await runCli(['test', '--reporter', 'plain', '--allow-host-network'], { cwd: project, env: env() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const log = await readFile(join(project, '.vmatrix/runs/latest/busybox/log.txt'), 'utf8');
    const hostIfaces = (await readdir('/sys/class/net')).sort();
    expect(
      log
        .match(/^net=(.*)$/m)![1]!
        .trim()
        .split(' ')
        .sort(),
    ).toEqual(hostIfaces);
    const ran = await runCli(['run', 'busybox', '--allow-host-network', '--', 'true'], { cwd: project, env: env() });
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
  });
});

describe("a setup cell's root", { tags: ['safety', 'untrusted'] }, () => {
  it('cannot change its network (no CAP_NET_ADMIN over a namespace of the host user namespace): the route stays', async () => {
    const source = join(work, 'netadmin-project');
    await mkdir(source);
    await writeFile(
      join(source, 'vmatrix.yml'),
      `distros: [busybox]
setup:
  - 'ip route del default 2>&1; echo "route rc=$?"; ip link set lo down 2>&1; echo "link rc=$?"; ip addr add 10.0.2.50/24 dev tap0 2>&1; echo "addr rc=$?"'
  - 'ip route | grep -q "^default via 10.0.2.2" && echo "route kept"'
test: "true"
`,
    );
    const project = await gitProjectFrom(source);
    const r = await runCli(['test', '--reporter', 'plain'], {
      cwd: project,
      env: { VMATRIX_HOME: join(work, 'store-netadmin') },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const setupDir = join(project, '.vmatrix/runs/latest/setup');
    const log = await readFile(join(setupDir, (await readdir(setupDir))[0]!), 'utf8');
    for (const what of ['route', 'link', 'addr']) expect(log).toMatch(new RegExp(`^${what} rc=[1-9]`, 'm'));
    expect(log.match(/Operation not permitted/g)?.length).toBeGreaterThanOrEqual(3);
    expect(log).toMatch(/^route kept$/m);
  });
});

describe('a host without slirp4netns', { tags: ['safety', 'untrusted'] }, () => {
  it('refuses setup steps, naming the package and the opt-out, unless the operator sets VMATRIX_SETUP_NETWORK=host', async () => {
    const source = join(work, 'no-slirp-project');
    await mkdir(source);
    await writeFile(join(source, 'vmatrix.yml'), 'distros: [busybox]\nsetup: echo setup-ran\ntest: "true"\n');
    const project = await gitProjectFrom(source);
    const slirp = (await sh(['sh', '-c', 'command -v slirp4netns'])).trim();
    // slirp4netns hidden from vmatrix alone: /dev/null bound over it in a mount namespace of its own.
    const withoutSlirp = (env: Record<string, string>): Promise<CliResult> =>
      spawnCapture(
        'unshare',
        [
          '--mount',
          '--propagation',
          'private',
          '--',
          '/bin/sh',
          '-c',
          'mount --bind /dev/null "$1" && shift && exec "$@"',
          'sh',
          slirp,
          process.execPath,
          BIN,
          'test',
          '--reporter',
          'plain',
        ],
        { cwd: project, env: { ...process.env, NO_COLOR: '1', VMATRIX_HOME: join(work, 'store-no-slirp'), ...env } },
      );
    const refused = await withoutSlirp({});
    expect(refused.code, refused.stdout + refused.stderr).toBe(3);
    expect(refused.stdout).toContain(
      'setup steps need slirp4netns (for a network that cannot reach the host), which this host lacks',
    );
    expect(refused.stdout).toContain('apt-get install slirp4netns');
    expect(refused.stdout).toContain('VMATRIX_SETUP_NETWORK=host');
    const optedOut = await withoutSlirp({ VMATRIX_SETUP_NETWORK: 'host' });
    expect(optedOut.code, optedOut.stdout + optedOut.stderr).toBe(0);
  });
});

describe('vmatrix killed during a setup step', { tags: ['safety', 'untrusted', 'killed'] }, () => {
  it('leaves no slirp4netns and no namespace holder behind, for SIGKILL and SIGTERM', async () => {
    const source = join(work, 'sleep-project');
    await mkdir(source);
    await writeFile(join(source, 'vmatrix.yml'), 'distros: [busybox]\nsetup: sleep 60\ntest: "true"\n');
    const project = await gitProjectFrom(source);
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      const child = spawn(process.execPath, [BIN, 'test', '--reporter', 'plain', '--rebuild'], {
        cwd: project,
        env: { ...process.env, VMATRIX_HOME: join(work, 'store-kill') },
        stdio: 'ignore',
      });
      const pid = child.pid!;
      const exited = new Promise((r) => child.once('exit', r));
      let slirp: number[] = [];
      let holder: number[] = [];
      const deadline = Date.now() + 60_000;
      while ((slirp.length === 0 || holder.length === 0) && Date.now() < deadline) {
        [slirp, holder] = [await descendantsMatching(pid, 'slirp4netns'), await descendantsMatching(pid, '2147483647')];
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(slirp.length, 'slirp4netns started').toBeGreaterThan(0);
      expect(holder.length, 'the namespace holder started').toBeGreaterThan(0);
      const nsOfHolder = await readlink(`/proc/${holder[0]}/ns/net`);
      child.kill(signal);
      await exited;
      expect(await until(() => stillRunning(slirp, 'slirp4netns').then((p) => p.map(String)), 5_000)).toEqual([]);
      expect(await until(() => stillRunning(holder, '2147483647').then((p) => p.map(String)), 5_000)).toEqual([]);
      // No process is left in the namespace: nothing holds it, and the kernel has freed it.
      const inNamespace = async (): Promise<string[]> => {
        const left: string[] = [];
        for (const p of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
          if ((await readlink(`/proc/${p}/ns/net`).catch(() => '')) === nsOfHolder) left.push(p);
        }
        return left;
      };
      expect(await until(inNamespace, 5_000)).toEqual([]);
    }
  }, 180_000);
});
