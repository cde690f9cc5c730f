import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decompress, extractTar } from '../../src/archive/index.js';
import { ensureImage } from '../../src/images/index.js';
import type { Store } from '../../src/store/index.js';
import { VmError } from '../../src/util/errors.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { image, writeLayout } from '../helpers/oci-layout.js';
import { push, startRegistry, type Registry } from '../helpers/oci-registry.js';
import { storeMaker } from '../helpers/store.js';
import {
  base256Size,
  END,
  extractBuffer,
  gnuLong,
  paxHeader,
  rawEntry,
  rawHeader,
  removeSandboxes,
  sandbox,
  tarOf,
  type Sandbox,
  type Spec,
} from '../helpers/tar.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';

// Hostile archives (docs/safety.md, rules 1-14), in the variants test/unit/archive does not try: `..` behind GNU long
// names and PAX overrides, names replaced by links and links by directories, hardlinks to symlinks, device
// nodes and setuid files, bombs and entries hidden after the end-of-archive marker, whiteouts that climb.
// Above all, the path a user takes: a hostile tarball or OCI layer built into an image through the real
// store must fail naming the entry, commit no image, leave no staging dir, and change nothing beside the
// store. Whatever is refused or contained, the directories beside the root must not change by one byte.

const TAGS = { tags: ['safety', 'archives'] };
const GiB = 1024 ** 3;
/** 120 bytes: a name with it needs a GNU long name or a PAX path. */
const LONG = 'd'.repeat(120);

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.assertUntouched();
});
afterAll(removeSandboxes);

/** Raw entries, then the end-of-archive marker. */
const raw = (...parts: Buffer[]): Buffer => Buffer.concat([...parts, END]);
const under = (...p: string[]): string => join(s.root, ...p);
const modeOf = async (p: string): Promise<number> => (await lstat(p)).mode & 0o7777;
const extract = async (entries: Spec[]): Promise<unknown> => extractBuffer(await tarOf(entries), s.root);
const matching = (m: string | RegExp) =>
  typeof m === 'string' ? expect.stringContaining(m) : expect.stringMatching(m);
const refused = (archive: Buffer | Promise<Buffer>, code: string, message: string | RegExp, o = {}) =>
  expect(Promise.resolve(archive).then((b) => extractBuffer(b, s.root, o))).rejects.toMatchObject({
    code,
    message: matching(message),
  });

