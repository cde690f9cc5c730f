import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execOrThrow } from '../../../src/util/exec.js';
import {
  blocks,
  END,
  extractBuffer,
  paxData,
  rawHeader,
  removeSandboxes,
  sandbox,
  tarOf,
  type Sandbox,
} from '../../helpers/tar.js';

// docs/safety.md, rules 13-14: hostile or malformed archives are rejected in bounded time and memory, with a clear
// error, and the extractor fails closed on what it does not understand.

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.assertUntouched();
});
afterAll(removeSandboxes);

const rejects = (buf: Buffer | Promise<Buffer>, code: string, message: RegExp, limits = {}) =>
  expect(Promise.resolve(buf).then((b) => extractBuffer(b, s.root, { limits }))).rejects.toMatchObject({
    code,
    message: expect.stringMatching(message),
  });

describe('bounds (SAFETY 13)', { tags: ['safety', 'archives'] }, () => {
  it('caps the number of entries', () =>
    rejects(tarOf([1, 2, 3, 4].map((i) => ({ name: `f${i}` }))), 'ARCHIVE_LIMIT', /entries \(3\)/, { maxEntries: 3 }));

  it('caps the total size before writing the file that would exceed it', async () => {
    await rejects(
      tarOf([
        { name: 'small', content: 'x'.repeat(600) },
        { name: 'big', content: 'x'.repeat(600) },
      ]),
      'ARCHIVE_LIMIT',
      /bytes \(1000\)/,
      { maxBytes: 1000 },
    );
    expect(existsSync(join(s.root, 'big'))).toBe(false);
  });

  it('caps the length of a name', () =>
    rejects(tarOf([{ name: 'n'.repeat(5000) }]), 'ARCHIVE_UNSAFE', /longer than 4096 bytes/));
  it('caps the length of a link target', () =>
    rejects(
      tarOf([{ name: 'l', type: 'symlink', linkname: 't'.repeat(5000) }]),
      'ARCHIVE_UNSAFE',
      /link target longer/,
    ));
  it('caps the depth', () => rejects(tarOf([{ name: `${'a/'.repeat(600)}x` }]), 'ARCHIVE_UNSAFE', /deeper than 512/));

  it('refuses a giant PAX header without reading it into memory', () =>
    rejects(
      Buffer.concat([rawHeader({ name: 'PaxHeader', typeflag: 'x', size: 64 * 1024 * 1024 }), Buffer.alloc(4096)]),
      'ARCHIVE_INVALID',
      /Header exceeds max size/,
    ));

  it('refuses a negative size (base-256)', () =>
    rejects(
      Buffer.concat([
        rawHeader({ name: 'neg', typeflag: '0', sizeField: Buffer.from([...Array(11).fill(0xff), 0xfe]) }),
        END,
      ]),
      'ARCHIVE_INVALID',
      /Invalid header/,
    ));

  it('refuses a global PAX header that sets a path (parser confusion)', () =>
    rejects(
      Buffer.concat([
        rawHeader({ name: 'pax_global_header', typeflag: 'g', size: paxData({ path: 'evil' }).length }),
        blocks(paxData({ path: 'evil' })),
        rawHeader({ name: 'PaxHeader', typeflag: 'x', size: paxData({ mtime: '1' }).length }),
        blocks(paxData({ mtime: '1' })),
        rawHeader({ name: 'innocent', typeflag: '0' }),
        END,
      ]),
      'ARCHIVE_INVALID',
      /global PAX header sets path/,
    ));

  it('accepts a global PAX header with only a comment (git archive writes one)', async () => {
    const comment = paxData({ comment: '0123456789abcdef0123456789abcdef01234567' });
    await extractBuffer(
      Buffer.concat([
        rawHeader({ name: 'pax_global_header', typeflag: 'g', size: comment.length }),
        blocks(comment),
        rawHeader({ name: 'README', typeflag: '0', size: 3 }),
        blocks(Buffer.from('hi\n')),
        END,
      ]),
      s.root,
    );
    expect(await readFile(join(s.root, 'README'), 'utf8')).toBe('hi\n');
  });

  it('refuses a malformed PAX record', () =>
    rejects(
      Buffer.concat([
        rawHeader({ name: 'PaxHeader', typeflag: 'x', size: 20 }),
        blocks(Buffer.from('999 path=x\n')),
        rawHeader({ name: 'f', typeflag: '0' }),
        END,
      ]),
      'ARCHIVE_INVALID',
      /malformed PAX/,
    ));

  it('refuses an out-of-range uid from PAX', () =>
    rejects(tarOf([{ name: 'f', pax: { uid: '99999999999' } }]), 'ARCHIVE_INVALID', /uid 99999999999 out of range/));
  it('refuses device numbers Linux cannot hold', () =>
    rejects(
      tarOf([{ name: 'dev/x', type: 'character-device', devmajor: 5000, devminor: 1 }]),
      'ARCHIVE_INVALID',
      /device number 5000:1 out of range/,
    ));
  it('refuses a bad header checksum', async () => {
    const buf = await tarOf([{ name: 'f', content: 'x' }]);
    buf[0] = 'g'.charCodeAt(0);
    await rejects(buf, 'ARCHIVE_INVALID', /Invalid tar header/);
  });
});

