import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Entry } from './entry.js';
import { envError } from '../util/errors.js';
import { printable, unsafe } from './errors.js';
import { mknodAll, type NodeToMake } from './mknod.js';
import { RootResolver } from './resolve.js';
import { OciWhiteouts } from './whiteout.js';
import { XattrBatch } from './xattrs.js';

// Synchronous syscalls on purpose: an async fs call costs a thread-pool round trip (~100 µs) and a distro
// root is ~50k calls, which made extraction 3-5x slower than GNU tar. Each call here takes microseconds and
// the caller awaits the input between chunks (64 KiB), so the event loop is never held for long.

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_DIRECTORY, O_NONBLOCK } = constants;

export interface WriterOptions {
  /** chown to the archive's numeric owners (root only). */
  sameOwner: boolean;
  /** Create character and block devices (root only); otherwise they are counted and skipped. */
  devices: boolean;
  /** Set security.* attributes (file capabilities need CAP_SETFCAP). */
  securityXattrs: boolean;
  /** Apply OCI whiteouts (`.wh.<name>`, `.wh..wh..opq`) to what lower layers left in the root. */
  whiteouts?: 'oci';
  /** Symlink resolution steps allowed over the whole archive. */
  maxLinkSteps?: number;
}

interface DirRecord {
  path: string;
  ino: number;
  dev: number;
  entry: Entry;
}

/**
 * Creates entries inside a root, one at a time, in archive order. Metadata goes on through a file
 * descriptor wherever Node allows it; directories get theirs in a deferred pass (a read-only directory
 * must stay writable while its children arrive), which re-opens each one with O_NOFOLLOW and checks
 * that it is still the inode we created (libarchive CVE-2021-31566).
 */
export class TreeWriter {
  private readonly resolver: RootResolver;
  private readonly dirs = new Map<string, DirRecord>();
  private open: { fd: number; entry: Entry; path: string } | undefined;
  private nodes: NodeToMake[] = [];
  private readonly nodePaths = new Set<string>();
  private readonly nodeDirs = new Set<string>();
  private readonly whiteouts?: OciWhiteouts;
  private readonly xattrs = new XattrBatch();
  skippedDevices = 0;
  readonly dropped = new Set<string>();

  constructor(
    readonly root: string,
    private readonly o: WriterOptions,
  ) {
    this.resolver = new RootResolver(root, o.maxLinkSteps);
    if (o.whiteouts === 'oci') this.whiteouts = new OciWhiteouts(this.resolver);
  }

  /**
   * Creates the entry. A file is left open: its content follows through write(), then endEntry().
   * Returns a promise only when a helper program must run first (waiting device nodes), so that the
   * common case costs no await.
   */
  add(e: Entry): void | Promise<void> {
    if (this.nodes.length > 0 && !this.clearOfNodes(e)) return this.makeNodes().then(() => this.addNow(e));
    return this.addNow(e);
  }

  private addNow(e: Entry): void {
    for (const name of e.dropped) this.dropped.add(name);
    if (e.parts.length === 0) return this.rootEntry(e);
    if (this.whiteouts && OciWhiteouts.isWhiteout(e)) return this.whiteouts.apply(e);
    this.whiteouts?.wrote(e);
    const parent = this.resolver.parentOf(e.parts, e.name, { follow: true, create: true });
    const path = join(parent, e.parts[e.parts.length - 1]);
    switch (e.kind) {
      case 'file':
        return this.file(path, e);
      case 'dir':
        return this.dir(path, e);
      case 'symlink':
        return this.symlink(path, e);
      case 'hardlink':
        return this.hardlink(path, e);
      default:
        return this.node(path, e);
    }
  }

  /** Content of the file being written, in order (dropped for an entry that made no file: a whiteout). */
  write(chunk: Buffer): void {
    if (!this.open) return;
    const fd = this.open.fd;
    for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
  }

  /** The entry added last is complete: a file gets its metadata and is closed (or queued for attributes). */
  endEntry(): void | Promise<void> {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    let kept: boolean;
    try {
      kept = this.finishInode(open.fd, open.entry, open.path);
    } catch (e) {
      closeSync(open.fd);
      throw e;
    }
    if (!kept) return closeSync(open.fd);
    if (this.xattrs.full) return this.xattrs.flush();
  }

  /** Closes the file being written, if any, after an error. */
  abort(): void {
    if (this.open) closeSync(this.open.fd);
    this.open = undefined;
    this.xattrs.discard();
  }

  /** The deferred pass over directories: owner, mode, attributes, mtime. */
  async finish(): Promise<void> {
    await this.makeNodes();
    for (const r of this.dirs.values()) {
      let fd: number;
      try {
        fd = openSync(r.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') continue; // replaced by a later entry
        throw e;
      }
      let kept = false;
      try {
        const st = fstatSync(fd);
        if (st.ino === r.ino && st.dev === r.dev) kept = this.finishInode(fd, r.entry, r.path);
      } finally {
        if (!kept) closeSync(fd);
      }
      if (this.xattrs.full) await this.xattrs.flush();
    }
    await this.xattrs.flush();
  }

  private rootEntry(e: Entry): void {
    if (e.kind !== 'dir') throw unsafe(e.name, `the root of the archive must be a directory, not a ${e.kind}`);
    this.record(this.root, e);
  }

  private file(path: string, e: Entry): void {
    const fd = this.exclusive(path, () => openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600));
    this.open = { fd, entry: e, path };
  }