describe('".." behind GNU long names and PAX overrides (SAFETY 1, 5)', TAGS, () => {
  it('a GNU long name (type L) is the name: one with ".." is refused, naming it', async () => {
    await extractBuffer(
      raw(gnuLong('L', `${LONG}/ok`), rawEntry({ name: 'harmless', typeflag: '0', content: 'ok' })),
      s.root,
    );
    expect(await readdir(s.root)).toEqual([LONG]);
    await refused(
      raw(gnuLong('L', `${LONG}/../../victim/hello`), rawEntry({ name: 'harmless', typeflag: '0', content: 'pwned' })),
      'ARCHIVE_UNSAFE',
      `archive entry "${LONG}/../../victim/hello": ".." in the name`,
    );
  });

  it('a GNU long link target (type K) that climbs out of a hardlink is refused, naming the hardlink', () =>
    refused(
      raw(
        rawEntry({ name: 'etc/a', typeflag: '0', content: 'a' }),
        gnuLong('K', `${LONG}/../../../victim/hello`),
        rawEntry({ name: 'h', typeflag: '1', linkname: 'etc/a' }),
      ),
      'ARCHIVE_UNSAFE',
      `archive entry "h": hardlink target "${LONG}/../../../victim/hello": ".." in the name`,
    ));

  it('a PAX path that climbs or is absolute, over a harmless ustar name, is refused; the harmless name is never created', async () => {
    for (const path of ['../victim/hello', 'etc/../../victim/hello', join(s.work, 'victim/hello')]) {
      await refused(
        raw(paxHeader({ path }), rawEntry({ name: 'harmless', typeflag: '0', content: 'pwned' })),
        'ARCHIVE_UNSAFE',
        `archive entry "${path}"`,
      );
    }
    expect(await readdir(s.root)).toEqual([]);
  });

  it('a harmless PAX path wins over a climbing ustar name', async () => {
    await extractBuffer(
      raw(paxHeader({ path: 'etc/real' }), rawEntry({ name: '../victim/hello', typeflag: '0', content: 'pax wins' })),
      s.root,
    );
    expect(await readFile(under('etc/real'), 'utf8')).toBe('pax wins');
  });

  it('a PAX linkpath that climbs, over a harmless hardlink target, is refused, naming the hardlink', () =>
    refused(
      raw(
        rawEntry({ name: 'etc/a', typeflag: '0', content: 'a' }),
        paxHeader({ linkpath: '../victim/hello' }),
        rawEntry({ name: 'h', typeflag: '1', linkname: 'etc/a' }),
      ),
      'ARCHIVE_UNSAFE',
      'archive entry "h": hardlink target "../victim/hello": ".." in the name',
    ));

  it('a PAX linkpath that climbs, over a harmless symlink target, is kept verbatim and followed inside the root', async () => {
    await extractBuffer(
      raw(
        paxHeader({ linkpath: '../victim' }),
        rawEntry({ name: 'esc', typeflag: '2', linkname: 'harmless' }),
        rawEntry({ name: 'esc/hello', typeflag: '0', content: 'pwned' }),
      ),
      s.root,
    );
    expect(await readlink(under('esc'))).toBe('../victim');
    expect(await readFile(under('victim/hello'), 'utf8')).toBe('pwned');
  });
});

describe('names replaced: symlinks, directories, duplicates (SAFETY 3, 6)', TAGS, () => {
  it('a symlink to the canary replaced by a directory: later entries land in the directory', async () => {
    await extract([
      { name: 'l', type: 'symlink', linkname: s.canary },
      { name: 'l/before', content: 'through the link' },
      { name: 'l/', type: 'directory', mode: 0o750 },
      { name: 'l/file', content: 'in the dir' },
      { name: 'l/sub/deep', content: 'in the dir' },
    ]);
    expect(await modeOf(under('l'))).toBe(0o750);
    expect((await readdir(under('l'))).sort()).toEqual(['file', 'sub']);
    expect(await readFile(under('l/sub/deep'), 'utf8')).toBe('in the dir');
    expect(await readFile(join(s.root, s.canary, 'before'), 'utf8')).toBe('through the link');
  });

  it('a directory tree replaced by a symlink that climbs: its cached deep names now resolve through the link, inside', async () => {
    await extract([
      { name: 'a/b/c/', type: 'directory', mode: 0o777, mtime: new Date(0) },
      { name: 'a/b/c/old', content: 'old' },
      { name: 'a', type: 'symlink', linkname: '../victim' }, // for the kernel, <root>/a is the real victim
      { name: 'a/b/c/new', content: 'pwned' },
      { name: 'a/hello', content: 'pwned' },
    ]);
    expect(await readlink(under('a'))).toBe('../victim');
    expect(await readFile(under('victim/b/c/new'), 'utf8')).toBe('pwned');
    expect(await readFile(under('victim/hello'), 'utf8')).toBe('pwned');
    expect(existsSync(under('victim/b/c/old'))).toBe(false);
  });

  it('the same file twice: the second replaces the first whole (content, mode, owner), never through its inode', async () => {
    await extract([
      { name: 'bin/tool', content: 'first', mode: 0o4755 },
      { name: 'bin/keep', type: 'link', linkname: 'bin/tool' },
      { name: 'bin/tool', content: 'second', mode: 0o644, uid: 1000, gid: 1000 },
    ]);
    expect(await readFile(under('bin/tool'), 'utf8')).toBe('second');
    expect(await lstat(under('bin/tool'))).toMatchObject({ uid: 1000, gid: 1000, nlink: 1 });
    expect(await modeOf(under('bin/tool'))).toBe(0o644);
    expect(await readFile(under('bin/keep'), 'utf8')).toBe('first');
    expect(await modeOf(under('bin/keep'))).toBe(0o4755);
  });

  it('a file, then a directory of the same name with entries in it', async () => {
    await extract([
      { name: 'f', content: 'file' },
      { name: 'f/', type: 'directory', mode: 0o711 },
      { name: 'f/child', content: 'c' },
    ]);
    expect(await modeOf(under('f'))).toBe(0o711);
    expect(await readFile(under('f/child'), 'utf8')).toBe('c');
  });
});

