import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { chooseDebianMirror, hasSuite, mirrorCandidates } from '../../../src/images/debian-archive.js';
import { planMmdebstrap } from '../../../src/images/mmdebstrap.js';
import { IMAGE_FORMAT } from '../../../src/images/source.js';
import { Store } from '../../../src/store/index.js';
import { hashOf, shortId } from '../../../src/util/hash.js';
import { memoryLogger, testDistro } from '../../helpers/distro.js';

// Which mirror an EOL Debian release is built from. A mirror has a suite when it serves
// dists/<suite>/Release (https://wiki.debian.org/DebianRepository/Format); the servers below are local
// ones in that layout: a regular mirror that dropped bullseye and an archive mirror that keeps it.

const base = await mkdtemp(join(tmpdir(), 'vmx-archive-'));
const asked: string[] = [];
const server = createServer((req, res) => {
  asked.push(req.url!);
  const have: Record<string, string[]> = { '/debian/': ['bookworm', 'trixie'], '/old/': ['bullseye', 'buster'] };
  const m = /^(\/\w+\/)dists\/([^/]+)\/Release$/.exec(req.url!);
  if (m && have[m[1]]?.includes(m[2])) res.writeHead(206, { 'content-range': 'bytes 0-0/1000' }).end('O');
  else if (req.url === '/broken/dists/bullseye/Release') res.writeHead(403).end();
  else res.writeHead(404).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(base, { recursive: true, force: true });
});

describe('hasSuite', () => {
  it("asks for dists/<suite>/Release and reads the answer's status", async () => {
    expect(await hasSuite(url('/debian'), 'bookworm')).toBe(true);
    expect(await hasSuite(url('/debian/'), 'bullseye')).toBe(false);
    expect(asked.slice(-2)).toEqual(['/debian/dists/bookworm/Release', '/debian/dists/bullseye/Release']);
    await expect(hasSuite(url('/broken'), 'bullseye')).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
  });
});

describe('chooseDebianMirror', () => {
  const candidates = { regular: url('/debian'), archives: [url('/broken'), url('/old')] };

  it('builds a supported release from the regular mirror without asking anything', async () => {
    const before = asked.length;
    expect(await chooseDebianMirror('bookworm', { eol: false, offline: false, candidates })).toBe(url('/debian'));
    expect(asked.length).toBe(before);
  });

  it('keeps the regular mirror for an EOL release while it still has the suite', async () => {
    expect(await chooseDebianMirror('trixie', { eol: true, offline: false, candidates })).toBe(url('/debian'));
  });

  it('falls back to the first archive candidate that has the suite, past one that fails', async () => {
    expect(await chooseDebianMirror('bullseye', { eol: true, offline: false, candidates })).toBe(url('/old'));
  });

  it('keeps the regular mirror when it cannot be asked: only a mirror that lacks the suite is left', async () => {
    const unreachable = { regular: url('/broken'), archives: [url('/old')] };
    expect(await chooseDebianMirror('bullseye', { eol: true, offline: false, candidates: unreachable })).toBe(
      url('/broken'),
    );
  });

  it('asks nothing offline: the regular mirror, as before', async () => {
    const before = asked.length;
    expect(await chooseDebianMirror('bullseye', { eol: true, offline: true, candidates })).toBe(url('/debian'));
    expect(asked.length).toBe(before);
  });

  it('says what to set when no mirror has the suite', async () => {
    const none = { regular: url('/debian'), archives: [] };
    await expect(chooseDebianMirror('bullseye', { eol: true, offline: false, candidates: none })).rejects.toMatchObject(
      {
        code: 'DEBIAN_SUITE_ARCHIVED',
        message:
          'bullseye is past its end of life and no mirror vmatrix knows still has it ' +
          `(${url('/debian')}: no dists/bullseye/Release)`,
        hint: expect.stringMatching(/^set VMATRIX_DEBIAN_ARCHIVE_MIRROR to Debian's archive mirror/),
      },
    );
  });
});

describe('mirrorCandidates', () => {
  it('takes the regular mirror from VMATRIX_DEBIAN_MIRROR, then the archive one, then the host sources', async () => {
    const root = join(base, 'host');
    await mkdir(join(root, 'etc/apt/sources.list.d'), { recursive: true });
    await writeFile(
      join(root, 'etc/apt/sources.list'),
      'deb http://mirror.example/debian bookworm main\ndeb http://archive.example/debian bullseye main\n' +
        'deb http://third.example/repo stable contrib\n',
    );
    expect(await mirrorCandidates({ VMATRIX_DEBIAN_ARCHIVE_MIRROR: 'http://set.example/debian' }, root)).toEqual({
      regular: 'http://mirror.example/debian',
      archives: ['http://set.example/debian', 'http://archive.example/debian'],
    });
    expect(await mirrorCandidates({ VMATRIX_DEBIAN_MIRROR: 'http://env.example/debian' }, root)).toEqual({
      regular: 'http://env.example/debian',
      archives: ['http://mirror.example/debian', 'http://archive.example/debian'],
    });
  });
});

describe('planMmdebstrap for an EOL release', () => {
  const plan = async (store: Store) => {
    const distro = {
      ...testDistro([{ kind: 'mmdebstrap', suite: 'bullseye' }], 'debian-11'),
      eol: '2026-08-31',
      eolSource: 'https://wiki.debian.org/LTS',
    };
    const ctx = { store, distro, log: memoryLogger(), offline: false, progress: () => {} };
    return planMmdebstrap({ kind: 'mmdebstrap', suite: 'bullseye' }, ctx);
  };

  it('uses an image already built from the regular mirror without asking the network', async () => {
    vi.stubEnv('VMATRIX_DEBIAN_MIRROR', url('/debian'));
    vi.stubEnv('VMATRIX_DEBIAN_ARCHIVE_MIRROR', url('/old'));
    try {
      const store = new Store(join(base, 'store'));
      await store.init();
      const before = asked.length;
      const fromArchive = await plan(store);
      // The regular mirror was asked, said no, and the archive mirror was chosen.
      expect(asked.slice(before)).toEqual(['/debian/dists/bullseye/Release', '/old/dists/bullseye/Release']);
      // An image of the regular mirror's, as one built before the suite left it.
      const regularId = shortId(
        hashOf({
          kind: 'mmdebstrap',
          suite: 'bullseye',
          variant: 'minbase',
          components: ['main'],
          mirror: url('/debian'),
          arch: 'amd64',
          format: IMAGE_FORMAT,
        }),
      );
      expect(fromArchive.id).not.toBe(regularId);
      await mkdir(store.imageDir(regularId), { recursive: true });
      await writeFile(join(store.imageDir(regularId), 'image.json'), '{}');
      const again = asked.length;
      expect((await plan(store)).id).toBe(regularId);
      expect(asked.length).toBe(again);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
