import {
  chmodSync, closeSync, constants, fchmodSync, fchownSync, fstatSync, futimesSync, lchownSync, linkSync, lstatSync,
  lutimesSync, mkdirSync, openSync, rmSync, symlinkSync, unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { join } from 'node:path';
import type { Entry } from './entry.js';
import { unsafe } from './errors.js';
import { mknod } from './mknod.js';
import { RootResolver } from './resolve.js';
import { setXattrsOnFd } from './xattrs.js';

// Synchronous syscalls on purpose: an async fs call costs a thread-pool round trip (~100 µs) and a distro
// root is ~50k calls, which made extraction 3-5x slower than GNU tar. Each call here takes microseconds and
// the caller awaits the tar stream between entries, so the event loop is never held for long.

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_DIRECTORY, O_NONBLOCK } = constants;

export interface WriterOptions {
  /** chown to the archive's numeric owners (root only). */
  sameOwner: boolean;
  /** Create character and block devices (root only); otherwise they are counted and skipped. */
  devices: boolean;
  /** Set security.* attributes (file capabilities need CAP_SETFCAP). */
  securityXattrs: boolean;
}

interface DirRecord { path: string; ino: number; dev: number; entry: Entry }

/**
 * Creates entries inside a root, one at a time, in archive order. Metadata goes on through a file
 * descriptor wherever Node allows it; directories get theirs in a deferred pass (a read-only directory
 * must stay writable while its children arrive), which re-opens each one with O_NOFOLLOW and checks
 * that it is still the inode we created (libarchive CVE-2021-31566).
 */
export class TreeWriter {
  private readonly resolver: RootResolver;
  private readonly dirs = new Map<string, DirRecord>();
  skippedDevices = 0;
  readonly dropped = new Set<string>();

  constructor(readonly root: string, private readonly o: WriterOptions) {
    this.resolver = new RootResolver(root);
  }

  async add(e: Entry, data: AsyncIterable<Buffer>, onBytes: (n: number) => void): Promise<void> {
    for (const name of e.dropped) this.dropped.add(name);
    if (e.parts.length === 0) return this.rootEntry(e);
    const parent = this.resolver.parentOf(e.parts, e.name, { follow: true, create: true });
    const path = join(parent, e.parts[e.parts.length - 1]!);
    switch (e.kind) {
      case 'file': return this.file(path, e, data, onBytes);
      case 'dir': return this.dir(path, e);
      case 'symlink': return this.symlink(path, e);
      case 'hardlink': return this.hardlink(path, e);
      default: return this.node(path, e);
    }
  }

  /** The deferred pass over directories: owner, mode, attributes, mtime. */
  async finish(): Promise<void> {
    for (const r of this.dirs.values()) {
      let fd: number;
      try {
        fd = openSync(r.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') continue; // replaced by a later entry
        throw e;
      }
      try {
        const st = fstatSync(fd);
        if (st.ino === r.ino && st.dev === r.dev) await this.finishInode(fd, r.entry, r.path);
      } finally {
        closeSync(fd);
      }
    }
  }

  private rootEntry(e: Entry): void {
    if (e.kind !== 'dir') throw unsafe(e.name, `the root of the archive must be a directory, not a ${e.kind}`);
    this.record(this.root, e);
  }

  private async file(path: string, e: Entry, data: AsyncIterable<Buffer>, onBytes: (n: number) => void): Promise<void> {
    const fd = this.exclusive(path, () => openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600));
    try {
      for await (const chunk of data) {
        onBytes(chunk.length);
        for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
      }
      await this.finishInode(fd, e, path);
    } finally {
      closeSync(fd);
    }
  }

  private dir(path: string, e: Entry): void {
    // An existing directory is kept (archives list a directory again, layers add to it); anything else
    // at the name is replaced.
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) this.remove(path, st);
    if (!st?.isDirectory()) mkdirSync(path, 0o700);
    this.record(path, e);
    this.resolver.remember(e.parts.join('/'), path);
  }

  private symlink(path: string, e: Entry): void {
    this.exclusive(path, () => symlinkSync(e.linkname!, path));
    if (this.o.sameOwner) lchownSync(path, e.uid, e.gid);
    lutimesSync(path, e.mtime, e.mtime);
    for (const [name] of e.xattrs) this.dropped.add(name); // Linux keeps no user.* or capability on a symlink
  }

  private hardlink(path: string, e: Entry): void {
    const parts = e.linkParts!;
    // A hardlink target names an earlier entry by its real path: through a symlink, it is refused.
    const parent = this.resolver.parentOf(parts, e.name, { follow: false, create: false });
    const target = join(parent, parts[parts.length - 1]!);
    if (target === path) return;
    const st = lstatSync(target, { throwIfNoEntry: false });
    if (!st) throw unsafe(e.name, `hardlink target "${parts.join('/')}" does not exist`);
    if (st.isDirectory()) throw unsafe(e.name, `hardlink to the directory "${parts.join('/')}"`);
    this.exclusive(path, () => linkSync(target, path));
  }

  private async node(path: string, e: Entry): Promise<void> {
    if (e.kind !== 'fifo' && !this.o.devices) {
      this.skippedDevices++;
      return;
    }
    const existing = lstatSync(path, { throwIfNoEntry: false });
    if (existing) this.remove(path, existing);
    await mknod(path, e);
    if (this.o.sameOwner) lchownSync(path, e.uid, e.gid);
    // chmod(2) follows links, but the name is the node we have just made, in a directory only we write.
    chmodSync(path, e.mode);
    lutimesSync(path, e.mtime, e.mtime);
  }

  private async finishInode(fd: number, e: Entry, path: string): Promise<void> {
    if (this.o.sameOwner) fchownSync(fd, e.uid, e.gid);
    fchmodSync(fd, e.mode); // after chown, which clears setuid and setgid
    if (e.xattrs.length) await this.setXattrs(fd, e, path); // after chown, which clears capabilities
    futimesSync(fd, e.mtime, e.mtime);
  }

  private async setXattrs(fd: number, e: Entry, path: string): Promise<void> {
    const allowed = e.xattrs.filter(([name]) => this.o.securityXattrs || !name.startsWith('security.'));
    for (const [name] of e.xattrs) if (!allowed.some(([n]) => n === name)) this.dropped.add(name);
    await setXattrsOnFd(fd, allowed, path);
  }

  private record(path: string, e: Entry): void {
    const st = lstatSync(path);
    this.dirs.set(path, { path, ino: st.ino, dev: st.dev, entry: e });
  }

  /** Runs a create-if-absent; if the name is taken, removes what is there (never following it) and retries. */
  private exclusive<T>(path: string, create: () => T): T {
    try {
      return create();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      this.remove(path, lstatSync(path));
      return create();
    }
  }

  private remove(path: string, st: Stats): void {
    if (st.isDirectory()) rmSync(path, { recursive: true, force: true }); // rm never follows symlinks
    else unlinkSync(path);
    if (st.isDirectory() || st.isSymbolicLink()) this.resolver.forget();
  }
}