describe('hardlinks to symlinks (SAFETY 5)', TAGS, () => {
  it('link the symlink itself, never the file it points at', async () => {
    await extract([
      { name: 'abs', type: 'symlink', linkname: join(s.canary, 'file') },
      { name: 'rel', type: 'symlink', linkname: '../canary/file' }, // for the kernel, the real canary file
      { name: 'h-abs', type: 'link', linkname: 'abs' },
      { name: 'h-rel', type: 'link', linkname: '/rel' },
    ]);
    for (const [link, target] of [
      ['h-abs', 'abs'],
      ['h-rel', 'rel'],
    ] as const) {
      const [h, t] = await Promise.all([lstat(under(link)), lstat(under(target))]);
      expect([h.isSymbolicLink(), h.ino, h.nlink]).toEqual([true, t.ino, 2]);
    }
    // assertUntouched: the canary file still has one link.
  });

  it('a file over a hardlinked symlink replaces the name; a path through a hardlinked symlink stays inside', async () => {
    await extract([
      { name: 'dir', type: 'symlink', linkname: s.canary },
      { name: 'dir2', type: 'link', linkname: 'dir' },
      { name: 'dir2/file', content: 'pwned' },
      { name: 'f', type: 'symlink', linkname: join(s.canary, 'file') },
      { name: 'f2', type: 'link', linkname: 'f' },
      { name: 'f2', content: 'mine' },
    ]);
    expect(await readFile(join(s.root, s.canary, 'file'), 'utf8')).toBe('pwned');
    expect(await readFile(under('f2'), 'utf8')).toBe('mine');
    expect(await readlink(under('f'))).toBe(join(s.canary, 'file'));
  });
});

