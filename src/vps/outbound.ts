import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { rootlessMode } from '../util/user-namespace.js';
import { networkInterfaces } from 'node:os';
import { envError, usageError } from '../util/errors.js';
import { findProgram } from './launcher.js';

// The network of setup cells (network 'outbound', SAFETY 33): a network namespace of its own that reaches
// the outside world through slirp4netns, a user-mode network stack, and nothing of the host. vmatrix makes
// the namespace as root (so it belongs to the host's user namespace, and the cell's root, which lives in a
// user namespace of its own, holds no CAP_NET_ADMIN over it), writes nftables rules into it before any
// cell joins, and hands its /proc path to the runtime. What the rules and slirp4netns keep out:
// - the host's loopback: slirp4netns --disable-host-loopback (10.0.2.2 would otherwise be the host's 127.0.0.1);
//   the cell's own 127.0.0.1 is the namespace's loopback;
// - the host's abstract unix sockets: they belong to the host's network namespace;
// - the host's own addresses (every interface's, taken when the namespace is made) and link-local
//   169.254.0.0/16 and fe80::/10 (cloud metadata): rejected on output in the namespace.
// Why slirp4netns and not pasta: it joins a namespace by the pid that holds it (no named namespace under
// /run/netns to leak when vmatrix is killed), and it sandboxes itself (--enable-sandbox: an empty root, every
// capability dropped but one; --enable-seccomp); Debian 12's pasta, run by root, must stay root to join a
// namespace of the host's user namespace. Both processes die with vmatrix (pdeathsig) and are killed when
// the cell ends; the namespace goes with the last of them, so nothing is left to sweep.

/** Where slirp4netns puts DNS in the namespace: it forwards queries to the host's resolver, wherever that is. */
export const OUTBOUND_DNS = '10.0.2.3';
/** slirp4netns's gateway, which --disable-host-loopback keeps from being the host's loopback; rejected too. */
const OUTBOUND_GATEWAY = '10.0.2.2';
const READY_MS = 10_000;

export interface OutboundNet {
  /** The namespace, open: the launcher gets it as fd 4 (the host's /proc is not the cell's). */
  fd: number;
  /** Kills slirp4netns and the namespace's holder; the namespace goes with them. Safe to call twice. */
  close(): Promise<void>;
}

export interface OutboundTools {
  unshare: string;
  setpriv: string;
  nft: string;
  slirp4netns: string;
  ip: string;
}

/** VMATRIX_SETUP_NETWORK=host: the operator's opt-out, setup gets the host's network as before. */
export function setupNetwork(env: NodeJS.ProcessEnv = process.env): 'outbound' | 'host' {
  const v = env.VMATRIX_SETUP_NETWORK?.trim();
  if (!v || v === 'outbound') return 'outbound';
  if (v === 'host') return 'host';
  throw usageError('BAD_SETUP_NETWORK', `VMATRIX_SETUP_NETWORK=${v}: unknown value`, {
    hint: 'use outbound (the default) or host',
  });
}

/** The programs the outbound network needs; the names of those missing, when some are. */
export async function outboundTools(): Promise<{ tools?: OutboundTools; missing: string[] }> {
  const names = ['unshare', 'setpriv', 'nft', 'slirp4netns', 'ip'] as const;
  const found = await Promise.all(names.map((n) => findProgram(n)));
  const missing = names.filter((_, i) => !found[i]);
  if (missing.length) return { missing: [...missing] };
  return { tools: Object.fromEntries(names.map((n, i) => [n, found[i]!])) as unknown as OutboundTools, missing: [] };
}

/**
 * Whether this process may open /dev/net/tun, through which slirp4netns gives the namespace its network.
 * Root of the host may; a rootless vmatrix (root of the user's namespace only) needs it open to everyone
 * (0666, as udev makes it on Debian).
 */