  private dir(path: string, e: Entry): void {
    // An existing directory is kept (archives list a directory again, layers add to it); anything else
    // at the name is replaced.
    try {
      mkdirSync(path, 0o700); // mkdir(2) never follows a symlink at the name: EEXIST
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const st = lstatSync(path);
      if (!st.isDirectory()) {
        this.remove(path, st);
        mkdirSync(path, 0o700);
      }
    }
    this.record(path, e);
    this.resolver.remember(e.parts.join('/'), path);
  }

  private symlink(path: string, e: Entry): void {
    this.exclusive(path, () => symlinkSync(e.linkname!, path));
    this.own(e, () => lchownSync(path, e.uid, e.gid));
    lutimesSync(path, e.mtime, e.mtime);
    for (const [name] of e.xattrs) this.dropped.add(name); // Linux keeps no user.* or capability on a symlink
  }

  private hardlink(path: string, e: Entry): void {
    const parts = e.linkParts!;
    // A hardlink target names an earlier entry by its real path: through a symlink, it is refused.
    const parent = this.resolver.parentOf(parts, e.name, { follow: false, create: false });
    const target = join(parent, parts[parts.length - 1]);
    if (target === path) return;
    const st = lstatSync(target, { throwIfNoEntry: false });
    if (!st) throw unsafe(e.name, `hardlink target "${parts.join('/')}" does not exist`);
    if (st.isDirectory()) throw unsafe(e.name, `hardlink to the directory "${parts.join('/')}"`);
    this.exclusive(path, () => linkSync(target, path));
  }

  /** Device nodes and FIFOs wait in `nodes` until makeNodes(); see clearOfNodes() for why that is safe. */
  private node(path: string, e: Entry): void {
    if (e.kind !== 'fifo' && !this.o.devices) {
      this.skippedDevices++;
      return;
    }
    const existing = lstatSync(path, { throwIfNoEntry: false });
    if (existing) this.remove(path, existing);
    this.nodes.push({ path, entry: e });
    this.nodePaths.add(path);
    this.nodeDirs.add(dirname(path));
  }

  /**
   * Whether `e` can be created while device nodes wait to be made, with the same result as in archive
   * order: it looks nothing up (its parent is a cached, real directory) and replaces nothing (its name is
   * free, and is not one of the waiting nodes). Anything else (a hardlink, a whiteout, a name to replace,
   * which may be a directory holding a waiting node) makes the nodes first.
   */
  private clearOfNodes(e: Entry): boolean {
    if (e.parts.length === 0 || e.kind === 'hardlink' || this.whiteouts) return false;
    // Only beside the waiting nodes (a root's /dev): elsewhere, making them now costs no more.
    const parent = this.resolver.cachedParent(e.parts);
    if (parent === undefined || !this.nodeDirs.has(parent)) return false;
    const path = join(parent, e.parts[e.parts.length - 1]);
    return !this.nodePaths.has(path) && lstatSync(path, { throwIfNoEntry: false }) === undefined;
  }

  private async makeNodes(): Promise<void> {
    if (this.nodes.length === 0) return;
    const nodes = this.nodes;
    this.nodes = [];
    this.nodePaths.clear();
    this.nodeDirs.clear();
    await mknodAll(nodes);
    for (const { path, entry: e } of nodes) {
      this.own(e, () => lchownSync(path, e.uid, e.gid));
      // chmod(2) follows links, but the name is the node we have just made, in a directory only we write.
      chmodSync(path, e.mode);
      lutimesSync(path, e.mtime, e.mtime);
    }
  }

  /**
   * Gives the entry its archive's owners. Only root of a user namespace (vmatrix without root) meets EINVAL:
   * an id the namespace has none for, said as such rather than as a failed system call.
   */
  private own(e: Entry, chown: () => void): void {
    if (!this.o.sameOwner) return;
    try {
      chown();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      throw envError(
        'ID_NOT_MAPPED',
        `extracting "${printable(e.name)}": it belongs to uid ${e.uid}, gid ${e.gid}, and the user namespace ` +
          "vmatrix runs in without root has no such id (it has 65536: an image's ids 0-65535)",
        { hint: 'an image with owners above 65535 needs vmatrix as root (sudo, or a CI runner)', cause: err },
      );
    }
  }

  /**
   * Owner, mode (after chown, which clears setuid and setgid), mtime. Attributes are queued, to be set by
   * one process for many files: after chown, which clears capabilities, and setting them leaves the mtime
   * alone. Returns whether the queue took over `fd`.
   */
  private finishInode(fd: number, e: Entry, path: string): boolean {
    this.own(e, () => fchownSync(fd, e.uid, e.gid));
    fchmodSync(fd, e.mode);
    futimesSync(fd, e.mtime, e.mtime);
    if (!e.xattrs.length) return false;
    const allowed = e.xattrs.filter(([name]) => this.o.securityXattrs || !name.startsWith('security.'));
    for (const [name] of e.xattrs) if (!allowed.some(([n]) => n === name)) this.dropped.add(name);
    if (!allowed.length) return false;
    this.xattrs.add(fd, allowed, path);
    return true;
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
    if (st.isDirectory())
      rmSync(path, { recursive: true, force: true }); // rm never follows symlinks
    else unlinkSync(path);
    if (st.isDirectory() || st.isSymbolicLink()) this.resolver.forget();
  }
}
