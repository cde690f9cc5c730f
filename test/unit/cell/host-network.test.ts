import { describe, expect, it } from 'vitest';
import { requireHostNetworkAllowed } from '../../../src/cell/host-network.js';

describe('requireHostNetworkAllowed', { tags: ['safety', 'untrusted'] }, () => {
  it("refuses a config's network: host without --allow-host-network (exit 2), naming the config, the key and the flag", () => {
    let error: (Error & { exit?: number; hint?: string }) | undefined;
    try {
      requireHostNetworkAllowed('host', false, 'vmatrix.yml');
    } catch (e) {
      error = e as typeof error;
    }
    expect(error?.exit).toBe(2);
    expect(error?.message).toMatch(/^vmatrix\.yml: network: host /);
    expect(error?.hint).toContain('--allow-host-network');
  });

  it('lets it through with the flag, and never stands in the way of network none', () => {
    expect(() => requireHostNetworkAllowed('host', true, 'vmatrix.yml')).not.toThrow();
    expect(() => requireHostNetworkAllowed('none', false, 'vmatrix.yml')).not.toThrow();
  });
});