export async function tunUsable(): Promise<boolean> {
  return access(TUN, constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
}

const TUN = '/dev/net/tun';

export function noTunError(): Error {
  return envError(
    'NO_TUN',
    `setup steps of a vmatrix without root reach the network through ${TUN}, which this host keeps from ordinary users`,
    {
      hint:
        `as root: chmod 0666 ${TUN} (as udev sets it on a standard Debian; scripts/setup-host.sh does it); or, to ` +
        `give setup the host's own network instead, set VMATRIX_SETUP_NETWORK=host`,
    },
  );
}

/** What to install for each program. */
export const OUTBOUND_PACKAGES: Record<string, string> = {
  nft: 'nftables',
  slirp4netns: 'slirp4netns',
  ip: 'iproute2',
  unshare: 'util-linux',
  setpriv: 'util-linux',
};

export function missingToolsError(missing: string[]): Error {
  const packages = [...new Set(missing.map((m) => OUTBOUND_PACKAGES[m] ?? m))].join(' ');
  return envError(
    'NO_SETUP_NETWORK',
    `setup steps need ${missing.join(', ')} (for a network that cannot reach the host), which this host lacks`,
    {
      hint:
        `apt-get install ${packages} (or scripts/setup-host.sh); to give setup the host's own network instead, ` +
        `set VMATRIX_SETUP_NETWORK=host`,
    },
  );
}

/** The host's own addresses, v4 and v6, on every interface (loopback included: it is never a destination). */
export function hostAddresses(): { v4: string[]; v6: string[] } {
  const all = Object.values(networkInterfaces()).flatMap((a) => a ?? []);
  const v4 = all.filter((a) => a.family === 'IPv4').map((a) => a.address);
  const v6 = all.filter((a) => a.family === 'IPv6').map((a) => a.address.replace(/%.*$/, ''));
  return { v4: [...new Set(v4)], v6: [...new Set(v6)] };
}

/** The nftables ruleset of the namespace: destinations of the host and link-local ones are rejected. */
export function outboundRules(host: { v4: string[]; v6: string[] }): string {
  const v4 = ['169.254.0.0/16', OUTBOUND_GATEWAY, ...host.v4.filter((a) => !a.startsWith('127.'))];
  const v6 = ['fe80::/10', '::ffff:0:0/96', ...host.v6.filter((a) => a !== '::1' && !/^fe[89ab]/i.test(a))];
  return [
    'table inet vmatrix {',
    '  chain output {',
    '    type filter hook output priority 0; policy accept;',
    '    oif "lo" accept',
    // Neighbour discovery is link-local by nature; without it no IPv6 packet leaves at all.
    '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } accept',
    `    ip daddr { ${v4.join(', ')} } reject with icmpx type admin-prohibited`,
    `    ip6 daddr { ${v6.join(', ')} } reject with icmpx type admin-prohibited`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** resolv.conf of an outbound cell: the host's, with its name servers replaced by slirp4netns's forwarder. */
export function outboundResolv(hostResolv: string): string {
  const rest = hostResolv.split('\n').filter((l) => !/^\s*nameserver\s/.test(l) && l.trim() !== '');
  return [`nameserver ${OUTBOUND_DNS}`, ...rest, ''].join('\n');
}

// $1 ip, $2 nft: the holder brings loopback up, loads the rules from stdin, says so, and holds the namespace.
const HOLD = '"$1" link set lo up && "$2" -f - && echo ready && exec sleep 2147483647';

/** Makes the namespace, its rules and its slirp4netns; the caller must close() it. */
export async function openOutbound(id: string): Promise<OutboundNet> {
  const { tools, missing } = await outboundTools();
  if (!tools) throw missingToolsError(missing);
  if ((await rootlessMode()) !== undefined && !(await tunUsable())) throw noTunError();
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
  // The holder: its namespace is the cell's; it made the rules in it as root of the host's user namespace.
  const holder = spawn(
    tools.setpriv,
    [
      '--pdeathsig',
      'KILL',
      '--',
      tools.unshare,
      '--net',
      '--',
      '/bin/sh',
      '-c',
      HOLD,
      'vmatrix-netns',
      tools.ip,
      tools.nft,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env },
  );
  const children: ChildProcess[] = [holder];
  const close = async (): Promise<void> => {
    await Promise.all(children.map(killAndWait));
  };
  try {
    holder.stdin.end(outboundRules(hostAddresses()));
    await readyLine(holder, `cell ${id}: could not make its network namespace`);
    const slirp = spawn(
      tools.setpriv,
      [
        '--pdeathsig',
        'KILL',
        '--',
        tools.slirp4netns,
        '--configure',
        '--mtu=65520',
        '--disable-host-loopback',
        '--enable-sandbox',
        '--enable-seccomp',
        '--ready-fd=3',
        String(holder.pid),
        'tap0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env },
    );
    children.push(slirp);
    await readyLine(slirp, `cell ${id}: slirp4netns could not start`, 3);
    const fd = openSync(`/proc/${holder.pid}/ns/net`, 'r');
    let open = true;
    return {
      fd,
      close: async () => {
        if (open) closeSync(fd);
        open = false;
        await close();
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Waits for the first output on fd `fd` of `child`; its stderr, should it exit first, goes in the error. */
export function readyLine(child: ChildProcess, what: string, fd = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString();
    });
    const out = child.stdio[fd] as NodeJS.ReadableStream;
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(envError('SETUP_NETWORK_FAILED', `${what}: ${why}`, { hint: 'run `vmatrix doctor` to check the host' }));
    };
    const timer = setTimeout(() => fail(`no answer in ${READY_MS / 1000} s`), READY_MS);
    out.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code) => fail(stderr.trim() || `it exited with status ${code}`));
  });
}

export function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