describe('device nodes, FIFOs, setuid and setgid (SAFETY 10, 11)', TAGS, () => {
  it('device numbers are range-checked: the largest Linux holds is made exactly, one minor more is refused', async () => {
    await extractBuffer(
      raw(rawEntry({ name: 'dev/max', typeflag: '4', devmajor: 0xfff, devminor: 0xfffff, mode: 0o600 })),
      s.root,
    );
    const st = await lstat(under('dev/max'));
    expect([st.isBlockDevice(), st.rdev, st.uid, st.mode & 0o7777]).toEqual([true, 0xffffffff, 0, 0o600]);
    await refused(
      raw(rawEntry({ name: 'dev/over', typeflag: '3', devmajor: 1, devminor: 0x100000 })),
      'ARCHIVE_INVALID',
      'archive entry "dev/over": device number 1:1048576 out of range',
    );
  });

  it('device nodes and FIFOs named through a symlink to the canary, or over one, are made inside the root', async () => {
    await extract([
      { name: 'd', type: 'symlink', linkname: s.canary },
      { name: 'd/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'd/pipe', type: 'fifo' },
      { name: 's', type: 'symlink', linkname: join(s.canary, 'file') },
      { name: 's', type: 'block-device', devmajor: 7, devminor: 0 },
    ]);
    expect((await lstat(join(s.root, s.canary, 'null'))).rdev).toBe(0x103);
    expect((await lstat(join(s.root, s.canary, 'pipe'))).isFIFO()).toBe(true);
    expect((await lstat(under('s'))).rdev).toBe(0x700);
  });

  it('nothing opens a FIFO: one over a directory, and a file over one, complete', async () => {
    await extract([
      { name: 'd/', type: 'directory', mode: 0o777 },
      { name: 'd/x', content: 'x' },
      { name: 'd', type: 'fifo', mode: 0o600 },
      { name: 'p', type: 'fifo' },
      { name: 'q', type: 'link', linkname: 'p' },
      { name: 'p', content: 'now a file' },
    ]);
    expect([(await lstat(under('d'))).isFIFO(), await modeOf(under('d'))]).toEqual([true, 0o600]);
    expect(await readFile(under('p'), 'utf8')).toBe('now a file');
    expect((await lstat(under('q'))).isFIFO()).toBe(true);
  });

  it('setuid and setgid survive non-root owners (chmod after chown) on files, hardlinks and directories', async () => {
    await extract([
      { name: 'usr/bin/newgrp', content: 'x', mode: 0o6755, uid: 1000, gid: 1000 },
      { name: 'usr/bin/sg', type: 'link', linkname: 'usr/bin/newgrp' },
      { name: 'usr/bin/crontab', content: 'c', mode: 0o2755, gid: 105 },
      { name: 'var/mail/', type: 'directory', mode: 0o3775, uid: 8, gid: 8 },
      { name: 'var/mail/u', content: 'm', mode: 0o660, uid: 1000, gid: 8 },
    ]);
    const facts = async (p: string) => {
      const st = await lstat(under(p));
      return [st.mode & 0o7777, st.uid, st.gid];
    };
    expect(await facts('usr/bin/newgrp')).toEqual([0o6755, 1000, 1000]);
    expect(await facts('usr/bin/sg')).toEqual([0o6755, 1000, 1000]);
    expect(await facts('usr/bin/crontab')).toEqual([0o2755, 0, 105]);
    expect(await facts('var/mail')).toEqual([0o3775, 8, 8]);
  });
});

type Kind = 'gzip' | 'xz' | 'zstd';

function compress(kind: Kind, data: Buffer): Buffer {
  if (kind === 'gzip') return gzipSync(data);
  const r = spawnSync(kind, ['-c'], { input: data, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${kind} -c failed: ${r.stderr}`);
  return r.stdout;
}

const zeroMembers = new Map<Kind, Buffer>();
/** `head` then `gib` GiB of zeros, as concatenated gzip members, xz streams or zstd frames: a few MB in all. */
function bomb(kind: Kind, head: Buffer, gib: number): Buffer {
  if (!zeroMembers.has(kind)) zeroMembers.set(kind, compress(kind, Buffer.alloc(16 << 20)));
  return Buffer.concat([compress(kind, head), ...Array<Buffer>(gib * 64).fill(zeroMembers.get(kind)!)]);
}

/** The process's peak resident set so far: it only grows, so a bomb held in memory would show. */
const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
const extractCompressed = async (data: Buffer): Promise<unknown> =>
  extractTar(await decompress(Readable.from([data])), s.root);

describe('bombs and data after the end-of-archive marker (SAFETY 13)', TAGS, () => {
  for (const kind of ['gzip', 'xz', 'zstd'] as const) {
    it(`${kind}: an entry claiming 100 GiB, then 4 GiB of zeros, is refused at its header, in bounded memory`, async () => {
      const header =
        kind === 'gzip'
          ? Buffer.concat([paxHeader({ size: String(100 * GiB) }), rawHeader({ name: 'bomb', typeflag: '0' })])
          : rawHeader({ name: 'bomb', typeflag: '0', sizeField: base256Size(100 * GiB) });
      const data = bomb(kind, header, 4);
      const before = peakRssMiB();
      await expect(extractCompressed(data)).rejects.toMatchObject({
        code: 'ARCHIVE_LIMIT',
        message: 'archive entry "bomb" exceeds the limit on bytes (68719476736)',
        hint: matching('decompression bomb'),
      });
      expect(peakRssMiB() - before).toBeLessThan(256);
      expect(await readdir(s.root)).toEqual([]);
    });

    it(`${kind}: 2 GiB of zeros after the end-of-archive marker are refused after a few MB, in bounded memory`, async () => {
      const data = bomb(kind, await tarOf([{ name: 'etc/os-release', content: 'ID=x\n' }]), 2);
      const before = peakRssMiB();
      await expect(extractCompressed(data)).rejects.toMatchObject({
        code: 'ARCHIVE_LIMIT',
        message: 'archive exceeds the limit on zeros after the end-of-archive marker (8388608 bytes)',
      });
      expect(peakRssMiB() - before).toBeLessThan(256);
    });
  }

  it('an entry after the end-of-archive marker (a second archive appended, or after one zero block) is refused, not extracted', async () => {
    const first = await tarOf([{ name: 'etc/os-release', content: 'ID=x\n' }]);
    const second = await tarOf([{ name: 'smuggled', content: 'GNU tar and Go stop before this' }]);
    const afterLoneBlock = raw(
      rawEntry({ name: 'etc/os-release', typeflag: '0', content: 'ID=x\n' }),
      Buffer.alloc(512),
      second.subarray(0, 1024),
    );
    for (const archive of [Buffer.concat([first, second]), afterLoneBlock]) {
      await refused(
        archive,
        'ARCHIVE_INVALID',
        'not a valid tar archive (after "etc/os-release"): data after the end-of-archive marker',
      );
    }
    expect(existsSync(under('smuggled'))).toBe(false);
  });

  it('zero padding to a large tar record (1 MiB, as `tar -b 2048` writes) is accepted', async () => {
    await extractBuffer(Buffer.concat([await tarOf([{ name: 'f', content: 'x' }]), Buffer.alloc(1 << 20)]), s.root);
    expect(await readFile(under('f'), 'utf8')).toBe('x');
  });
});

describe('OCI whiteouts that climb (SAFETY 1, 2)', TAGS, () => {
  const layer = async (archive: Spec[] | Buffer): Promise<unknown> =>
    extractBuffer(Buffer.isBuffer(archive) ? archive : await tarOf(archive), s.root, { whiteouts: 'oci' });

  it('a whiteout with ".." or an absolute name is refused before it removes anything', async () => {
    await layer([
      { name: 'victim/hello', content: 'inside' },
      { name: 'x', content: 'x' },
    ]);
    for (const name of ['../.wh.x', 'a/../../.wh.x', '../victim/.wh.hello', join(s.work, 'victim/.wh.hello')]) {
      await expect(layer([{ name }])).rejects.toMatchObject({
        code: 'ARCHIVE_UNSAFE',
        message: matching(`archive entry "${name}"`),
      });
    }
    await expect(
      layer(raw(paxHeader({ path: 'a/../../victim/.wh.hello' }), rawEntry({ name: 'harmless', typeflag: '0' }))),
    ).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE', message: matching('archive entry "a/../../victim/.wh.hello"') });
    expect((await readdir(s.root)).sort()).toEqual(['victim', 'x']);
    expect(await readdir(under('victim'))).toEqual(['hello']);
  });

  it('a whiteout named through lower symlinks (a chain, an absolute link) acts inside the root, never outside', async () => {
    await layer([
      { name: 'victim/hello', content: 'inside' },
      { name: `${s.canary.slice(1)}/sub/deep`, content: 'inside' },
      { name: 'up', type: 'symlink', linkname: '..' },
      { name: 'up/esc', type: 'symlink', linkname: '../victim' }, // <root>/esc; for the kernel, the real victim
      { name: 'abs', type: 'symlink', linkname: s.canary },
    ]);
    await layer([{ name: 'esc/.wh.hello' }, { name: 'abs/sub/.wh.deep' }, { name: 'abs/.wh..wh..opq' }]);
    expect(await readdir(under('victim'))).toEqual([]);
    expect(await readdir(join(s.root, s.canary))).toEqual([]);
  });
});

// The image tests: stores under <work>/stores, a canary beside them. From a staging rootfs
// (stores/sN/tmp/image-…/rootfs), CLIMB is the canary for anything that resolves links as the kernel does.
const work = await mkdtemp(join(tmpdir(), 'vmx-hostile-archives-'));
const canary = join(work, 'canary');
const CLIMB = '../../../../../canary';
const freshStore = storeMaker(join(work, 'stores'));
let canaryBefore: Awaited<ReturnType<typeof snapshotTree>>;
let archives = 0;

beforeAll(async () => {
  await mkdir(join(canary, 'sub'), { recursive: true });
  await writeFile(join(canary, 'file'), 'canary\n');
  await writeFile(join(canary, 'sub/deep'), 'deep\n');
  await symlink('file', join(canary, 'link'));
  canaryBefore = await snapshotTree(canary);
});
afterAll(() => rm(work, { recursive: true, force: true }));

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
/** 256 KiB that do not compress, the same at every run: a flipped byte lands in file content. */
const noise = Buffer.concat(Array.from({ length: 8192 }, (_, i) => createHash('sha256').update(String(i)).digest()));

/** Builds `archive` as a test distro's tarball image (a file: URL with its sha256) in a fresh store. */
async function buildImage(archive: Buffer): Promise<{ store: Store; built: ReturnType<typeof ensureImage> }> {
  const file = join(work, `archive-${++archives}`);
  await writeFile(file, archive);
  const store = await freshStore();
  const distro = testDistro([{ kind: 'tarball', url: pathToFileURL(file).href, sha256: sha256(archive) }]);
  return { store, built: ensureImage(store, distro, { log: memoryLogger() }) };
}

/** No image committed, no staging dir left, the canary unchanged. */
async function expectNothingLeft(store: Store): Promise<void> {
  expect(await readdir(join(store.root, 'images'))).toEqual([]);
  expect(await readdir(store.tmpDir())).toEqual([]);
  expect(await snapshotTree(canary)).toEqual(canaryBefore);
}

const flipMiddle = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  c[c.length >> 1]! ^= 0xff;
  return c;
};
const withBig = (): Promise<Buffer> =>
  tarOf([
    { name: 'etc/os-release', content: 'ID=hostile\n' },
    { name: 'usr/lib/big', content: noise },
  ]);

const HOSTILE: Array<{ what: string; archive: () => Promise<Buffer>; code: string; message: string | RegExp }> = [
  {
    what: '".." after a GNU long name',
    archive: async () =>
      gzipSync(
        raw(gnuLong('L', `${LONG}/${CLIMB}/file`), rawEntry({ name: 'harmless', typeflag: '0', content: 'pwned' })),
      ),
    code: 'ARCHIVE_UNSAFE',
    message: `archive entry "${LONG}/${CLIMB}/file": ".." in the name`,
  },
  {
    what: 'a PAX path that climbs, over a harmless name (xz)',
    archive: async () =>
      compress(
        'xz',
        raw(paxHeader({ path: `${CLIMB}/file` }), rawEntry({ name: 'harmless', typeflag: '0', content: 'pwned' })),
      ),
    code: 'ARCHIVE_UNSAFE',
    message: `archive entry "${CLIMB}/file": ".." in the name`,
  },
  {
    what: 'an absolute PAX path to the canary',
    archive: async () =>
      gzipSync(
        raw(paxHeader({ path: `${canary}/file` }), rawEntry({ name: 'harmless', typeflag: '0', content: 'pwned' })),
      ),
    code: 'ARCHIVE_UNSAFE',
    message: `archive entry "${canary}/file": absolute name`,
  },
  {
    what: 'a PAX linkpath that climbs, on a hardlink (zstd)',
    archive: async () =>
      compress(
        'zstd',
        raw(
          rawEntry({ name: 'etc/a', typeflag: '0', content: 'a' }),
          paxHeader({ linkpath: `${CLIMB}/file` }),
          rawEntry({ name: 'etc/h', typeflag: '1', linkname: 'etc/a' }),
        ),
      ),
    code: 'ARCHIVE_UNSAFE',
    message: `archive entry "etc/h": hardlink target "${CLIMB}/file": ".." in the name`,
  },
  {
    what: 'a hardlink through a symlink that climbs to the canary',
    archive: async () =>
      gzipSync(
        await tarOf([
          { name: 'c', type: 'symlink', linkname: CLIMB },
          { name: 'h', type: 'link', linkname: 'c/file' },
        ]),
      ),
    code: 'ARCHIVE_UNSAFE',
    message: 'archive entry "h": the path runs through the symlink /c',
  },
  {
    what: 'a bomb: an entry claiming 100 GiB, then 4 GiB of zeros in gzip members',
    archive: async () =>
      bomb(
        'gzip',
        Buffer.concat([paxHeader({ size: String(100 * GiB) }), rawHeader({ name: 'bomb', typeflag: '0' })]),
        4,
      ),
    code: 'ARCHIVE_LIMIT',
    message: 'archive entry "bomb" exceeds the limit on bytes',
  },
  {
    what: 'a bomb: 2 GiB of zeros after the end-of-archive marker (zstd)',
    archive: async () => bomb('zstd', await withBig(), 2),
    code: 'ARCHIVE_LIMIT',
    message: 'archive exceeds the limit on zeros after the end-of-archive marker',
  },
  {
    what: 'an entry smuggled after the end-of-archive marker',
    archive: async () => gzipSync(Buffer.concat([await withBig(), await tarOf([{ name: 'smuggled', content: 'x' }])])),
    code: 'ARCHIVE_INVALID',
    message: 'not a valid tar archive (after "usr/lib/big"): data after the end-of-archive marker',
  },
  {
    what: 'a plain tar cut in the middle of a file',
    archive: async () => (await withBig()).subarray(0, 100_000),
    code: 'ARCHIVE_INVALID',
    message: 'not a valid tar archive (after "usr/lib/big"): Unexpected end of data',
  },
  {
    what: 'a truncated gzip stream',
    archive: async () => {
      const gz = gzipSync(await withBig());
      return gz.subarray(0, Math.floor(gz.length * 0.6));
    },
    code: 'DECOMPRESS_FAILED',
    message: /gzip data is corrupt or truncated: .+ \(after archive entry "usr\/lib\/big"\)$/,
  },
  ...(['gzip', 'xz', 'zstd'] as const).map((kind) => ({
    what: `a corrupt ${kind} stream`,
    archive: async () => flipMiddle(compress(kind, await withBig())),
    code: 'DECOMPRESS_FAILED',
    message: new RegExp(
      `(gzip data is corrupt|${kind} -dc \\(${kind} data\\) failed)[^]+ \\(after archive entry "usr/lib/big"\\)$`,
    ),
  })),
];

describe('hostile tarballs built into images through the real store', TAGS, () => {
  for (const c of HOSTILE) {
    it(`${c.what}: fails naming it, commits nothing, leaves no staging, touches nothing beside the store`, async () => {
      const { store, built } = await buildImage(await c.archive());
      const error = await built.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VmError);
      expect(error).toMatchObject({ code: c.code, message: matching(c.message) });
      await expectNothingLeft(store);
    });
  }

  it('a root with setuid files, device nodes, a FIFO and links that climb builds with its modes, everything inside', async () => {
    const { store, built } = await buildImage(
      gzipSync(
        await tarOf([
          { name: './', type: 'directory' },
          { name: 'usr/bin/su', content: 'su', mode: 0o4755 },
          { name: 'usr/bin/wall', content: 'wall', mode: 0o2755, gid: 5 },
          { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
          { name: 'run/initctl', type: 'fifo', mode: 0o600 },
          { name: 'esc', type: 'symlink', linkname: CLIMB },
          { name: 'esc/file', content: 'pwned' },
          { name: 'abs', type: 'symlink', linkname: canary },
          { name: 'abs/sub/deep', content: 'pwned' },
          { name: 'h', type: 'link', linkname: 'esc' },
        ]),
      ),
    );
    const root = (await built).rootfs;
    expect([await modeOf(join(root, 'usr/bin/su')), await modeOf(join(root, 'usr/bin/wall'))]).toEqual([
      0o4755, 0o2755,
    ]);
    expect((await lstat(join(root, 'dev/null'))).rdev).toBe(0x103);
    expect((await lstat(join(root, 'run/initctl'))).isFIFO()).toBe(true);
    expect(await readFile(join(root, 'canary/file'), 'utf8')).toBe('pwned');
    expect(await readFile(join(root, canary, 'sub/deep'), 'utf8')).toBe('pwned');
    expect((await lstat(join(root, 'h'))).isSymbolicLink()).toBe(true);
    // Host users cannot reach the image's setuid binaries (CVE-2021-41091).
    expect((await stat(store.root)).mode & 0o777).toBe(0o700);
    expect(await readdir(store.tmpDir())).toEqual([]);
    expect(await snapshotTree(canary)).toEqual(canaryBefore);
  });
});

describe('hostile OCI layers pulled from a registry', TAGS, () => {
  let registry: Registry;
  const ref = (tag: string): string => `${registry.host}/hostile/img:${tag}`;

  beforeAll(async () => {
    const climb = await image('amd64', [
      { entries: [{ name: 'etc/os-release', content: 'ID=hostile\n' }] },
      { entries: [{ name: `${CLIMB}/.wh.file` }] },
    ]);
    const through = await image('amd64', [
      {
        entries: [
          { name: 'canary/file', content: 'inside' },
          { name: `${canary.slice(1)}/sub/deep`, content: 'inside' },
          { name: 'up', type: 'symlink', linkname: '../../../../..' }, // for the kernel, <work>
          { name: 'abs', type: 'symlink', linkname: canary },
        ],
      },
      { entries: [{ name: 'up/canary/.wh.file' }, { name: 'abs/sub/.wh.deep' }] },
    ]);
    const layout = join(work, 'layout');
    await writeLayout(layout, [...climb.blobs, ...through.blobs], { climb: climb.manifest, through: through.manifest });
    registry = await startRegistry(join(work, 'registry'));
    for (const tag of ['climb', 'through']) await push(layout, tag, ref(tag));
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('a whiteout that climbs is refused naming it; nothing is committed, staged or touched', async () => {
    const store = await freshStore();
    const error = await ensureImage(store, testDistro([{ kind: 'oci', ref: ref('climb') }]), {
      log: memoryLogger(),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VmError);
    expect(error).toMatchObject({
      code: 'ARCHIVE_UNSAFE',
      message: matching(`archive entry "${CLIMB}/.wh.file": ".." in the name`),
    });
    await expectNothingLeft(store);
  });

  it('whiteouts named through lower-layer symlinks remove names inside the root, never beside the store', async () => {
    const store = await freshStore();
    const img = await ensureImage(store, testDistro([{ kind: 'oci', ref: ref('through') }]), { log: memoryLogger() });
    expect(await readdir(join(img.rootfs, 'canary'))).toEqual([]);
    expect(await readdir(join(img.rootfs, canary, 'sub'))).toEqual([]);
    expect(await readdir(store.tmpDir())).toEqual([]);
    expect(await snapshotTree(canary)).toEqual(canaryBefore);
  });
});
