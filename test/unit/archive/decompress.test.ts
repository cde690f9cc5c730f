import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decompress, extractTar, sniffCompression } from '../../../src/archive/index.js';
import { removeSandboxes, sandbox, tarOf, type Sandbox } from '../../helpers/tar.js';

// Compression is recognised by magic bytes; the host's xz/zstd/bzip2 do what Node cannot, and a stream
// they fail on (truncated, corrupt) fails the extraction instead of leaving a partial tree behind.

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.assertUntouched();
});
afterAll(removeSandboxes);

const tarball = () =>
  tarOf([
    { name: 'etc/os-release', content: 'ID=test\n' },
    { name: 'big', content: Buffer.alloc(300_000, 7) },
  ]);

function compress(program: string, data: Buffer): Buffer {
  const r = spawnSync(program, ['-c'], { input: data, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${program} -c failed: ${r.stderr}`);
  return r.stdout;
}

const compressors: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  xz: (b) => compress('xz', b),
  zstd: (b) => compress('zstd', b),
  bzip2: (b) => compress('bzip2', b),
  none: (b) => b,
};

const extractFrom = async (data: Buffer): Promise<unknown> =>
  extractTar(await decompress(Readable.from([data])), s.root);

describe('decompress', { tags: ['safety', 'archives'] }, () => {
  it('recognises each format by its magic bytes; a tar header wins over a look-alike name', async () => {
    const tar = await tarball();
    for (const [kind, fn] of Object.entries(compressors))
      expect(sniffCompression(fn(tar).subarray(0, 512)), kind).toBe(kind);
    const bzLookalike = await tarOf([{ name: 'BZh-not-bzip2' }]);
    expect(sniffCompression(bzLookalike.subarray(0, 512))).toBe('none');
  });

  for (const [kind, fn] of Object.entries(compressors)) {
    it(`extracts a ${kind} tarball`, async () => {
      await extractFrom(fn(await tarball()));
      expect(await readFile(join(s.root, 'etc/os-release'), 'utf8')).toBe('ID=test\n');
      expect((await readFile(join(s.root, 'big'))).equals(Buffer.alloc(300_000, 7))).toBe(true);
    });
  }

  it('handles input that arrives one byte at a time', async () => {
    const data = gzipSync(await tarball());
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < 600; i++) yield data.subarray(i, i + 1);
        yield data.subarray(600);
      })(),
    );
    await extractTar(await decompress(stream), s.root);
    expect(await readFile(join(s.root, 'etc/os-release'), 'utf8')).toBe('ID=test\n');
  });

  for (const kind of ['gzip', 'xz', 'zstd', 'bzip2']) {
    it(`fails on a truncated ${kind} stream instead of extracting part of it`, async () => {
      const data = compressors[kind]!(await tarball());
      await expect(extractFrom(data.subarray(0, Math.floor(data.length * 0.6)))).rejects.toMatchObject({
        code: 'DECOMPRESS_FAILED',
      });
    });
  }

  it('fails on corrupt zstd data and shows what zstd said', async () => {
    const data = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(2000, 0x55)]);
    await expect(extractFrom(data)).rejects.toMatchObject({
      code: 'DECOMPRESS_FAILED',
      message: expect.stringMatching(/zstd -dc \(zstd data\) failed \(exit \d+\):\n.+/),
    });
  });

  it('says which package to install when the program is missing', async () => {
    const data = compressors.xz!(await tarball());
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(extractFrom(data)).rejects.toMatchObject({
        code: 'PROGRAM_NOT_FOUND',
        hint: expect.stringContaining('apt-get install xz-utils'),
      });
    } finally {
      process.env.PATH = path;
    }
  });

  it('passes an error of the input stream on', async () => {
    const data = compressors.zstd!(await tarOf([{ name: 'noise', content: randomBytes(100_000) }]));
    const failing = Readable.from(
      (async function* () {
        yield data.subarray(0, 1000);
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('connection reset');
      })(),
    );
    await expect(extractTar(await decompress(failing), s.root)).rejects.toThrow(/connection reset/);
  });
});
