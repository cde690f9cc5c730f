import { describe, expect, it } from 'vitest';
import {
  hostAddresses,
  missingToolsError,
  outboundResolv,
  outboundRules,
  setupNetwork,
} from '../../../src/vps/outbound.js';

// The rules nft loads into a setup cell's network namespace, and its resolv.conf. Real namespaces, nft and
// slirp4netns are exercised by test/hostile/setup-network.test.ts.

describe('outboundRules', { tags: ['safety', 'untrusted'] }, () => {
  const rules = outboundRules({ v4: ['127.0.0.1', '192.0.2.2', '10.1.2.3'], v6: ['::1', 'fd00::2', 'fe80::1'] });

  it("rejects the host's own addresses, link-local ranges and slirp4netns's gateway as destinations", () => {
    expect(rules).toContain('ip daddr { 169.254.0.0/16, 10.0.2.2, 192.0.2.2, 10.1.2.3 } reject');
    expect(rules).toContain('ip6 daddr { fe80::/10, ::ffff:0:0/96, fd00::2 } reject');
  });

  it("leaves the namespace's own loopback and IPv6 neighbour discovery alone", () => {
    expect(rules).toContain('oif "lo" accept');
    expect(rules).toMatch(/icmpv6 type \{ nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit \} accept/);
    expect(rules.indexOf('oif "lo" accept')).toBeLessThan(rules.indexOf('ip daddr'));
  });

  it('takes the addresses of every interface of this host, loopback included', () => {
    const a = hostAddresses();
    expect(a.v4).toContain('127.0.0.1');
    expect(a.v6.every((x) => !x.includes('%'))).toBe(true);
  });
});

describe('outboundResolv', () => {
  it("keeps the host's search and options lines and asks slirp4netns's forwarder", () => {
    expect(
      outboundResolv('# c\nnameserver 127.0.0.53\nnameserver 10.9.9.9\nsearch corp.example\noptions edns0\n'),
    ).toBe('nameserver 10.0.2.3\n# c\nsearch corp.example\noptions edns0\n');
    expect(outboundResolv('')).toBe('nameserver 10.0.2.3\n');
  });
});

describe('setupNetwork', () => {
  it('is outbound unless the operator says VMATRIX_SETUP_NETWORK=host; anything else is refused (exit 2)', () => {
    expect(setupNetwork({})).toBe('outbound');
    expect(setupNetwork({ VMATRIX_SETUP_NETWORK: 'outbound' })).toBe('outbound');
    expect(setupNetwork({ VMATRIX_SETUP_NETWORK: 'host' })).toBe('host');
    expect(() => setupNetwork({ VMATRIX_SETUP_NETWORK: 'yes' })).toThrow(
      expect.objectContaining({ exit: 2, code: 'BAD_SETUP_NETWORK' }),
    );
  });

  it('says what to install, and the opt-out, when a tool is missing (exit 3)', () => {
    const e = missingToolsError(['slirp4netns', 'nft']) as Error & { hint?: string; exit?: number };
    expect(e.message).toBe(
      'setup steps need slirp4netns, nft (for a network that cannot reach the host), which this host lacks',
    );
    expect(e.hint).toContain('apt-get install slirp4netns nftables');
    expect(e.hint).toContain('VMATRIX_SETUP_NETWORK=host');
    expect(e.exit).toBe(3);
  });
});
