import { describe, expect, it } from 'vitest';
import { effectiveSetup, overrideMatches, parseConfig } from '../../../src/config/index.js';

const config = parseConfig(
  `
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
    install_recommends: false
test: ./t.sh
`,
  'vmatrix.yml',
);

describe('overrides', () => {
  it('match a name, a family or a glob over the name', () => {
    expect(overrideMatches('busybox', { name: 'busybox', family: 'busybox' })).toBe(true);
    expect(overrideMatches('debian', { name: 'debian-12', family: 'debian' })).toBe(true);
    expect(overrideMatches('debian-1*', { name: 'debian-12', family: 'debian' })).toBe(true);
    expect(overrideMatches('debian-1*', { name: 'debian-2', family: 'debian' })).toBe(false);
    expect(overrideMatches('debian-1.', { name: 'debian-12', family: 'debian' })).toBe(false);
  });

  it('replace packages and install_recommends and merge env, in the order written', () => {
    expect(effectiveSetup(config, { name: 'debian-12', family: 'debian' })).toEqual({
      packages: ['gawk', 'bc'],
      installRecommends: false,
      setup: [],
      env: { A: '1', B: '2' },
    });
    expect(effectiveSetup(config, { name: 'busybox', family: 'busybox' })).toEqual({
      packages: [],
      installRecommends: true,
      setup: [],
      env: { A: '1' },
    });
  });

  it('let a later entry turn install_recommends back on, and a top-level false stand where none matches', () => {
    const c = parseConfig(
      'distros: [debian-12, alpine-3.20]\ntest: t\ninstall_recommends: false\noverrides:\n  debian:\n    install_recommends: true\n',
      'vmatrix.yml',
    );
    expect(effectiveSetup(c, { name: 'debian-12', family: 'debian' }).installRecommends).toBe(true);
    expect(effectiveSetup(c, { name: 'alpine-3.20', family: 'alpine' }).installRecommends).toBe(false);
  });

  it('reject an install_recommends that is not true/false, with its line', () => {
    expect(() =>
      parseConfig(
        'distros: [debian-12]\ntest: t\noverrides:\n  debian:\n    install_recommends: no-thanks\n',
        'vmatrix.yml',
      ),
    ).toThrow(/vmatrix.yml:5: overrides.debian.install_recommends: expected true\/false/);
    expect(() => parseConfig('distros: [debian-12]\ntest: t\ninstall_recommends: 0\n', 'vmatrix.yml')).toThrow(
      /vmatrix.yml:3: install_recommends: expected true\/false/,
    );
  });

  it('reject an unknown key inside an override with its line', () => {
    expect(() =>
      parseConfig('distros: [debian-12]\ntest: t\noverrides:\n  debian:\n    pakages: [x]\n', 'vmatrix.yml'),
    ).toThrow(/vmatrix.yml:5: overrides.debian.pakages/);
  });
});
