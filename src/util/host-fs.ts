import { constants, type Stats } from 'node:fs';
import { lchown, lstat, mkdir, open, readdir, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { usageError } from './errors.js';

// vmatrix runs as root in a project it does not trust (docs/safety.md, rule 29): a committed symlink such as
// `.vmatrix -> /etc` must never turn one of its host-side writes or reads into one of root's files. These
// are the few primitives that touch paths under the project: each component is checked with lstat, files
// are opened with O_NOFOLLOW, and nothing that is not a regular file is ever opened for reading (a FIFO
// would block, a device would never end).

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

/** What a path is, in words, for messages. */
export function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return st.isFile() ? 'a regular file' : 'a special file';
}

/** Whether `path` is `dir` or inside it, compared as written (both absolute). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function linkRefusal(path: string, shown: string): Promise<Error> {
  const target = await readlink(path).catch(() => '?');
  return usageError(
    'UNSAFE_PROJECT_PATH',
    `${shown} is a symbolic link (to ${target}): vmatrix runs as root and does not write through links the project ` +
      `holds`,
    {
      hint: `remove ${shown} (vmatrix creates it as a directory of its own; a project should not commit it)`,
    },
  );
}

/**
 * Makes `root/parts[0]/parts[1]/…` as real directories, one component at a time, and refuses (exit 2,
 * naming it) a component that is a symbolic link or not a directory. `root` is trusted. Returns the
 * directories it created, outermost first (to be given to the invoking user).
 */
export async function realDirs(root: string, parts: string[], shownRoot = ''): Promise<string[]> {
  const made: string[] = [];
  let dir = root;
  let shown = shownRoot;
  for (const part of parts) {
    dir = join(dir, part);
    shown = shown ? join(shown, part) : part;
    try {
      await mkdir(dir, { mode: 0o755 });
      made.push(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const st = await lstat(dir);
    if (st.isSymbolicLink()) throw await linkRefusal(dir, shown);
    if (!st.isDirectory()) {
      throw usageError('UNSAFE_PROJECT_PATH', `${shown} is ${kindOf(st)}, not a directory`, {
        hint: `remove ${shown}: vmatrix creates it as a directory of its own`,
      });
    }
  }
  return made;
}

/** Creates a new file, never an existing one and never through a link: O_CREAT|O_EXCL|O_NOFOLLOW. */
export function createNew(path: string, mode: number): Promise<FileHandle> {
  return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
}

export type RegularRead = { bytes: Buffer } | { refused: string } | { tooLarge: number };

/**
 * Reads a file only if it is a regular file, at most `maxBytes` (one more byte read tells "too large"):
 * opened with O_NOFOLLOW (the last component is not followed) and O_NONBLOCK (a FIFO cannot stall the
 * open), then checked on the open descriptor. `pipes`: a FIFO or socket is read too (the operator's own
 * `--config <(…)`). Errors of the open (ENOENT, EISDIR, ELOOP for a link) are thrown.
 */
export async function readRegular(
  path: string,
  maxBytes: number,
  o: { pipes?: boolean; follow?: boolean } = {},
): Promise<RegularRead> {
  const handle = await open(path, O_RDONLY | (o.follow ? 0 : O_NOFOLLOW) | (o.pipes ? 0 : O_NONBLOCK));
  try {
    const st = await handle.stat();
    if (st.isDirectory())
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), { code: 'EISDIR' });
    const pipe = st.isFIFO() || st.isSocket();
    if (!st.isFile() && !(o.pipes && pipe)) return { refused: kindOf(st) };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read(
        Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total)),
        0,
        undefined,
        null,
      );
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { tooLarge: st.isFile() ? st.size : total };
    }
    return { bytes: Buffer.concat(chunks) };
  } finally {
    await handle.close();
  }
}

/** Text of a file vmatrix wrote (a log, an artifact), or undefined when it is missing, a link or not a regular file. */
export async function readRunText(path: string, maxBytes = 512 * 2 ** 20): Promise<string | undefined> {
  const read = await readRegular(path, maxBytes).catch(() => undefined);
  return read && 'bytes' in read ? read.bytes.toString('utf8') : undefined;
}

/**
 * A file of a run, for a report: read only when it stays inside one of `runDirs` (when given: the
 * directories of the results.json files being reported, which a hostile results.json cannot widen),
 * is a regular file and is not a link itself; else undefined, as a log that is not there.
 */
export async function readRunFile(path: string, runDirs?: string[], maxBytes?: number): Promise<string | undefined> {
  if (runDirs && !(await Promise.all(runDirs.map((dir) => staysInside(dir, path)))).some(Boolean)) return undefined;
  return readRunText(path, maxBytes);
}

/** Opens a run's file for reading as readRunFile does (the caller reads part of it), or undefined. */
export async function openRunFile(path: string, runDirs?: string[]): Promise<FileHandle | undefined> {
  if (runDirs && !(await Promise.all(runDirs.map((dir) => staysInside(dir, path)))).some(Boolean)) return undefined;
  const handle = await open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK).catch(() => undefined);
  if (handle && !(await handle.stat()).isFile()) {
    await handle.close();
    return undefined;
  }
  return handle;
}

/** Whether `path` exists and, once every link in it and in `dir` is resolved, is inside `dir`. */
export async function staysInside(dir: string, path: string): Promise<boolean> {
  const realDir = await realpath(dir).catch(() => undefined);
  const real = await realpath(path).catch(() => undefined);
  return realDir !== undefined && real !== undefined && isInside(realDir, real);
}

export interface Owner {
  uid: number;
  gid: number;
}

/** The user who ran vmatrix: `SUDO_UID`/`SUDO_GID` when sudo set them to ids, else this process's. */
export function invokingUser(env: NodeJS.ProcessEnv = process.env): Owner {
  const id = (v: string | undefined): number | undefined =>
    v !== undefined && /^\d{1,10}$/.test(v) && Number(v) < 2 ** 32 - 1 ? Number(v) : undefined;
  const uid = id(env.SUDO_UID);
  const gid = id(env.SUDO_GID);
  if (uid !== undefined && gid !== undefined) return { uid, gid };
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** Gives a tree vmatrix made (a run directory) to `owner`, never following a link (lchown, lstat). */
export async function chownTree(path: string, owner: Owner): Promise<void> {
  const st = await lstat(path);
  if (st.uid !== owner.uid || st.gid !== owner.gid) await lchown(path, owner.uid, owner.gid);
  if (!st.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), owner);
}