describe('fail closed (SAFETY 14) and truncation', { tags: ['safety', 'archives'] }, () => {
  it('refuses an unknown type flag', () =>
    rejects(
      Buffer.concat([rawHeader({ name: 'vol', typeflag: 'V' }), END]),
      'ARCHIVE_INVALID',
      /unsupported entry type/,
    ));
  it('refuses an old-style GNU sparse entry (type S)', () =>
    rejects(
      Buffer.concat([rawHeader({ name: 'sp', typeflag: 'S' }), END]),
      'ARCHIVE_INVALID',
      /unsupported entry type/,
    ));
  it('refuses PAX sparse records', () =>
    rejects(
      tarOf([{ name: 'f', pax: { 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0' } }]),
      'ARCHIVE_INVALID',
      /GNU sparse files are not supported/,
    ));

  for (const format of ['gnu', 'pax']) {
    it(`refuses a sparse file as GNU tar --format=${format} -S writes it`, async () => {
      const src = join(s.scratch, `sparse-${format}`);
      await execOrThrow('sh', [
        '-c',
        'mkdir -p "$1" && truncate -s 8M "$1/holes" && echo end >> "$1/holes"',
        'sh',
        src,
      ]);
      await execOrThrow('tar', [`--format=${format}`, '-S', '-cf', `${src}.tar`, '-C', src, 'holes']);
      await rejects(readFile(`${src}.tar`), 'ARCHIVE_INVALID', /sparse|unsupported entry type/);
    });
  }

  it('refuses data after a non-file header (where parsers disagree)', () =>
    rejects(
      Buffer.concat([rawHeader({ name: 'l', typeflag: '2', linkname: 'x', size: 512 }), Buffer.alloc(512), END]),
      'ARCHIVE_INVALID',
      /symlink entry with 512 bytes of data/,
    ));

  it('refuses a tar cut in the middle of a file', async () => {
    const buf = await tarOf([{ name: 'f', content: 'x'.repeat(5000) }]);
    await rejects(buf.subarray(0, 2048), 'ARCHIVE_INVALID', /Unexpected end of data/);
  });

  it('refuses a tar cut at an entry boundary (no end-of-archive marker)', async () => {
    const buf = await tarOf([
      { name: 'a', content: 'a' },
      { name: 'b', content: 'b' },
    ]);
    await rejects(buf.subarray(0, 1024), 'ARCHIVE_INVALID', /end-of-archive marker/);
  });

  it('refuses an empty stream', () => rejects(Buffer.alloc(0), 'ARCHIVE_INVALID', /end-of-archive marker/));
});
