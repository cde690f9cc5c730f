import { describe, expect, it } from 'vitest';
import { effectiveSetup, overrideMatches, parseConfig } from '../../../src/config/index.js';

const config = parseConfig(`
distros: [debian-12, busybox]
packages: [gawk]
env: { A: "1" }
overrides:
  debian:
    env: { B: "2" }
  busybox:
    packages: []
  "debian-1*":
    packages: [gawk, bc]
test: ./t.sh
`, 'vmatrix.yml');

describe('overrides', () => {
  it('match a name, a family or a glob over the name', () => {
    expect(overrideMatches('busybox', { name: 'busybox', family: 'busybox' })).toBe(true);
    expect(overrideMatches('debian', { name: 'debian-12', family: 'debian' })).toBe(true);
    expect(overrideMatches('debian-1*', { name: 'debian-12', family: 'debian' })).toBe(true);
    expect(overrideMatches('debian-1*', { name: 'debian-2', family: 'debian' })).toBe(false);
    expect(overrideMatches('debian-1.', { name: 'debian-12', family: 'debian' })).toBe(false);
  });

  it('replace packages and merge env, in the order written', () => {
    expect(effectiveSetup(config, { name: 'debian-12', family: 'debian' })).toEqual({ packages: ['gawk', 'bc'], setup: [], env: { A: '1', B: '2' } });
    expect(effectiveSetup(config, { name: 'busybox', family: 'busybox' })).toEqual({ packages: [], setup: [], env: { A: '1' } });
  });

  it('reject an unknown key inside an override with its line', () => {
    expect(() => parseConfig('distros: [debian-12]\ntest: t\noverrides:\n  debian:\n    pakages: [x]\n', 'vmatrix.yml')).toThrow(/vmatrix.yml:5: overrides.debian.pakages/);
  });
});
