import { describe, expect, it } from 'vitest';
import { parseCatalogFile } from '../../../src/catalog/parse.js';
import { describeSource } from '../../../src/images/source.js';
import { parseChallenge } from '../../../src/images/oci/auth.js';
import { ociPlatform, selectPlatform, type Descriptor } from '../../../src/images/oci/media.js';
import { parseOciRef } from '../../../src/images/oci/ref.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('OCI references', () => {
  it('defaults Docker Hub names to library/ and the registry-1 host', () => {
    expect(parseOciRef('alpine')).toMatchObject({
      registry: 'docker.io',
      host: 'registry-1.docker.io',
      repository: 'library/alpine',
      reference: 'latest',
      plainHttp: false,
    });
    expect(parseOciRef('docker.io/library/alpine:3.20')).toMatchObject({
      repository: 'library/alpine',
      reference: '3.20',
    });
    expect(parseOciRef('index.docker.io/user/app:v1')).toMatchObject({
      registry: 'docker.io',
      repository: 'user/app',
      reference: 'v1',
    });
  });

  it('reads other registries, ports and digests', () => {
    expect(parseOciRef('quay.io/x/y:tag')).toMatchObject({
      registry: 'quay.io',
      host: 'quay.io',
      repository: 'x/y',
      reference: 'tag',
    });
    expect(parseOciRef(`ghcr.io/o/a/b@${D}`)).toMatchObject({ repository: 'o/a/b', reference: D, digest: D });
    // A pinned digest wins over the tag beside it.
    expect(parseOciRef(`quay.io/x/y:tag@${D}`)).toMatchObject({ reference: D });
    expect(parseOciRef('localhost:5000/x:y')).toMatchObject({
      registry: 'localhost:5000',
      host: 'localhost:5000',
      repository: 'x',
      reference: 'y',
      plainHttp: true,
    });
    expect(parseOciRef('127.0.0.1:5000/test/img')).toMatchObject({
      repository: 'test/img',
      reference: 'latest',
      plainHttp: true,
    });
    // `user/app` has no host-like first component: a Docker Hub name, not a registry called "user".
    expect(parseOciRef('user/app:1')).toMatchObject({ registry: 'docker.io', repository: 'user/app' });
  });

  it('refuses malformed references, and insecure for a remote registry', () => {
    for (const bad of ['quay.io/X/y', 'quay.io/x/y:-bad', 'x@sha256:abc', 'x@md5:' + 'a'.repeat(32), 'quay.io/x//y']) {
      expect(() => parseOciRef(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_OCI_REF', exit: 2 }));
    }
    expect(() => parseOciRef('quay.io/x/y', true)).toThrow(expect.objectContaining({ code: 'OCI_INSECURE_REMOTE' }));
    expect(parseOciRef('127.0.0.1:5000/x', true).plainHttp).toBe(true);
  });
});

describe('platform selection', () => {
  const entry = (architecture: string, os = 'linux', extra: Partial<Descriptor> = {}): Descriptor => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${architecture.padEnd(64, '0')}`,
    size: 1,
    platform: { architecture, os },
    ...extra,
  });
  const attestation = entry('unknown', 'unknown', {
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
  });

  it('picks linux/<arch>, never an attestation or another OS', () => {
    const index = { manifests: [attestation, entry('amd64', 'windows'), entry('arm64'), entry('amd64')] };
    expect(selectPlatform(index, 'amd64', 'idx').platform).toEqual({ architecture: 'amd64', os: 'linux' });
    expect(selectPlatform(index, 'aarch64', 'idx').platform?.architecture).toBe('arm64');
  });

  it('maps Debian arch names to OCI ones and matches arm variants', () => {
    expect(ociPlatform('armhf')).toEqual({ architecture: 'arm', variant: 'v7' });
    expect(ociPlatform('i386')).toEqual({ architecture: '386' });
    const v6 = entry('arm', 'linux', { platform: { architecture: 'arm', os: 'linux', variant: 'v6' } });
    const v7 = entry('arm', 'linux', { platform: { architecture: 'arm', os: 'linux', variant: 'v7' } });
    expect(selectPlatform({ manifests: [v6, v7] }, 'armhf', 'idx')).toBe(v7);
  });

  it('names what the index offers when the platform is missing', () => {
    expect(() =>
      selectPlatform({ manifests: [attestation, entry('s390x')] }, 'amd64', 'http://r/v2/x/manifests/1'),
    ).toThrow(
      expect.objectContaining({
        code: 'OCI_NO_PLATFORM',
        exit: 3,
        message: expect.stringContaining('it has: linux/s390x'),
      }),
    );
  });
});

describe('bearer challenges', () => {
  it('reads realm, service and scope, quoted or not', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      ),
    ).toEqual({
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/alpine:pull',
    });
    expect(parseChallenge('bearer realm=https://r/token')).toEqual({ realm: 'https://r/token' });
    expect(parseChallenge(['Basic realm="x"', 'Bearer realm="https://r/t"'])).toEqual({ realm: 'https://r/t' });
    expect(parseChallenge('Basic realm="registry"')).toBeUndefined();
    expect(parseChallenge(undefined)).toBeUndefined();
  });
});

describe('the catalog', () => {
  const file = (source: string) =>
    `family: alp\npackageManager: apk\nreleases:\n  - name: alp-1\n    sources:\n      - ${source}\n`;

  it('accepts an oci source, and needs its ref', () => {
    const ok = parseCatalogFile(
      file('{ kind: oci, ref: "docker.io/library/alpine:3.20", insecure: false }'),
      'alp.yml',
    );
    expect(ok.issues).toEqual([]);
    expect(ok.entries[0]!.entry.sources).toEqual([
      { kind: 'oci', ref: 'docker.io/library/alpine:3.20', insecure: false },
    ]);
    expect(describeSource(ok.entries[0]!.entry.sources[0]!)).toBe('oci docker.io/library/alpine:3.20');
    expect(parseCatalogFile(file('{ kind: oci }'), 'alp.yml').issues.map((i) => i.text)).toEqual([
      'alp.yml:6: releases[0].sources[0].ref: required key is missing',
    ]);
  });
});
