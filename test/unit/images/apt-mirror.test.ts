import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aptSources, hostDebianMirror, parseDeb822, parseOneLine } from '../../../src/images/apt-mirror.js';

// Sample apt configurations with made-up hosts; the real host's mirror is never written down anywhere.

const base = await mkdtemp(join(tmpdir(), 'vmx-apt-'));
afterAll(() => rm(base, { recursive: true, force: true }));

let n = 0;
async function hostRoot(files: Record<string, string>): Promise<string> {
  const root = join(base, `r${++n}`);
  await mkdir(join(root, 'etc/apt/sources.list.d'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, 'etc/apt', name), text);
  return root;
}

const DEB822 = `Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

describe('parsing apt sources', () => {
  it('reads one-line entries with options, comments and deb-src lines', () => {
    expect(
      parseOneLine(
        [
          '# deb http://commented.example/debian bookworm main',
          'deb-src http://src.example/debian bookworm main',
          'deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://mirror.example/debian bookworm main contrib # trailing',
          'deb http://other.example/debian bookworm-backports main',
        ].join('\n'),
      ),
    ).toEqual([
      { uri: 'http://mirror.example/debian', suites: ['bookworm'], components: ['main', 'contrib'], file: '' },
      { uri: 'http://other.example/debian', suites: ['bookworm-backports'], components: ['main'], file: '' },
    ]);
  });

  it('reads deb822 stanzas, with comment lines inside them and several URIs', () => {
    expect(parseDeb822(DEB822).map((s) => [s.uri, s.suites])).toEqual([
      ['http://mirror.example/debian', ['bookworm', 'bookworm-updates']],
      ['http://mirror.example/debian-security', ['bookworm-security']],
    ]);
    expect(
      parseDeb822(
        'Types: deb deb-src\nURIs: http://a.example/debian http://b.example/debian\nSuites: trixie\nComponents: main\n',
      ).map((s) => s.uri),
    ).toEqual(['http://a.example/debian', 'http://b.example/debian']);
  });

  it('skips deb-src-only and disabled stanzas', () => {
    expect(parseDeb822('Types: deb-src\nURIs: http://a.example/debian\nSuites: bookworm\nComponents: main\n')).toEqual(
      [],
    );
    expect(
      parseDeb822('Types: deb\nURIs: http://a.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n'),
    ).toEqual([]);
  });
});

describe('hostDebianMirror', () => {
  it('finds the mirror of a deb822 file (Debian 12 default layout)', async () => {
    expect(await hostDebianMirror(await hostRoot({ 'sources.list.d/debian.sources': DEB822 }))).toBe(
      'http://mirror.example/debian',
    );
  });

  it('prefers sources.list, and skips -security, -updates and -backports suites', async () => {
    const root = await hostRoot({
      'sources.list':
        'deb http://sec.example/debian-security bookworm-security main\ndeb http://list.example/debian bookworm main\n',
      'sources.list.d/debian.sources': DEB822,
    });
    expect(await hostDebianMirror(root)).toBe('http://list.example/debian');
  });

  it('skips third-party repositories, disabled files and entries without main', async () => {
    const root = await hostRoot({
      'sources.list.d/a-nodesource.list': 'deb https://node.example/node_20.x nodistro main\n',
      'sources.list.d/b-cloud.list.disabled-by-admin': 'deb http://disabled.example/debian bookworm main\n',
      'sources.list.d/c-contrib.list': 'deb http://contrib.example/debian bookworm contrib non-free\n',
      'sources.list.d/d-debian.list': 'deb http://good.example/debian bookworm main\n',
    });
    expect(await hostDebianMirror(root)).toBe('http://good.example/debian');
    expect((await aptSources(root)).map((s) => s.uri)).not.toContain('http://disabled.example/debian');
  });

  it('fails with a hint when there is no Debian mirror', async () => {
    const root = await hostRoot({ 'sources.list': 'deb http://ubuntu.example/ubuntu noble main\n' });
    await expect(hostDebianMirror(root)).rejects.toMatchObject({
      code: 'NO_DEBIAN_MIRROR',
      exit: 3,
      hint: expect.stringContaining('VMATRIX_DEBIAN_MIRROR'),
    });
  });

  it('fails the same way when apt has no sources at all', async () => {
    await expect(hostDebianMirror(join(base, 'no-such-root'))).rejects.toMatchObject({ code: 'NO_DEBIAN_MIRROR' });
  });
});
