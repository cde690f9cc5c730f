import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execOrThrow } from '../../src/util/exec.js';

// Everything about a tree that an extraction must reproduce, keyed by path, so that two trees compare with
// one toEqual and a difference reads as the path that differs.

export interface NodeFacts {
  type: string;
  mode: string;
  uid: number;
  gid: number;
  mtime: number;
  size?: number;
  nlink?: number;
  rdev?: number;
  link?: string;
  sha256?: string;
  xattrs?: Record<string, string>;
}

export async function snapshotTree(root: string): Promise<Map<string, NodeFacts>> {
  const out = new Map<string, NodeFacts>();
  await walk(root, '', out);
  for (const [path, attrs] of await xattrsOf(root)) {
    const facts = out.get(path);
    if (facts) facts.xattrs = attrs;
  }
  return out;
}

async function walk(root: string, rel: string, out: Map<string, NodeFacts>): Promise<void> {
  const path = join(root, rel);
  const st = await lstat(path);
  const facts: NodeFacts = {
    type: typeOf(st),
    mode: (st.mode & 0o7777).toString(8),
    uid: st.uid,
    gid: st.gid,
    mtime: Math.floor(st.mtimeMs / 1000),
  };
  if (st.isFile()) Object.assign(facts, { size: st.size, nlink: st.nlink, sha256: await sha256File(path) });
  if (st.isSymbolicLink()) facts.link = await readlink(path);
  if (st.isCharacterDevice() || st.isBlockDevice()) facts.rdev = st.rdev;
  out.set(rel || '.', facts);
  if (st.isDirectory())
    for (const name of (await readdir(path)).sort()) await walk(root, rel ? `${rel}/${name}` : name, out);
}

function typeOf(st: import('node:fs').Stats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'other';
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** security.capability and user.* of every node, read by getfattr (package attr) without following links. */
export async function xattrsOf(root: string): Promise<Map<string, Record<string, string>>> {
  const text = await execOrThrow('getfattr', [
    '-R',
    '-P',
    '-d',
    '-m',
    '^(security\\.capability|user\\..*)$',
    '-h',
    '-e',
    'hex',
    '--absolute-names',
    root,
  ]);
  const out = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      const abs = unescapeGetfattr(line.slice(8));
      current = {};
      out.set(abs === root ? '.' : abs.slice(root.length + 1), current);
    } else if (current && line.includes('=')) {
      const eq = line.indexOf('=');
      current[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

function unescapeGetfattr(name: string): string {
  return Buffer.from(
    name.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))),
    'latin1',
  ).toString();
}

/** The first differences between two snapshots, readable in a failure message. */
export function diffSnapshots(a: Map<string, NodeFacts>, b: Map<string, NodeFacts>, max = 20): string[] {
  const diffs: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = JSON.stringify(a.get(path));
    const y = JSON.stringify(b.get(path));
    if (x !== y) diffs.push(`${path}:\n  ours: ${x}\n  gnu:  ${y}`);
    if (diffs.length >= max) break;
  }
  return diffs;
}
