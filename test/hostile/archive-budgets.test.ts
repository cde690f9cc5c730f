import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { crc32, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decompress, extractTar } from '../../src/archive/index.js';
import { ensureImage } from '../../src/images/index.js';
import type { Store } from '../../src/store/index.js';
import { VmError } from '../../src/util/errors.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { storeMaker } from '../helpers/store.js';
import { END, rawHeader, tarOf, type Spec } from '../helpers/tar.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';

// Per-archive budgets (issue 14 point 10, SAFETY 8 and 13): link-resolution steps summed over the whole
// archive, entries and bytes, the memory xz and zstd may take (set by the archive's dictionary or window),
// and the decompression ratio. Each hostile archive is built into an image through the real store: it must
// fail naming the archive, the budget and the variable that raises it, commit nothing, leave no staging
// dir, and change nothing beside the store. Big inputs are generated here, never committed.

const TAGS = { tags: ['safety', 'archives', 'untrusted'] };
const MiB = 1024 ** 2;

const work = await mkdtemp(join(tmpdir(), 'vmx-budgets-'));
const canary = join(work, 'canary');
const freshStore = storeMaker(join(work, 'stores'));
let canaryBefore: Awaited<ReturnType<typeof snapshotTree>>;
let archives = 0;

beforeAll(async () => {
  await mkdir(join(canary, 'sub'), { recursive: true });
  await writeFile(join(canary, 'file'), 'canary\n');
  await symlink('file', join(canary, 'link'));
  canaryBefore = await snapshotTree(canary);
});
afterAll(() => rm(work, { recursive: true, force: true }));

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Builds `archive` as a tarball image in a fresh store, with the environment `env` set meanwhile. */
async function build(
  archive: Buffer,
  env: Record<string, string> = {},
): Promise<{ store: Store; url: string; error: unknown }> {
  const file = join(work, `archive-${++archives}`);
  await writeFile(file, archive);
  const url = pathToFileURL(file).href;
  const store = await freshStore();
  const distro = testDistro([{ kind: 'tarball', url, sha256: sha256(archive) }]);
  Object.assign(process.env, env);
  try {
    const error = await ensureImage(store, distro, { log: memoryLogger() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { store, url, error };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
  }
}

/** No image committed, no staging dir left, the canary unchanged. */
async function expectNothingLeft(store: Store): Promise<void> {
  expect(await readdir(join(store.root, 'images'))).toEqual([]);
  expect(await readdir(store.tmpDir())).toEqual([]);
  expect(await snapshotTree(canary)).toEqual(canaryBefore);
}

async function expectRefused(
  archive: Buffer,
  message: string,
  variable: string,
  env: Record<string, string> = {},
): Promise<void> {
  const { store, url, error } = await build(archive, env);
  expect(error).toBeInstanceOf(VmError);
  expect(error).toMatchObject({ code: 'ARCHIVE_LIMIT', exit: 3, message: expect.stringContaining(`${url}: `) });
  expect((error as VmError).message).toContain(message);
  expect((error as VmError).hint).toContain(`raise ${variable} only if you trust the source`);
  await expectNothingLeft(store);
}

const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

function compress(kind: 'xz' | 'zstd', data: Buffer, args: string[] = []): Buffer {
  const r = spawnSync(kind, ['-c', ...args], { input: data, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${kind} -c failed: ${r.stderr}`);
  return r.stdout;
}

/** A chain of `length` symlinks l0 -> l1 -> … -> dir; then, `times` over, a link replaced and a file through l0. */
function chainArchive(length: number, times: number): Spec[] {
  const chain: Spec[] = [{ name: 'dir', type: 'directory' }];
  for (let i = length - 1; i >= 0; i--)
    chain.push({ name: `l${i}`, type: 'symlink', linkname: i === length - 1 ? 'dir' : `l${i + 1}` });
  for (let n = 0; n < times; n++) {
    // Replacing a link empties the resolver's cache of real directories: the next walk starts again.
    chain.push({ name: 'flip', type: 'symlink', linkname: `x${n}` }, { name: `l0/f${n}`, content: 'x' });
  }
  return chain;
}

describe('link-resolution steps are budgeted per archive, not per entry (SAFETY 8)', TAGS, () => {
  it('250-link walks, each under the 255 cap, repeated 2100 times: refused by the archive budget, nothing kept', async () => {
    const archive = gzipSync(await tarOf(chainArchive(250, 2100)));
    const started = Date.now();
    await expectRefused(archive, 'archive entry "l0/f', 'VMATRIX_ARCHIVE_MAX_LINK_STEPS');
    const { error } = await build(archive);
    expect((error as VmError).message).toMatch(/exceeds the limit on symlink resolution steps \(1000000\)$/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('the same walks a few times fit the default budget; an operator who trusts the source can raise it', async () => {
    const few = await build(gzipSync(await tarOf(chainArchive(250, 10))));
    expect(few.error).toBeUndefined();
    const raised = await build(gzipSync(await tarOf(chainArchive(250, 2100))), {
      VMATRIX_ARCHIVE_MAX_LINK_STEPS: '3000000',
    });
    expect(raised.error).toBeUndefined();
  });
});

describe('entries and bytes are budgeted per archive (SAFETY 13)', TAGS, () => {
  const files = (n: number, size: number): Spec[] =>
    Array.from({ length: n }, (_, i) => ({ name: `f${i}`, content: 'x'.repeat(size) }));

  it('one entry over VMATRIX_ARCHIVE_MAX_ENTRIES is refused, naming the archive, the entry and the budget', async () => {
    const archive = gzipSync(await tarOf(files(101, 1)));
    await expectRefused(
      archive,
      'archive entry "f100" exceeds the limit on entries (100)',
      'VMATRIX_ARCHIVE_MAX_ENTRIES',
      { VMATRIX_ARCHIVE_MAX_ENTRIES: '100' },
    );
    expect((await build(archive, { VMATRIX_ARCHIVE_MAX_ENTRIES: '101' })).error).toBeUndefined();
  });

  it('content past VMATRIX_ARCHIVE_MAX_BYTES is refused at the header of the entry that crosses it', async () => {
    await expectRefused(
      gzipSync(await tarOf(files(4, 1000))),
      'archive entry "f3" exceeds the limit on bytes (3500)',
      'VMATRIX_ARCHIVE_MAX_BYTES',
      { VMATRIX_ARCHIVE_MAX_BYTES: '3500' },
    );
  });

  it('a budget that is not a positive whole number is a usage error naming the variable', async () => {
    const { error } = await build(gzipSync(await tarOf(files(1, 1))), { VMATRIX_ARCHIVE_MAX_ENTRIES: '1e9' });
    expect(error).toMatchObject({
      code: 'BAD_ARCHIVE_LIMIT',
      exit: 2,
      message: 'VMATRIX_ARCHIVE_MAX_ENTRIES: "1e9" is not a positive whole number',
    });
  });
});

/** An xz stream whose LZMA2 filter claims a 1536 MiB dictionary (`xz --lzma2=dict=1536MiB`), its CRC fixed. */
function hugeDictionaryXz(tar: Buffer): Buffer {
  const xz = compress('xz', tar);
  const at = 12; // the first block header, after the stream header
  const size = (xz[at]! + 1) * 4;
  expect([xz[at + 1], xz[at + 2], xz[at + 3]]).toEqual([0x00, 0x21, 0x01]); // no sizes; LZMA2, 1 byte of properties
  xz[at + 4] = 37; // dictionary size code 37: 3 · 2^29 = 1536 MiB
  xz.writeUInt32LE(crc32(xz.subarray(at, at + size - 4)), at + size - 4);
  const file = join(work, `dict-${++archives}.xz`); // xz --list reads files only
  writeFileSync(file, xz);
  const listed = spawnSync('xz', ['--robot', '-lvv', file], { encoding: 'utf8' }).stdout;
  expect(listed).toMatch(/^summary\t161\d{7}\t/m); // xz itself says the stream needs 1.5 GiB to decompress
  return xz;
}

describe('decompressors run with a memory limit the archive cannot raise (SAFETY 13)', TAGS, () => {
  const tar = (): Promise<Buffer> => tarOf([{ name: 'etc/os-release', content: 'ID=hostile\n' }]);

  it('xz with a 1536 MiB dictionary is refused by xz --memlimit, naming the archive and VMATRIX_ARCHIVE_XZ_MEMORY', async () => {
    const before = peakRssMiB();
    await expectRefused(
      hugeDictionaryXz(await tar()),
      "exceeds the limit on xz decompression memory (256 MiB): the stream's dictionary needs more",
      'VMATRIX_ARCHIVE_XZ_MEMORY',
    );
    expect(peakRssMiB() - before).toBeLessThan(256);
  });

  it('zstd with a 2 GiB window (zstd --long=31) is refused by zstd --memory, naming the window and VMATRIX_ARCHIVE_ZSTD_MEMORY', async () => {
    const zst = compress('zstd', await tar(), ['--long=31']);
    await expectRefused(
      zst,
      'exceeds the limit on zstd decompression memory (128 MiB): its window is 2048 MiB',
      'VMATRIX_ARCHIVE_ZSTD_MEMORY',
    );
  });

  it('the same stream read from a pipe (not a file) is refused the same way', async () => {
    const data = hugeDictionaryXz(await tar());
    const root = join(work, `root-${++archives}`);
    await expect(extractTar(await decompress(Readable.from([data])), root)).rejects.toMatchObject({
      code: 'ARCHIVE_LIMIT',
      message: expect.stringContaining('xz decompression memory'),
    });
  });
});

/** A tar header for a file of `mib` MiB of zeros, then its content: each compressor's output of 16 MiB of zeros, repeated. */
function zeroBomb(kind: 'gzip' | 'xz' | 'zstd', mib = 1024, complete = false): Buffer {
  const header = rawHeader({ name: 'zeros', typeflag: '0', size: mib * MiB });
  const z = (b: Buffer): Buffer => (kind === 'gzip' ? gzipSync(b, { level: 9 }) : compress(kind, b));
  const member = z(Buffer.alloc(16 * MiB));
  return Buffer.concat([z(header), ...Array<Buffer>(mib / 16).fill(member), ...(complete ? [z(END)] : [])]);
}

describe('a decompression-ratio limit stops a layer of zeros early (SAFETY 13)', TAGS, () => {
  for (const kind of ['gzip', 'xz', 'zstd'] as const) {
    it(`${kind}: a 1 GiB file of zeros is refused after ~64 MiB, nothing kept`, async () => {
      const bomb = zeroBomb(kind);
      expect(bomb.length).toBeLessThan(2 * MiB);
      await expectRefused(
        bomb,
        'archive exceeds the limit on decompression ratio (250:1)',
        'VMATRIX_ARCHIVE_MAX_RATIO',
      );
    });
  }

  it('from a pipe too; with the ratio raised by the operator, the same zeros extract', async () => {
    const bomb = zeroBomb('gzip', 128, true);
    await expect(
      extractTar(await decompress(Readable.from([bomb])), join(work, `root-${++archives}`)),
    ).rejects.toMatchObject({
      code: 'ARCHIVE_LIMIT',
      message: expect.stringMatching(
        /^archive exceeds the limit on decompression ratio \(250:1\): gzip data expanded \d+ bytes from \d+$/,
      ),
    });
    const { store, error } = await build(bomb, { VMATRIX_ARCHIVE_MAX_RATIO: '2000' });
    expect(error).toBeUndefined();
    expect(await readdir(join(store.root, 'images'))).toHaveLength(1);
  });
});
