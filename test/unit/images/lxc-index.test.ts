import { describe, expect, it } from 'vitest';
import { lxcServer, DEFAULT_LXC_SERVER } from '../../../src/images/lxc.js';
import { lxcDists, lxcOffer, lxcUrl, newestLxcImage, parseLxcIndex } from '../../../src/images/lxc-index.js';

const INDEX = [
  'alpine;3.20;amd64;default;20241123_13:00;/images/alpine/3.20/amd64/default/20241123_13:00/',
  'alpine;3.20;amd64;default;20241124_13:00;/images/alpine/3.20/amd64/default/20241124_13:00/',
  'alpine;3.20;amd64;default;20241122_13:00;/images/alpine/3.20/amd64/default/20241122_13:00/',
  'alpine;3.20;amd64;cloud;20241125_13:00;/images/alpine/3.20/amd64/cloud/20241125_13:00/',
  'alpine;3.20;arm64;default;20241120_13:00;/images/alpine/3.20/arm64/default/20241120_13:00/',
  'alpine;3.21;amd64;default;20241124_13:00;/images/alpine/3.21/amd64/default/20241124_13:00/',
  '',
  'a broken line',
  'ubuntu;noble;amd64;default;;/images/ubuntu/noble/amd64/default/',
  'ubuntu;noble;amd64;default;20241124_07:42;/images/ubuntu/noble/amd64/default/20241124_07:42/;extra',
  'ubuntu;jammy;arm64;default;20241124_07:42;/images/ubuntu/jammy/arm64/default/20241124_07:42/\r',
].join('\n');

describe('the LXC image index', () => {
  it('reads dist;release;arch;variant;build;path lines and skips malformed ones', () => {
    const images = parseLxcIndex(INDEX);
    expect(images).toHaveLength(7);
    expect(images[0]).toEqual({
      dist: 'alpine',
      release: '3.20',
      arch: 'amd64',
      variant: 'default',
      build: '20241123_13:00',
      path: '/images/alpine/3.20/amd64/default/20241123_13:00/',
    });
    expect(images.at(-1)).toMatchObject({
      dist: 'ubuntu',
      release: 'jammy',
      path: '/images/ubuntu/jammy/arm64/default/20241124_07:42/',
    });
  });

  it('picks the newest build of exactly the wanted dist, release, arch and variant, wherever it is listed', () => {
    const images = parseLxcIndex(INDEX);
    expect(newestLxcImage(images, { dist: 'alpine', release: '3.20', arch: 'amd64', variant: 'default' })?.build).toBe(
      '20241124_13:00',
    );
    expect(newestLxcImage(images, { dist: 'alpine', release: '3.20', arch: 'amd64', variant: 'cloud' })?.build).toBe(
      '20241125_13:00',
    );
    expect(newestLxcImage(images, { dist: 'alpine', release: '3.20', arch: 'arm64', variant: 'default' })?.build).toBe(
      '20241120_13:00',
    );
    expect(
      newestLxcImage(images, { dist: 'alpine', release: '3.21', arch: 'arm64', variant: 'default' }),
    ).toBeUndefined();
    expect(
      newestLxcImage(images, { dist: 'alpine', release: '3.2', arch: 'amd64', variant: 'default' }),
    ).toBeUndefined();
  });

  it('says what a dist has, and which dists there are', () => {
    const images = parseLxcIndex(INDEX);
    expect(lxcOffer(images, 'alpine')).toBe('3.20 (amd64, amd64/cloud, arm64), 3.21 (amd64)');
    expect(lxcOffer(images, 'gentoo')).toBe('');
    expect(lxcDists(images)).toEqual(['alpine', 'ubuntu']);
  });

  it("joins server, path and file with one slash each, keeping the build's colon", () => {
    expect(lxcUrl('http://h:8/', '/images/a/1/amd64/default/20241124_13:00/', 'SHA256SUMS')).toBe(
      'http://h:8/images/a/1/amd64/default/20241124_13:00/SHA256SUMS',
    );
    expect(lxcUrl('http://h/mirror', 'images/x/', 'rootfs.tar.xz')).toBe('http://h/mirror/images/x/rootfs.tar.xz');
  });

  it('takes the server from the spec, else $VMATRIX_LXC_SERVER, else the public one', () => {
    const spec = { kind: 'lxc' as const, dist: 'alpine', release: '3.20' };
    expect(lxcServer({ ...spec, server: 'http://mine/' }, { VMATRIX_LXC_SERVER: 'http://env' })).toBe('http://mine');
    expect(lxcServer(spec, { VMATRIX_LXC_SERVER: 'http://env/' })).toBe('http://env');
    expect(lxcServer(spec, { VMATRIX_LXC_SERVER: '' })).toBe(DEFAULT_LXC_SERVER);
    expect(DEFAULT_LXC_SERVER).toBe('https://images.linuxcontainers.org');
  });
});
