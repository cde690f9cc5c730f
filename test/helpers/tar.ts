import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { expect } from 'vitest';
import { extractTar, type ExtractOptions, type ExtractResult } from '../../src/archive/index.js';
import { snapshotTree } from './tree-snapshot.js';

// Archives for extraction tests, built in memory: tar-stream's pack() for well-formed ones, raw 512-byte
// blocks for the malformed ones pack() refuses to write.

export interface Spec {
  name: string;
  type?: 'file' | 'link' | 'symlink' | 'directory' | 'block-device' | 'character-device' | 'fifo' | 'contiguous-file';
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  linkname?: string;
  content?: string | Buffer;
  pax?: Record<string, string>;
  devmajor?: number;
  devminor?: number;
}

export async function tarOf(entries: Spec[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { content, ...header } of entries) {
    const type = header.type ?? 'file';
    const mode = header.mode ?? (type === 'directory' ? 0o755 : 0o644);
    pack.entry({ mtime: new Date(1_600_000_000_000), ...header, type, mode }, content ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

export function extractBuffer(buf: Buffer, dest: string, o?: ExtractOptions): Promise<ExtractResult> {
  return extractTar(Readable.from([buf]), dest, o);
}

/** A ustar header block with any type flag and size, checksummed. */
export function rawHeader(o: {
  name: string;
  typeflag: string;
  size?: number;
  mode?: number;
  linkname?: string;
  sizeField?: Buffer;
  devmajor?: number;
  devminor?: number;
}): Buffer {
  const b = Buffer.alloc(512);
  b.write(o.name, 0, 100, 'utf8');
  b.write(`${(o.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  if (o.sizeField) o.sizeField.copy(b, 124);
  else b.write(`${(o.size ?? 0).toString(8).padStart(11, '0')}\0`, 124);
  b.write('13000000000\0', 136);
  b.write(o.typeflag, 156, 1, 'latin1');
  if (o.linkname) b.write(o.linkname, 157, 100);
  // 7 octal digits: tar-stream's pack() writes 6, which cannot hold Linux's largest minor (0xfffff).
  if (o.devmajor !== undefined) b.write(`${o.devmajor.toString(8).padStart(7, '0')}\0`, 329);
  if (o.devminor !== undefined) b.write(`${o.devminor.toString(8).padStart(7, '0')}\0`, 337);
  b.write('ustar\x0000', 257, 'latin1');
  b.write('        ', 148);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

/** Data padded to whole blocks. */
export function blocks(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** PAX records, values kept byte for byte. */
export function paxData(records: Record<string, string | Buffer>): Buffer {
  const parts = Object.entries(records).map(([k, v]) => {
    const body = Buffer.concat([Buffer.from(` ${k}=`), Buffer.from(v), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    return Buffer.concat([Buffer.from(String(len)), body]);
  });
  return Buffer.concat(parts);
}

export const END = Buffer.alloc(1024);

/** A raw entry: its header and its content, padded to whole blocks. */
export function rawEntry(o: Omit<Parameters<typeof rawHeader>[0], 'size'> & { content?: string | Buffer }): Buffer {
  const content = Buffer.from(o.content ?? '');
  return Buffer.concat([rawHeader({ ...o, size: content.length }), blocks(content)]);
}

/** A GNU long name (`L`) or long link target (`K`) for the entry that follows, as GNU tar writes it. */
export function gnuLong(typeflag: 'L' | 'K', value: string): Buffer {
  const data = Buffer.from(`${value}\0`);
  return Buffer.concat([rawHeader({ name: '././@LongLink', typeflag, size: data.length }), blocks(data)]);
}

/** A PAX extended header (`x`) whose records override the fields of the entry that follows. */
export function paxHeader(records: Record<string, string | Buffer>): Buffer {
  const data = paxData(records);
  return Buffer.concat([rawHeader({ name: 'PaxHeader', typeflag: 'x', size: data.length }), blocks(data)]);
}

/** A 12-byte base-256 size field: how GNU tar writes sizes of 8 GiB and more in a ustar header. */
export function base256Size(n: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 0x80;
  b.writeBigUInt64BE(BigInt(n), 4);
  return b;
}

export interface Sandbox {
  work: string;
  /** Where archives are extracted. */
  root: string;
  /** Absolute path of a directory beside the root that no extraction may touch. */
  canary: string;
  /** A directory for the test's own files (source trees, archives), not watched. */
  scratch: string;
  /** Fails the test if anything beside the root changed. */
  assertUntouched(): Promise<void>;
}

const sandboxes: string[] = [];

/** Call from afterAll: removes every sandbox the file made. */
export async function removeSandboxes(): Promise<void> {
  await Promise.all(sandboxes.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** A root plus neighbours an escaping entry would hit: canary/, victim/, and root-evil/ (a sibling prefix). */
export async function sandbox(): Promise<Sandbox> {
  const work = await mkdtemp(join(tmpdir(), 'vmx-extract-'));
  sandboxes.push(work);
  const root = join(work, 'root');
  await mkdir(root);
  for (const d of ['canary/sub', 'victim', 'root-evil', 'scratch']) await mkdir(join(work, d), { recursive: true });
  await writeFile(join(work, 'canary/file'), 'canary\n');
  await writeFile(join(work, 'canary/sub/deep'), 'deep\n');
  await writeFile(join(work, 'victim/hello'), 'hello\n');
  await writeFile(join(work, 'root-evil/x'), 'x\n');
  const outside = async (): Promise<Record<string, unknown>> => {
    const all = await snapshotTree(work);
    const watched = (p: string): boolean => !['root', 'scratch'].some((d) => p === d || p.startsWith(`${d}/`));
    return Object.fromEntries([...all].filter(([p]) => watched(p)));
  };
  const before = await outside();
  return {
    work,
    root,
    canary: join(work, 'canary'),
    scratch: join(work, 'scratch'),
    assertUntouched: async () => expect(await outside()).toEqual(before),
  };
}
